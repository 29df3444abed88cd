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
from typing import TYPE_CHECKING, Any, Final

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
def partners_names(system: System) -> Iterable[tuple[str, str]]:
    """Places, active or not (an old name still identifies), and their neighbourhoods;
    organisations, the other names they go by and the buildings they run; everyone who has or
    had a membership in the system (people who left are still named in older answers). One
    query: the review reads these on every page, and each round trip costs more than the
    reading."""
    from django.db.models import CharField, Value

    from partners.models import (
        Membership,
        Neighbourhood,
        Organisation,
        OrganisationAlias,
        Place,
        Site,
        User,
    )

    def named(queryset: Any, field: str, kind: str) -> Any:
        return queryset.order_by().values_list(field, Value(kind, output_field=CharField()))

    members = Membership.objects.filter(system=system).values("user_id")
    parts = [
        named(Neighbourhood.objects.filter(place__system=system), "name", PLACE),
        named(Organisation.objects.filter(system=system), "name", ORGANISATION),
        named(OrganisationAlias.objects.filter(system=system), "alias", ORGANISATION),
        named(Site.objects.filter(organisation__system=system), "name", ORGANISATION),
        named(User.objects.filter(pk__in=members), "full_name", PERSON),
    ]
    return list(named(Place.objects.filter(system=system), "name", PLACE).union(*parts, all=True))
