"""The names that could identify a place of a system, gathered from every app that keeps some:
the anonymisation of feedback (governance.consultation.anonymise) removes them all.

An app registers a source, a function from a system to (name, kind) pairs, once when Django
starts (in its AppConfig.ready()). The registry lets a lower layer read names an upper layer
keeps (committees belong to governance.structures, which governance.consultation may not
import) without either knowing the other. This module registers the partners' own names:
places and their neighbourhoods, organisations with their aliases and sites, and people.

Kinds are "place", "organisation" and "person", the values of
governance.consultation.models.RemovedText for the same things (a test checks they agree).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from partners.models import System

PLACE: Final = "place"
ORGANISATION: Final = "organisation"
PERSON: Final = "person"
KINDS: Final = (PLACE, ORGANISATION, PERSON)

NameSource = Callable[["System"], Iterable[tuple[str, str]]]

_sources: list[NameSource] = []


def register(source: NameSource) -> NameSource:
    """Add a source of names (once: registering it again changes nothing). Usable as a
    decorator."""
    if source not in _sources:
        _sources.append(source)
    return source


def names_of_system(system: System) -> Iterator[tuple[str, str]]:
    """Every (name, kind) that any registered source knows for the system, blank names left
    out. One or two queries per source, whatever the system's size."""
    for source in _sources:
        for name, kind in source(system):
            if kind not in KINDS:
                raise ValueError(f"{source.__qualname__} gave a name of unknown kind {kind!r}.")
            if name and name.strip():
                yield name, kind


@register
def places_and_neighbourhoods(system: System) -> Iterable[tuple[str, str]]:
    """Places, active or not (an old name still identifies), and their neighbourhoods."""
    from partners.models import Neighbourhood, Place

    places = Place.objects.filter(system=system).order_by().values_list("name", flat=True)
    neighbourhoods = (
        Neighbourhood.objects.filter(place__system=system).order_by().values_list("name", flat=True)
    )
    return [(name, PLACE) for name in places.union(neighbourhoods, all=True)]


@register
def organisations_aliases_and_sites(system: System) -> Iterable[tuple[str, str]]:
    """Organisations, the other names they go by, and the buildings they run."""
    from partners.models import Organisation, OrganisationAlias, Site

    organisations = Organisation.objects.filter(system=system).order_by().values_list("name")
    aliases = OrganisationAlias.objects.filter(system=system).order_by().values_list("alias")
    sites = Site.objects.filter(organisation__system=system).order_by().values_list("name")
    return [(name, ORGANISATION) for (name,) in organisations.union(aliases, sites, all=True)]


@register
def people(system: System) -> Iterable[tuple[str, str]]:
    """Everyone who has or had a membership in the system (people who left are still named
    in older answers)."""
    from partners.models import User

    names = (
        User.objects.filter(memberships__system=system)
        .order_by()
        .values_list("full_name", flat=True)
        .distinct()
    )
    return [(name, PERSON) for name in names]
