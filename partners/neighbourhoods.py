"""A place's neighbourhoods: the rules for adding, changing and making one inactive, and the
reads its pages need.

Every function that changes something is keyword-only, validates, saves atomically and
writes its audit row in the place's system. Who may read or change a place's neighbourhoods
is the views' job (partners.views_neighbourhoods); these functions enforce the rules of the
record itself:

- a name is cleaned the way a person means it (characters nobody sees taken out, spacing
  tidied) and is unique within its place, judged on `normalise_name` so that "St Mary's"
  and "st marys" are the same neighbourhood, inactive ones included (the database keeps
  their names too);
- a population, when known, is a whole number of people above nought;
- the lead organisation, when named, is one of the place's partner organisations;
- a neighbourhood is never deleted, only made inactive: lines of schemes of delegation may
  name it, and their history must still read.

A neighbourhood carries an integer `version`; a save from a stale form is refused with
core.locking.ConcurrentEditError rather than overwriting someone's work."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from core.changes import set_fields
from core.locking import check_version, lock_row, save_validated
from partners.audit import audit
from partners.models import (
    Neighbourhood,
    NeighbourhoodLead,
    Organisation,
    Place,
    PlacePartner,
    User,
    normalise_name,
)

# The population the source says a neighbourhood typically serves (the 2025 operating
# model). The design check reads the loaded framework's tiers; the pages give this as a hint
# even where no framework is loaded.
TYPICAL_FROM = 30_000
TYPICAL_TO = 50_000
TYPICAL_HINT = "Neighbourhoods usually serve somewhere between 30,000 and 50,000 people."
# Above any real neighbourhood, place or system: a typing slip, not a population.
LARGEST_POPULATION = 20_000_000

NEIGHBOURHOOD_FIELDS = frozenset({"name", "population", "lead_kind", "lead_organisation"})


def clean_name(value: str) -> str:
    """A name as the person meant it: characters with no width or look of their own
    (zero-width spaces, joiners, direction marks, byte-order marks, soft hyphens) taken out,
    any run of spaces, tabs or line breaks made one space, and the ends trimmed. Markup is
    kept as the text it is: every page escapes it."""
    kept = []
    for character in unicodedata.normalize("NFC", value or ""):
        category = unicodedata.category(character)
        if category == "Cf":
            continue
        kept.append(" " if character.isspace() or category == "Cc" else character)
    return " ".join("".join(kept).split())


def _audit(
    actor: User | None, neighbourhood: Neighbourhood, action: str, summary: str, **details: Any
) -> None:
    audit(actor, action, neighbourhood, summary, details or None, system=neighbourhood.place.system)


def _lock_place(place_id: int) -> None:
    # Serialise changes to a place's neighbourhoods so two people cannot add the same name.
    Place.objects.select_for_update().filter(pk=place_id).first()


def _validate(neighbourhood: Neighbourhood) -> None:
    place = neighbourhood.place
    errors: dict[str, list[str]] = {}
    neighbourhood.name = clean_name(neighbourhood.name)
    key = normalise_name(neighbourhood.name)
    if not neighbourhood.name:
        errors["name"] = ["Enter the neighbourhood's name."]
    elif not key:
        errors["name"] = ["Enter a name with at least one letter or number."]
    elif len(neighbourhood.name) > 200:
        errors["name"] = ["Enter a name of 200 characters or fewer."]
    else:
        others = Neighbourhood.objects.filter(place=place).exclude(pk=neighbourhood.pk)
        clash = next(
            (
                other
                for other in others.only("name", "is_active")
                if normalise_name(other.name) == key
            ),
            None,
        )
        if clash is not None:
            inactive = "" if clash.is_active else " (now inactive)"
            errors["name"] = [
                f"{place.name} already has a neighbourhood called “{clash.name}”{inactive}. "
                "Choose another name."
            ]
    population = neighbourhood.population
    if population is not None and not 0 < population <= LARGEST_POPULATION:
        errors["population"] = [
            "Enter the number of people as a whole number above 0, or leave it empty if "
            "it is not known."
        ]
    if neighbourhood.lead_kind and neighbourhood.lead_kind not in NeighbourhoodLead.values:
        errors["lead_kind"] = ["Choose who leads the neighbourhood from the list."]
    organisation = neighbourhood.lead_organisation
    if organisation is not None and not is_partner(place, organisation):
        errors["lead_organisation"] = [
            f"{organisation.name} is not a partner of {place.name}. Choose one of the "
            "place's partner organisations, or add it as a partner first."
        ]
    if errors:
        raise ValidationError(errors)


def is_partner(place: Place, organisation: Organisation) -> bool:
    return PlacePartner.objects.filter(place=place, organisation=organisation).exists()


@transaction.atomic
def neighbourhood_create(
    *,
    actor: User | None,
    place: Place,
    name: str,
    population: int | None = None,
    lead_kind: str = "",
    lead_organisation: Organisation | None = None,
) -> Neighbourhood:
    """A new, active neighbourhood of the place."""
    _lock_place(place.pk)
    neighbourhood = Neighbourhood(
        place=place,
        name=name,
        population=population,
        lead_kind=lead_kind or "",
        lead_organisation=lead_organisation,
    )
    _validate(neighbourhood)
    save_validated(neighbourhood)
    _audit(
        actor,
        neighbourhood,
        "neighbourhood.create",
        f"Added neighbourhood {neighbourhood.name} to {place.name}",
    )
    return neighbourhood


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


@transaction.atomic
def neighbourhood_update(
    *, actor: User | None, neighbourhood: Neighbourhood, version: int | None, **changes: Any
) -> Neighbourhood:
    """Save the changes from a form opened at `version` (refused if someone saved the
    neighbourhood since). Nothing is saved, and the version stays, when nothing changed."""
    _lock_place(neighbourhood.place_id)
    # Not the lead organisation: PostgreSQL locks no row on the nullable side of a join.
    neighbourhood = lock_row(neighbourhood, related=("place__system",))
    check_version(
        neighbourhood,
        version,
        f"neighbourhood (it is now at version {neighbourhood.version}, you opened version "
        f"{version})",
    )
    if "lead_kind" in changes:
        changes["lead_kind"] = changes["lead_kind"] or ""
    before = set_fields(
        neighbourhood, changes, allowed=NEIGHBOURHOOD_FIELDS, doing="neighbourhood_update"
    )
    _validate(neighbourhood)
    changed = {
        name: [_shown(was), _shown(getattr(neighbourhood, name))]
        for name, was in before.items()
        if was != getattr(neighbourhood, name)
    }
    if not changed:
        return neighbourhood
    neighbourhood.version += 1
    save_validated(neighbourhood)
    _audit(
        actor,
        neighbourhood,
        "neighbourhood.update",
        f"Changed neighbourhood {neighbourhood.name} of {neighbourhood.place.name} "
        f"(version {neighbourhood.version})",
        changed=changed,
    )
    return neighbourhood


@transaction.atomic
def neighbourhood_deactivate(*, actor: User | None, neighbourhood: Neighbourhood) -> Neighbourhood:
    """Make the neighbourhood inactive. It is kept, with its name, for the lines of schemes of
    delegation that name it; it cannot be made active again."""
    neighbourhood = lock_row(neighbourhood, related=("place__system",))
    if not neighbourhood.is_active:
        raise ValidationError(f"{neighbourhood.name} is already inactive.")
    neighbourhood.is_active = False
    neighbourhood.version += 1
    save_validated(neighbourhood)
    _audit(
        actor,
        neighbourhood,
        "neighbourhood.deactivate",
        f"Made neighbourhood {neighbourhood.name} of {neighbourhood.place.name} inactive",
    )
    return neighbourhood


# Reading ----------------------------------------------------------------------------------


def place_neighbourhoods(*, place: Place) -> list[Neighbourhood]:
    """The place's neighbourhoods, active ones first, by name, with their lead
    organisations: one query."""
    return list(
        Neighbourhood.objects.filter(place=place)
        .select_related("lead_organisation")
        .order_by("-is_active", "name", "pk")
    )


def active_neighbourhoods(*, place: Place | int) -> QuerySet[Neighbourhood]:
    """The neighbourhoods a line of a scheme or a decision may name: the place's active ones."""
    return Neighbourhood.objects.filter(place=place, is_active=True).order_by("name", "pk")


@dataclass(frozen=True)
class PopulationTotal:
    """The active neighbourhoods' populations added up, against the place's."""

    total: int
    counted: int  # neighbourhoods with a population recorded
    uncounted: int  # active neighbourhoods without one
    place_population: int | None

    @property
    def over_place(self) -> bool:
        return self.place_population is not None and self.total > self.place_population

    @property
    def share(self) -> int | None:
        """The total as a whole percentage of the place's population, if that is known."""
        if not self.place_population:
            return None
        return round(100 * self.total / self.place_population)


def population_total(place: Place, neighbourhoods: list[Neighbourhood]) -> PopulationTotal:
    """The populations of the active ones of `neighbourhoods` (already read), added up."""
    active = [n for n in neighbourhoods if n.is_active]
    known = [n.population for n in active if n.population is not None]
    return PopulationTotal(
        total=sum(known),
        counted=len(known),
        uncounted=len(active) - len(known),
        place_population=place.population,
    )


def scope_label(neighbourhood_name: str, place_name: str) -> str:
    """How a line scoped to a neighbourhood says so, on every page and file."""
    return f"Only in {neighbourhood_name}, {place_name}"
