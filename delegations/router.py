"""The decision router: who may take a decision at a place?

Given a place, a matter, a value in pounds and the organisations whose resources the decision
involves, `route_decision` reads each organisation's scheme of delegation in force on the day
and answers, organisation by organisation: the lowest body or role with delegated authority
(citing the scheme line), the route above it, or why the organisation must take the decision
back through its own governance. It also reports bands that leave the value in a gap and
lines that contradict each other.

The rules, in the order they apply to one organisation:

- Lines apply when their matter is the decision's matter or one of its ancestors in the
  system's matter tree, and they cover every place or this place. A line for one
  neighbourhood of the place applies only when the decision is asked about that
  neighbourhood, and then alongside the lines for the whole place and every place; a line for
  another neighbourhood never applies. Asked about the whole place, a neighbourhood's lines do
  not answer for it, but the answer says what they would decide there
  (`neighbourhood_only`).
- A reserved line whose band contains the value keeps the decision for the organisation's
  board, whatever else the scheme says: a reservation can never be delegated.
- Otherwise the authority is the delegated line whose band contains the value with the lowest
  ceiling (no upper limit ranks highest); a line whose delegate is no longer active, or is a
  body whose framework option holds no delegated authority (a partnership board), is passed
  over, and said so: the router never routes a decision to one.
- Two lines whose bands both contain the value, with different delegates, conflict unless one
  band lies strictly inside the other (a lower tier carved out of a higher one, the usual
  shape of a scheme: "up to £1m: the place committee; up to £5m: the finance committee").

Everything is read in two or three queries whatever the size of the schemes (the system's
matter tree; the applicable lines of the schemes in force, joined to their delegates; and the
schemes of organisations without an applicable line); the rest is computed in Python by pure
functions, which the property tests call directly."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from delegations.bands import band_contains, band_text, money
from delegations.matters import MatterTree
from delegations.models import Delegation, MatterCategory, SchemeOfDelegation, SchemeStatus
from governance.structures.models import Committee
from governance.structures.options import authority_bar, current_options_by_kind
from partners.models import Neighbourhood, Organisation, Place, board_of

PENNY = Decimal("0.01")


# Lines, as the pure functions see them ---------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One applicable line of a scheme, with what the router needs to cite and rank it."""

    pk: int
    reference: str
    scheme_number: int
    scheme_effective_from: date
    matter_id: int
    matter_name: str
    matter_depth: int  # 0 for a root matter; deeper lines are more specific
    reserved: bool
    delegate_key: str  # "committee:12", "role:4", or "board" when reserved
    delegate_label: str
    delegate_active: bool
    limit_from: Decimal
    limit_to: Decimal | None
    place_scoped: bool = False
    neighbourhood_id: int | None = None  # the one neighbourhood the line is for, if any
    neighbourhood: str = ""  # its name
    conditions: str = ""
    chain: tuple[str, ...] = ()  # bodies the delegate answers to, nearest first
    barred: str = ""  # why the delegate may not hold delegated authority, if it may not

    def contains(self, value: Decimal) -> bool:
        return band_contains(self.limit_from, self.limit_to, value)

    @property
    def ceiling_rank(self) -> tuple[int, Decimal]:
        """Orders lines by ceiling: no upper limit ranks highest."""
        return (1, Decimal(0)) if self.limit_to is None else (0, self.limit_to)

    @property
    def band(self) -> str:
        return band_text(self.limit_from, self.limit_to)

    @property
    def citation(self) -> str:
        reference = f"line {self.reference}" if self.reference else "an unnumbered line"
        return (
            f"{reference} of scheme version {self.scheme_number}, in force from "
            f"{self.scheme_effective_from:%-d %B %Y}"
        )

    def strictly_inside(self, other: Line) -> bool:
        """This band lies inside the other's and is not the same band."""
        inside = self.limit_from >= other.limit_from and (
            other.limit_to is None
            or (self.limit_to is not None and self.limit_to <= other.limit_to)
        )
        same = self.limit_from == other.limit_from and self.limit_to == other.limit_to
        return inside and not same


@dataclass(frozen=True)
class EscalationStep:
    label: str
    line: Line | None = None  # the scheme line, for a step that is a higher band


@dataclass(frozen=True)
class Gap:
    value: Decimal
    below: Line
    above: Line

    @property
    def sentence(self) -> str:
        return (
            f"{money(self.value)} falls in a gap between the band {self.below.band} "
            f"({self.below.delegate_label}) and the band {self.above.band} "
            f"({self.above.delegate_label})."
        )


@dataclass(frozen=True)
class Conflict:
    first: Line
    second: Line

    @property
    def sentence(self) -> str:
        return (
            f"Two lines both cover this value with different delegates: {self.first.band} to "
            f"{self.first.delegate_label} ({self.first.citation}) and {self.second.band} to "
            f"{self.second.delegate_label} ({self.second.citation})."
        )


@dataclass(frozen=True)
class SchemeCitation:
    pk: int
    number: int
    effective_from: date
    effective_to: date | None


@dataclass(frozen=True)
class OrganisationOutcome:
    organisation: Organisation
    scheme: SchemeCitation | None
    authority: Line | None
    escalation: tuple[EscalationStep, ...] = ()
    back_to_own_governance: bool = False
    reason: str = ""
    gaps: tuple[Gap, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    notes: tuple[str, ...] = ()
    lines_considered: int = 0
    # Asked about the whole place: what the lines for single neighbourhoods would decide there.
    neighbourhood_only: tuple[str, ...] = ()


@dataclass(frozen=True)
class RouteResult:
    place: Place
    matter: MatterCategory
    value: Decimal
    on: date
    outcomes: tuple[OrganisationOutcome, ...]
    joint_route: str
    neighbourhood: str = ""  # the neighbourhood asked about; empty for the whole place

    @property
    def value_label(self) -> str:
        return money(self.value)

    @property
    def with_authority(self) -> list[OrganisationOutcome]:
        return [o for o in self.outcomes if not o.back_to_own_governance]

    @property
    def back_to_own_governance(self) -> list[OrganisationOutcome]:
        return [o for o in self.outcomes if o.back_to_own_governance]

    @property
    def can_be_taken_at_place(self) -> bool:
        return bool(self.outcomes) and not self.back_to_own_governance


# The pure part -------------------------------------------------------------------------------


def _conflicts(containing: Sequence[Line]) -> list[Conflict]:
    found = []
    for i, first in enumerate(containing):
        for second in containing[i + 1 :]:
            if first.delegate_key == second.delegate_key:
                continue
            if first.strictly_inside(second) or second.strictly_inside(first):
                continue
            found.append(Conflict(first, second))
    return found


def _gap(lines: Sequence[Line], value: Decimal) -> Gap | None:
    below = [line for line in lines if line.limit_to is not None and line.limit_to < value]
    above = [line for line in lines if line.limit_from >= value and not line.contains(value)]
    if not below or not above:
        return None
    nearest_below = max(below, key=lambda line: (line.limit_to, line.pk))
    nearest_above = min(above, key=lambda line: (line.limit_from, line.pk))
    return Gap(value, nearest_below, nearest_above)


def _escalation(
    authority: Line, delegated: Sequence[Line], organisation: str
) -> list[EscalationStep]:
    """Higher bands that also cover the value, ascending; then the bodies the delegates
    answer to; finally the organisation's board."""
    steps: list[EscalationStep] = []
    seen = {authority.delegate_key}
    labels = {authority.delegate_label}
    higher = sorted(
        (
            line
            for line in delegated
            if line.ceiling_rank > authority.ceiling_rank and line.delegate_key not in seen
        ),
        key=lambda line: (line.ceiling_rank, -line.matter_depth, line.pk),
    )
    bodies = [authority]
    for line in higher:
        if line.delegate_key in seen:
            continue
        seen.add(line.delegate_key)
        labels.add(line.delegate_label)
        steps.append(EscalationStep(line.delegate_label, line))
        bodies.append(line)
    board = board_of(organisation)
    for body in bodies:
        for label in body.chain:
            if label not in labels and label != board:
                labels.add(label)
                steps.append(EscalationStep(label))
    steps.append(EscalationStep(board))
    return steps


def decide(
    *,
    organisation: Organisation,
    scheme: SchemeCitation | None,
    lines: Iterable[Line],
    value: Decimal,
    on: date,
) -> OrganisationOutcome:
    """One organisation's answer, from its applicable lines alone (no queries)."""
    applicable = sorted(lines, key=lambda line: (line.limit_from, line.ceiling_rank, line.pk))
    name = str(organisation)
    if scheme is None:
        return OrganisationOutcome(
            organisation,
            None,
            None,
            back_to_own_governance=True,
            reason=f"{name} has no scheme of delegation in force on {on:%-d %B %Y}.",
        )
    common = {"lines_considered": len(applicable)}
    if not applicable:
        return OrganisationOutcome(
            organisation,
            scheme,
            None,
            back_to_own_governance=True,
            reason="There is no delegation for this matter.",
            **common,  # type: ignore[arg-type]
        )
    containing = [line for line in applicable if line.contains(value)]
    conflicts = tuple(_conflicts(containing))
    reserved = [line for line in containing if line.reserved]
    if reserved:
        line = min(reserved, key=lambda line: (-line.matter_depth, line.pk))
        return OrganisationOutcome(
            organisation,
            scheme,
            None,
            back_to_own_governance=True,
            reason=f"This decision is reserved to the board ({line.matter_name}, "
            f"{line.band}: {line.citation}).",
            conflicts=conflicts,
            **common,  # type: ignore[arg-type]
        )
    delegated = [line for line in containing if not line.reserved]
    inactive = [line for line in delegated if not line.delegate_active or line.barred]
    active = [line for line in delegated if line.delegate_active and not line.barred]
    notes = tuple(
        f"{line.delegate_label} holds {line.citation}, but it "
        f"{line.barred or 'is not active'}, so it cannot take the decision."
        for line in inactive
    )
    if active:
        authority = min(active, key=lambda line: (line.ceiling_rank, -line.matter_depth, line.pk))
        return OrganisationOutcome(
            organisation,
            scheme,
            authority,
            escalation=tuple(_escalation(authority, active, name)),
            conflicts=conflicts,
            notes=notes,
            **common,  # type: ignore[arg-type]
        )
    gap = _gap(applicable, value)
    ceilings = [line.limit_to for line in applicable if not line.reserved]
    if inactive:
        reason = (
            f"The only delegate for this value, {inactive[0].delegate_label}, "
            f"{inactive[0].barred or 'is not active'}."
        )
    elif gap is not None:
        reason = gap.sentence
    elif ceilings and None not in ceilings and value > max(c for c in ceilings if c is not None):
        highest = max(c for c in ceilings if c is not None)
        reason = f"{money(value)} exceeds the highest delegated limit of {money(highest)}."
    elif not ceilings:
        reason = "There is no delegation for this matter: the scheme reserves it."
    else:
        lowest = min(applicable, key=lambda line: (line.limit_from, line.ceiling_rank, line.pk))
        reason = f"No delegated band covers {money(value)}: the lowest is {lowest.band}."
    return OrganisationOutcome(
        organisation,
        scheme,
        None,
        back_to_own_governance=True,
        reason=reason,
        gaps=(gap,) if gap else (),
        conflicts=conflicts,
        notes=notes,
        **common,  # type: ignore[arg-type]
    )


def split_by_neighbourhood(
    lines: Iterable[Line], neighbourhood_id: int | None
) -> tuple[list[Line], list[Line]]:
    """The lines that answer for the decision, and those that answer only in a neighbourhood
    not asked about. Asked about a neighbourhood, its lines answer with the place's and
    every place's, and another neighbourhood's lines are left out altogether; asked about the
    whole place, no neighbourhood's line answers, and each is kept to be mentioned."""
    applicable: list[Line] = []
    elsewhere: list[Line] = []
    for line in lines:
        if line.neighbourhood_id is None or line.neighbourhood_id == neighbourhood_id:
            applicable.append(line)
        elif neighbourhood_id is None:
            elsewhere.append(line)
    return applicable, elsewhere


def neighbourhood_only(lines: Iterable[Line], value: Decimal) -> tuple[str, ...]:
    """What each neighbourhood's lines would decide for this value there, in a sentence each:
    a reservation, or the delegate who may decide (a delegate that cannot take it is left
    out). In the neighbourhoods' order, then the lowest ceiling first."""
    sentences = []
    for line in sorted(
        (line for line in lines if line.contains(value)),
        key=lambda line: (line.neighbourhood, line.ceiling_rank, line.pk),
    ):
        where = f"{line.matter_name}, {line.band}: {line.citation}"
        if line.reserved:
            sentences.append(
                f"In {line.neighbourhood} only, the decision is reserved to the board ({where})."
            )
        elif line.delegate_active and not line.barred:
            sentences.append(
                f"In {line.neighbourhood} only, {line.delegate_label} may decide ({where})."
            )
    return tuple(dict.fromkeys(sentences))


def _names(outcomes: Sequence[OrganisationOutcome]) -> str:
    names = [str(o.organisation) for o in outcomes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def joint_route(outcomes: Sequence[OrganisationOutcome]) -> str:
    if not outcomes:
        return "Choose at least one organisation whose resources the decision involves."
    back = [o for o in outcomes if o.back_to_own_governance]
    if not back:
        if len(outcomes) == 1:
            return "The decision can be taken at place under delegated authority."
        return (
            "The decision can be taken at place: every organisation has delegated authority, "
            "so each delegate agrees it for its organisation."
        )
    if len(back) == len(outcomes):
        if len(outcomes) == 1:
            return f"{_names(back)} must take the decision through its own governance."
        return (
            "No organisation has delegated authority for this decision: each must take it "
            "through its own governance."
        )
    verb = "must" if len(back) == 1 else "must each"
    return (
        "The decision can be taken at place only if every organisation has delegated "
        f"authority; {_names(back)} {verb} take it through {'its' if len(back) == 1 else 'their'} "
        "own governance."
    )


# Reading the database ----------------------------------------------------------------------

# The line query joins the delegate committee (or the committee a delegate role answers to)
# and the bodies above it to this depth; a deeper chain is followed with one more query (all
# the system's committees, read once per route). Measured on 50,000 lines: joining three
# levels up made PostgreSQL spend about 6 ms planning a query that runs in under 2 ms; with
# none, planning takes under 1 ms and the median route halves (bench/router.py).
CHAIN_DEPTH = 0

SCHEME_FIELDS = ("pk", "organisation_id", "number", "effective_from", "effective_to")
LINE_FIELDS = (
    "pk",
    "reference",
    "matter_id",
    "reserved",
    "delegate_committee_id",
    "limit_from",
    "limit_to",
    "place_id",
    "conditions",
    "delegate_role_id",
    "delegate_role__title",
    "delegate_role__is_active",
    "delegate_committee__kind",
    "neighbourhood_id",
    "neighbourhood__name",
)


def _chain_fields(start: str) -> list[str]:
    """For each level from `start` up: name, active, the organisation it answers to; and at
    the last level the committee above it, if the chain goes on."""
    fields = []
    path = start
    for _ in range(CHAIN_DEPTH + 1):
        fields += [
            f"{path}__name",
            f"{path}__is_active",
            f"{path}__accountable_to_organisation__name",
        ]
        path = f"{path}__accountable_to_committee"
    fields.append(f"{path}_id")
    return fields


COMMITTEE_CHAIN = _chain_fields("delegate_committee")
ROLE_CHAIN = _chain_fields("delegate_role__accountable_to_committee")
FIELDS = (
    "scheme_id",
    "scheme__organisation_id",
    "scheme__number",
    "scheme__effective_from",
    "scheme__effective_to",
    *LINE_FIELDS,
    *COMMITTEE_CHAIN,
    *ROLE_CHAIN,
)
_LINE = 5
_COMMITTEE = _LINE + len(LINE_FIELDS)
_ROLE = _COMMITTEE + len(COMMITTEE_CHAIN)


@functools.cache
def _line_rows() -> QuerySet[Delegation, tuple[Any, ...]]:
    """The line query with its joins and columns resolved once per process (resolving some
    fifty joined columns costs more than running the query); each call only adds filters."""
    return Delegation.objects.order_by().values_list(*FIELDS)


class DeeperChains:
    """Committees above the joined depth, read once per call, only if a chain needs them."""

    def __init__(self, system_id: int) -> None:
        self.system_id = system_id
        self._rows: dict[int, tuple[str, int | None, str | None]] | None = None

    def labels(self, pk: int) -> list[str]:
        if self._rows is None:
            rows = Committee.objects.filter(place__system_id=self.system_id).values_list(
                "pk", "name", "accountable_to_committee_id", "accountable_to_organisation__name"
            )
            self._rows = {row[0]: row[1:] for row in rows}
        labels: list[str] = []
        current: int | None = pk
        seen: set[int] = set()
        while current is not None and current in self._rows and current not in seen:
            seen.add(current)
            name, parent, organisation = self._rows[current]
            labels.append(name)
            if organisation:
                labels.append(board_of(organisation))
                break
            current = parent
        return labels


def _walk(values: tuple[Any, ...], deeper: DeeperChains) -> tuple[str, bool, tuple[str, ...]]:
    """The first body's name and whether it is active, and the bodies it answers to."""
    name, active = values[0], values[1]
    chain: list[str] = []
    for level in range(CHAIN_DEPTH + 1):
        level_name, _, organisation = values[level * 3 : level * 3 + 3]
        if level_name is None:
            break
        if level:
            chain.append(level_name)
        if organisation:
            chain.append(board_of(organisation))
            break
    else:
        above = values[-1]
        if above is not None:
            chain += deeper.labels(above)
    return name, bool(active), tuple(chain)


class OptionsByKind:
    """The framework option of each kind of body, read on the first line delegated to a
    committee (whose option may bar it from holding authority) and kept for the route."""

    def __init__(self) -> None:
        self._found: dict[str, Any] | None = None

    def __call__(self) -> dict[str, Any]:
        if self._found is None:
            self._found = current_options_by_kind()
        return self._found


def _line(
    row: tuple[Any, ...],
    scheme: SchemeCitation,
    tree: MatterTree,
    deeper: DeeperChains,
    options: OptionsByKind,
) -> Line:
    (
        pk,
        reference,
        matter_id,
        reserved,
        committee_id,
        limit_from,
        limit_to,
        place_id,
        conditions,
        role_id,
        role_title,
        role_active,
        committee_kind,
        neighbourhood_id,
        neighbourhood_name,
    ) = row[_LINE:_COMMITTEE]
    chain: tuple[str, ...]
    barred = ""
    if reserved:
        key, label, active, chain = "board", "the board (reserved)", True, ()
    elif committee_id is not None:
        key = f"committee:{committee_id}"
        label, active, chain = _walk(row[_COMMITTEE:_ROLE], deeper)
        barred = authority_bar(committee_kind, options())
    else:
        key, label, active = f"role:{role_id}", role_title, bool(role_active)
        accountable, _, above = _walk(row[_ROLE:], deeper)
        chain = (accountable, *above) if accountable else ()
    return Line(
        pk=pk,
        reference=reference,
        scheme_number=scheme.number,
        scheme_effective_from=scheme.effective_from,
        matter_id=matter_id,
        matter_name=tree.names.get(matter_id, ""),
        matter_depth=tree.depth(matter_id),
        reserved=reserved,
        delegate_key=key,
        delegate_label=label,
        delegate_active=active,
        limit_from=limit_from,
        limit_to=limit_to,
        place_scoped=place_id is not None,
        neighbourhood_id=neighbourhood_id,
        neighbourhood=neighbourhood_name or "",
        conditions=conditions,
        chain=chain,
        barred=barred,
    )


def route_decision(
    *,
    place: Place,
    matter: MatterCategory,
    value: Decimal,
    organisations: list[Organisation],
    on: date | None = None,
    tree: MatterTree | None = None,
    schemes_in_force: Mapping[int, SchemeCitation] | None = None,
    neighbourhood: Neighbourhood | None = None,
) -> RouteResult:
    """Who may take this decision for each organisation, and the joint route. `tree` may be
    passed by a caller that has already read the system's matter tree, and
    `schemes_in_force` (each organisation's scheme in force on the date, by the
    organisation's pk; an organisation missing from it has none) by one that has read those,
    saving the third query. With `neighbourhood` (one of the place's), the decision is taken
    there: that neighbourhood's lines apply too.

    Two queries, three at most: the matter tree (unless given); the applicable lines of the
    schemes in force, joined to their schemes, delegates and the bodies those answer to; and,
    only when an organisation has no applicable line, whether it has a scheme in force. (On a
    route with a line delegated to a committee it also reads the frameworks' versions, to know
    what each kind of body may hold: governance.structures.options.)"""
    if value < 0:
        raise ValueError("The value of a decision cannot be negative.")
    on = on or timezone.localdate()
    tree = tree or MatterTree.load(matter.system_id)
    lineage = tree.lineage(matter.pk) or [matter.pk]
    org_ids = [o.pk for o in organisations]
    in_force = Q(
        scheme__organisation_id__in=org_ids,
        scheme__status=SchemeStatus.IN_FORCE,
        scheme__effective_from__lte=on,
    ) & (Q(scheme__effective_to__isnull=True) | Q(scheme__effective_to__gte=on))
    if neighbourhood is not None and neighbourhood.place_id != place.pk:
        raise ValueError("The neighbourhood asked about is not one of the place's.")
    asked = neighbourhood.pk if neighbourhood is not None else None
    # Asked about a neighbourhood: its lines and the whole place's. Asked about the whole
    # place: every active neighbourhood's lines too, to say what they would decide there.
    scope = (
        Q(neighbourhood__isnull=True) | Q(neighbourhood_id=asked)
        if asked is not None
        else Q(neighbourhood__isnull=True) | Q(neighbourhood__is_active=True)
    )
    rows = _line_rows().filter(
        in_force,
        scope,
        Q(place__isnull=True) | Q(place_id=place.pk),
        matter_id__in=lineage,
    )
    deeper = DeeperChains(place.system_id)
    options = OptionsByKind()
    schemes: dict[int, SchemeCitation] = {}
    lines: dict[int, list[Line]] = {}
    for row in rows:
        organisation_id = row[1]
        scheme = schemes.get(organisation_id)
        if scheme is None:
            scheme = schemes[organisation_id] = SchemeCitation(row[0], *row[2:5])
        lines.setdefault(organisation_id, []).append(_line(row, scheme, tree, deeper, options))
    without_lines = [pk for pk in org_ids if pk not in schemes]
    if without_lines and schemes_in_force is not None:
        for pk in without_lines:
            if pk in schemes_in_force:
                schemes[pk] = schemes_in_force[pk]
    elif without_lines:
        # Only to tell "no scheme in force" from "nothing on this matter".
        for row in (
            SchemeOfDelegation.objects.filter(
                organisation_id__in=without_lines,
                status=SchemeStatus.IN_FORCE,
                effective_from__lte=on,
            )
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
            .order_by()
            .values_list(*SCHEME_FIELDS)
        ):
            schemes[row[1]] = SchemeCitation(row[0], row[2], row[3], row[4])
    outcomes = []
    for organisation in organisations:
        applicable, elsewhere = split_by_neighbourhood(lines.get(organisation.pk, []), asked)
        outcome = decide(
            organisation=organisation,
            scheme=schemes.get(organisation.pk),
            lines=applicable,
            value=value,
            on=on,
        )
        if elsewhere:
            outcome = replace(outcome, neighbourhood_only=neighbourhood_only(elsewhere, value))
        outcomes.append(outcome)
    return RouteResult(
        place=place,
        matter=matter,
        value=value,
        on=on,
        outcomes=tuple(outcomes),
        joint_route=joint_route(outcomes),
        neighbourhood=neighbourhood.name if neighbourhood is not None else "",
    )
