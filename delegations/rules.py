"""The rules a line of a scheme of delegation must follow, judged the same way for a line typed
on the page and a row of an imported spreadsheet: `line_problems` names every rule a line
breaks, by field.

A line needs a matter of the system and a band from £0 upwards whose "up to" is not below its
"from"; it reserves the matter to the board (with no delegate) or delegates it to one
committee of a place where the organisation is a partner, or to one role of the organisation
itself, for every place or for one partner place. A committee takes the line only if its
framework option allows (governance.structures.options.delegation_refusal): a partnership
board holds no delegated authority, a committee of the ICB takes only the ICB's lines, a joint
committee only its parties', and a budget or pooled fund goes only to a body that may hold one. A
line for one neighbourhood names that neighbourhood's place too, and only an active
neighbourhood. Two lines of a scheme may not cover the same matter and value for the same
place (or the same neighbourhood of it), and a delegation may not contradict a reservation
of the same or a wider matter."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from delegations.bands import band_text, band_values, bands_overlap, money
from delegations.matters import MatterTree
from delegations.models import DelegateRole, Delegation, SchemeOfDelegation
from governance.catalogue.models import GovernanceOption
from governance.structures.models import Committee
from governance.structures.options import body_option, delegation_refusal, options_by_kind
from partners.models import PlacePartner


@dataclass
class SchemeContext:
    """What judging a scheme's lines needs, read once: the organisation's partner places and
    the system's matter tree."""

    scheme: SchemeOfDelegation
    partner_place_ids: set[int] = field(default_factory=set)
    tree: MatterTree = field(default_factory=lambda: MatterTree(names={}, parents={}))
    options: dict[str, GovernanceOption] = field(default_factory=dict)  # by kind of body
    _parties: dict[int, set[int]] | None = None

    def parties(self, committee: Committee) -> set[int]:
        """The organisations that form `committee` (for a joint committee), read once for
        every body of the organisation's places."""
        if self._parties is None:
            self._parties = {}
            rows = Committee.parties.through.objects.filter(
                committee__place_id__in=self.partner_place_ids
            ).values_list("committee_id", "organisation_id")
            for committee_id, organisation_id in rows:
                self._parties.setdefault(committee_id, set()).add(organisation_id)
        return self._parties.get(committee.pk, set())

    @classmethod
    def load(cls, scheme: SchemeOfDelegation) -> SchemeContext:
        organisation = scheme.organisation
        return cls(
            scheme=scheme,
            partner_place_ids=set(
                PlacePartner.objects.filter(organisation=organisation).values_list(
                    "place_id", flat=True
                )
            ),
            tree=MatterTree.load(organisation.system_id),
            options=options_by_kind(),
        )

    def is_within(self, matter_id: int, ancestor_id: int) -> bool:
        """The matter is the ancestor itself or beneath it."""
        return matter_id == ancestor_id or ancestor_id in self.tree.lineage(matter_id)


def _overlap(a: Delegation, b: Delegation) -> bool:
    """The two lines cover a value in common for a place in common (and, within a place, a
    neighbourhood in common: a line for the whole place covers each of its neighbourhoods,
    and lines for two different neighbourhoods never meet)."""
    places = a.place_id is None or b.place_id is None or a.place_id == b.place_id
    neighbourhoods = (
        a.neighbourhood_id is None
        or b.neighbourhood_id is None
        or a.neighbourhood_id == b.neighbourhood_id
    )
    return (
        places
        and neighbourhoods
        and bands_overlap(a.limit_from, a.limit_to, b.limit_from, b.limit_to)
    )


def neighbourhood_problem(line: Delegation) -> str:
    """Why the line may not name its neighbourhood ("" when it may): a neighbourhood is named
    with its own place, and only while it is active."""
    neighbourhood = line.neighbourhood
    if neighbourhood is None:
        return ""
    home = neighbourhood.place
    if line.place_id is None:
        return (
            f"{neighbourhood.name} is a neighbourhood of {home.name}: choose {home.name} as "
            "the line's place too, or no neighbourhood for a line that applies everywhere."
        )
    if neighbourhood.place_id != line.place_id:
        return (
            f"{neighbourhood.name} is a neighbourhood of {home.name}, not {line.place}. Choose "
            f"one of {line.place}'s neighbourhoods, or none for the whole place."
        )
    if not neighbourhood.is_active:
        return (
            f"{neighbourhood.name} is no longer active. Choose an active neighbourhood of "
            f"{home.name}, or none for the whole place."
        )
    return ""


def line_label(line: Delegation) -> str:
    return f"Line {line.reference}" if line.reference else f"The line on {line.matter.name}"


def line_problems(
    line: Delegation,
    *,
    context: SchemeContext,
    others: Iterable[Delegation],
    label: Any = line_label,
) -> dict[str, list[str]]:
    """Every rule a line breaks, by field (empty when it is good). `others` are the scheme's
    other lines; `label` names one of them in a message."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    scheme = context.scheme
    organisation = scheme.organisation
    if line.matter_id is None:
        add("matter", "Choose the matter this line is about.")
    elif line.matter.system_id != organisation.system_id:
        add("matter", "Choose a matter of this system.")
    if line.limit_from is None or line.limit_from < 0:
        add("limit_from", "Enter a 'from' value of £0 or more.")
    elif line.limit_to is not None and line.limit_to < line.limit_from:
        add(
            "limit_to",
            f"The 'up to' value must be at least the 'from' value ({money(line.limit_from)}).",
        )
    if line.place_id is not None and line.place_id not in context.partner_place_ids:
        add("place", f"{organisation.name} is not a partner of {line.place}.")
    elif problem := neighbourhood_problem(line):
        add("neighbourhood", problem)
    committee: Committee | None = line.delegate_committee
    role: DelegateRole | None = line.delegate_role
    if line.reserved:
        if committee is not None or role is not None:
            add(
                "delegate_committee" if committee is not None else "delegate_role",
                "A reserved line has no delegate: the organisation's board keeps the matter.",
            )
    elif committee is not None and role is not None:
        add("delegate_committee", "Choose a committee or a role, not both.")
    elif committee is None and role is None:
        add(
            "delegate_committee",
            "Choose a committee or a role to delegate to, or reserve the matter to the board.",
        )
    elif committee is not None:
        if committee.place_id not in context.partner_place_ids:
            add(
                "delegate_committee",
                f"{committee.name} is a delegate outside the place: {organisation.name} is not "
                f"a partner of {committee.place.name}.",
            )
        elif line.place_id is not None and committee.place_id != line.place_id:
            add(
                "delegate_committee",
                f"{committee.name} is a delegate outside the place: it belongs to "
                f"{committee.place.name}, not {line.place}.",
            )
        elif not committee.is_active:
            add("delegate_committee", f"{committee.name} is no longer active.")
        else:
            refusal = delegation_refusal(
                committee=committee,
                option=body_option(committee, context.options),
                delegator=organisation,
                is_budget=line.matter_id is not None and context.tree.is_budget(line.matter_id),
                parties=context.parties(committee),
            )
            if refusal is not None:
                source = f" ({refusal.source})" if refusal.source else ""
                add("delegate_committee", refusal.message + source)
    elif role is not None:
        if role.organisation_id != organisation.pk:
            add(
                "delegate_role",
                f"{role.title} is a role of {role.organisation.name}: a scheme delegates only to "
                f"roles of its own organisation, {organisation.name}.",
            )
        elif line.place_id is not None and role.place_id not in (None, line.place_id):
            add("delegate_role", f"{role.title} acts for {role.place}, not {line.place}.")
        elif not role.is_active:
            add("delegate_role", f"{role.title} is no longer active.")
    if line.matter_id is None or "limit_from" in errors or "limit_to" in errors:
        return errors
    for other in others:
        if other is line or (line.pk and other.pk == line.pk):
            continue
        if not _overlap(line, other):
            continue
        band = band_values(other.limit_from, other.limit_to)
        if other.matter_id == line.matter_id and other.reserved == line.reserved:
            add(
                "limit_from",
                f"{label(other)} already covers {band} for this matter. Change the From or "
                "Up to amount so the two lines share no value.",
            )
        elif other.reserved != line.reserved:
            # A delegation of a matter within a reserved one contradicts the reservation.
            reservation, delegation = (other, line) if other.reserved else (line, other)
            if not context.is_within(delegation.matter_id, reservation.matter_id):
                continue
            named = label(other)
            does = "reserves" if other.reserved else "delegates"
            to = "the board" if other.reserved else other.delegate_label
            add(
                "reserved",
                f"This contradicts {named[0].lower()}{named[1:]}, which {does} "
                f"{other.matter.name} ({band_text(other.limit_from, other.limit_to)}) to {to}.",
            )
    return errors
