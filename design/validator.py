"""The design validator: is a place's governance design complete and workable?

`design_check(place=...)` returns a checklist. Each item passes, warns (advice: the design
works, but guidance recommends otherwise) or fails (the design cannot work as recorded), with
a sentence saying why and, where a page exists to put it right, the page to go to.

It reads a fixed number of queries whatever the size of the place: its partners, its
committees with their members and whether each has approved terms of reference, its latest
submitted proposal (and that framework's rules), and the delegation lines in force to its
bodies."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from delegations.models import Delegation, SchemeStatus
from governance.catalogue.rules import FrameworkRules, option_set_numbers, option_set_verdict
from governance.consultation.models import PlaceResponse, ResponseStatus
from governance.structures.models import (
    Committee,
    CommitteeKind,
    CommitteeMember,
    DecisionRule,
    MemberPosition,
    TermsOfReference,
    TorStatus,
)
from partners.models import Organisation, Place, PlacePartner, Sector

PASS = "pass"  # noqa: S105 - a check status, not a secret
WARNING = "warning"
FAIL = "fail"
LEAD_PROVIDER_OPTION = 5

# The partners a place-based partnership needs at least, each a set of sectors any one of
# which will do. A combined trust provides community and mental health services.
MINIMUM_MEMBERSHIP: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "primary care provider leadership (a primary care network, GP federation or GP practice)",
        frozenset({Sector.PRIMARY_CARE_NETWORK, Sector.GP_FEDERATION, Sector.GP_PRACTICE}),
    ),
    (
        "a local authority (an upper-tier or unitary council)",
        frozenset({Sector.UPPER_TIER_COUNCIL}),
    ),
    ("an acute provider (an acute trust)", frozenset({Sector.ACUTE_TRUST})),
    (
        "a community services provider (a community or combined trust)",
        frozenset({Sector.COMMUNITY_TRUST, Sector.COMBINED_TRUST}),
    ),
    (
        "a mental health provider (a mental health or combined trust)",
        frozenset({Sector.MENTAL_HEALTH_TRUST, Sector.COMBINED_TRUST}),
    ),
    ("representatives of people who use services (Healthwatch)", frozenset({Sector.HEALTHWATCH})),
)


@dataclass(frozen=True)
class Fix:
    """Where to put an item right: a URL name and its arguments."""

    name: str
    args: tuple[Any, ...] = ()


@dataclass(frozen=True)
class CheckItem:
    code: str
    title: str
    status: str  # PASS, WARNING or FAIL
    detail: str
    fix_url: Fix | None = None
    subject: str = ""  # the committee (or other record) the item is about, if any

    @property
    def passed(self) -> bool:
        return self.status == PASS


@dataclass
class _Design:
    place: Place
    today: date
    partners: list[Organisation] = field(default_factory=list)
    committees: Sequence[Committee] = field(default_factory=list)
    response: PlaceResponse | None = None
    lines: list[Delegation] = field(default_factory=list)


def _load(place: Place, today: date) -> _Design:
    partners = [
        p.organisation
        for p in PlacePartner.objects.filter(place=place).select_related("organisation")
    ]
    committees = list(
        Committee.objects.filter(place=place)
        .select_related("accountable_to_committee", "accountable_to_organisation")
        .annotate(
            has_approved_tor=Exists(
                TermsOfReference.objects.filter(committee=OuterRef("pk"), status=TorStatus.APPROVED)
            )
        )
        .prefetch_related(
            Prefetch(
                "members",
                queryset=CommitteeMember.objects.select_related("organisation").order_by("pk"),
            )
        )
    )
    response = (
        PlaceResponse.objects.filter(place=place, status=ResponseStatus.SUBMITTED)
        .select_related("round__framework")
        .order_by("-submitted_at", "-pk")
        .first()
    )
    lines = list(
        Delegation.objects.filter(
            delegate_committee__place=place,
            scheme__status=SchemeStatus.IN_FORCE,
            scheme__effective_from__lte=today,
        )
        .filter(Q(scheme__effective_to__isnull=True) | Q(scheme__effective_to__gte=today))
        .select_related("scheme__organisation", "matter")
        .order_by("pk")
    )
    return _Design(place, today, partners, committees, response, lines)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _names(items: Iterable[str]) -> str:
    names = list(items)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _committee_fix(place: Place, committee: Committee) -> Fix:
    return Fix("committees:committee", (place.pk, committee.pk))


def _members(committee: Committee) -> list[CommitteeMember]:
    return list(committee.members.all())


# The rules ------------------------------------------------------------------------------------


def _membership(design: _Design) -> list[CheckItem]:
    sectors = {o.sector for o in design.partners}
    missing = [label for label, wanted in MINIMUM_MEMBERSHIP if not sectors & wanted]
    fix = Fix("console:place", (design.place.system.slug, design.place.pk))
    if missing:
        detail = (
            f"The partnership has no {missing[0]}."
            if len(missing) == 1
            else ("The partnership is missing: " + "; ".join(missing) + ".")
        )
        return [CheckItem("membership", "Minimum partnership membership", FAIL, detail, fix)]
    return [
        CheckItem(
            "membership",
            "Minimum partnership membership",
            PASS,
            "Primary care, the local authority, acute, community and mental health providers "
            "and Healthwatch are all partners.",
        )
    ]


def _public_health_seat(design: _Design) -> list[CheckItem]:
    boards = [c for c in design.committees if c.kind == CommitteeKind.PARTNERSHIP_BOARD]
    title = "Director of public health seat"
    if not boards:
        return [
            CheckItem(
                "public_health_seat",
                title,
                WARNING,
                "The place has no partnership board, so there is no seat for the director of "
                "public health.",
                Fix("committees:list", (design.place.pk,)),
            )
        ]
    for board in boards:
        if any("public health" in m.role_title.casefold() for m in _members(board)):
            return [
                CheckItem(
                    "public_health_seat",
                    title,
                    PASS,
                    f"{board.name} has a public health seat.",
                    subject=board.name,
                )
            ]
    return [
        CheckItem(
            "public_health_seat",
            title,
            WARNING,
            f"{boards[0].name} has no seat for the director of public health: add a member "
            "whose role mentions public health.",
            _committee_fix(design.place, boards[0]),
            subject=boards[0].name,
        )
    ]


def _option_set(design: _Design) -> tuple[list[CheckItem], list[int]]:
    title = "Proposed arrangement is allowed"
    response = design.response
    if response is None or not response.proposed_option_set:
        return [
            CheckItem(
                "option_set",
                title,
                WARNING,
                "The place has not submitted a proposal yet, so its arrangement cannot be checked.",
            )
        ], []
    try:
        numbers = option_set_numbers(response.proposed_option_set)
    except ValueError:
        numbers = []
    rules = FrameworkRules.load(response.round.framework)
    verdict = option_set_verdict(rules, numbers)
    fix = Fix("proposal:response", (design.place.pk, response.round_id))
    if verdict.allowed:
        return [
            CheckItem(
                "option_set",
                title,
                PASS,
                f"The proposal (option {verdict.key}) submitted to {response.round.title} is "
                "an allowed arrangement.",
                fix,
            )
        ], numbers
    return [
        CheckItem(
            "option_set",
            title,
            FAIL,
            f"The proposal (options {verdict.key}) is not allowed: " + " ".join(verdict.reasons),
            fix,
        )
    ], numbers


def _lead_provider(design: _Design, numbers: list[int]) -> list[CheckItem]:
    if LEAD_PROVIDER_OPTION not in numbers:
        return []
    title = "Lead provider is a statutory body"
    boards = [c for c in design.committees if c.kind == CommitteeKind.LEAD_PROVIDER_BOARD]
    if not boards:
        return [
            CheckItem(
                "lead_provider",
                title,
                FAIL,
                "The proposal uses a lead provider (option 5), but the place has no lead "
                "provider board.",
                Fix("committees:list", (design.place.pk,)),
            )
        ]
    items = []
    for board in boards:
        organisation = board.accountable_to_organisation
        if organisation is None:
            status, detail = FAIL, f"{board.name} does not say which organisation's board it is."
        elif not organisation.is_statutory:
            status, detail = (
                FAIL,
                f"{board.name} belongs to {organisation.name}, which is not a statutory body "
                "and cannot hold a lead provider contract.",
            )
        else:
            status, detail = PASS, f"{board.name} belongs to {organisation.name}, a statutory body."
        items.append(
            CheckItem(
                "lead_provider",
                title,
                status,
                detail,
                _committee_fix(design.place, board) if status != PASS else None,
                board.name,
            )
        )
    return items


def _joint_committees(design: _Design) -> list[CheckItem]:
    delegating: dict[int, set[int]] = {}
    for line in design.lines:
        if line.delegate_committee_id is not None:
            delegating.setdefault(line.delegate_committee_id, set()).add(
                line.scheme.organisation_id
            )
    items = []
    for committee in design.committees:
        if committee.kind != CommitteeKind.JOINT_COMMITTEE:
            continue
        voters = [m for m in _members(committee) if m.voting]
        organisations = {m.organisation.pk: m.organisation for m in voters}
        problems = []
        not_statutory = [o.name for o in organisations.values() if not o.is_statutory]
        if not_statutory:
            problems.append(
                f"{_names(sorted(not_statutory))} "
                f"{'is not a statutory body but votes' if len(not_statutory) == 1 else 'are not statutory bodies but vote'}"
            )
        undelegated = [
            o.name
            for pk, o in organisations.items()
            if o.is_statutory and pk not in delegating.get(committee.pk, set())
        ]
        if undelegated:
            problems.append(
                f"{_names(sorted(undelegated))} "
                f"{'has' if len(undelegated) == 1 else 'have'} delegated nothing to it in a "
                "scheme in force"
            )
        if problems:
            items.append(
                CheckItem(
                    "joint_committee",
                    f"{committee.name}: voting members are statutory bodies that delegate to it",
                    FAIL,
                    _sentence("; ".join(problems)) + ".",
                    _committee_fix(design.place, committee),
                    committee.name,
                )
            )
        else:
            items.append(
                CheckItem(
                    "joint_committee",
                    f"{committee.name}: voting members are statutory bodies that delegate to it",
                    PASS,
                    "Every voting member is a statutory body with delegations in force to it.",
                    subject=committee.name,
                )
            )
    return items


def _independent_chair(design: _Design) -> list[CheckItem]:
    items = []
    for committee in design.committees:
        if committee.kind not in (CommitteeKind.ICB_COMMITTEE, CommitteeKind.JOINT_COMMITTEE):
            continue
        chair = next((m for m in _members(committee) if m.position == MemberPosition.CHAIR), None)
        title = f"{committee.name}: independent chair"
        if chair is not None and chair.independent:
            items.append(
                CheckItem(
                    "independent_chair",
                    title,
                    PASS,
                    f"Chaired by {chair.role_title}, an independent or non-executive member.",
                    subject=committee.name,
                )
            )
        else:
            detail = (
                "It has no chair yet; guidance advises an independent or non-executive chair."
                if chair is None
                else f"The chair ({chair.role_title}) is not independent; guidance advises an "
                "independent or non-executive chair."
            )
            items.append(
                CheckItem(
                    "independent_chair",
                    title,
                    WARNING,
                    detail,
                    _committee_fix(design.place, committee),
                    committee.name,
                )
            )
    return items


def _committee_rules(design: _Design) -> list[CheckItem]:
    items = []
    sector_names = dict(Sector.choices)
    for committee in design.committees:
        voters = [m for m in _members(committee) if m.voting]
        fix = _committee_fix(design.place, committee)
        name = committee.name
        if not voters:
            items.append(
                CheckItem(
                    "voting_members",
                    f"{name}: voting members",
                    FAIL,
                    f"{name} has no voting members.",
                    fix,
                    name,
                )
            )
        else:
            items.append(
                CheckItem(
                    "voting_members",
                    f"{name}: voting members",
                    PASS,
                    f"{name} has {len(voters)} voting member{'s' if len(voters) != 1 else ''}.",
                    subject=name,
                )
            )
        problems = []
        if committee.quorum_minimum > len(voters):
            problems.append(
                f"the quorum needs {committee.quorum_minimum} voting members but there "
                f"{'is' if len(voters) == 1 else 'are'} {len(voters)}"
            )
        voting_sectors = {m.organisation.sector for m in voters}
        absent = [s for s in committee.quorum_sectors or [] if s not in voting_sectors]
        if absent:
            problems.append(
                "no voting member comes from "
                + _names(sector_names.get(s, s).lower() for s in absent)
                + ", which the quorum requires"
            )
        items.append(
            CheckItem(
                "quorum",
                f"{name}: the quorum can be met",
                FAIL if problems else PASS,
                (_sentence("; ".join(problems)) + ".")
                if problems
                else f"A quorum of {committee.quorum_minimum} can be met by its voting members.",
                fix if problems else None,
                name,
            )
        )
        if committee.single_partner_veto:
            veto = (FAIL, f"Any single partner can veto decisions of {name}.")
        elif committee.decision_rule == DecisionRule.UNANIMOUS:
            veto = (
                WARNING,
                f"{name} decides unanimously, so any one voting member can block a decision.",
            )
        else:
            veto = (PASS, f"No single partner can block decisions of {name}.")
        items.append(
            CheckItem(
                "veto",
                f"{name}: no single partner veto",
                veto[0],
                veto[1],
                fix if veto[0] != PASS else None,
                name,
            )
        )
        if committee.is_active:
            approved = bool(getattr(committee, "has_approved_tor", False))
            items.append(
                CheckItem(
                    "terms_of_reference",
                    f"{name}: approved terms of reference",
                    PASS if approved else FAIL,
                    f"{name} has approved terms of reference."
                    if approved
                    else f"{name} is active but has no approved terms of reference.",
                    None
                    if approved
                    else Fix("committees:committee", (design.place.pk, committee.pk)),
                    name,
                )
            )
    return items


def _delegation_routes(design: _Design) -> list[CheckItem]:
    title = "Every delegated matter has a route"
    if not design.lines:
        return [
            CheckItem(
                "delegation_routes",
                title,
                WARNING,
                "No scheme of delegation in force delegates anything to the place's bodies yet.",
                Fix("delegations_place:delegations", (design.place.pk,)),
            )
        ]
    problems: dict[str, str] = {}
    by_pk = {c.pk: c for c in design.committees}
    for line in design.lines:
        committee = by_pk.get(line.delegate_committee_id or 0)
        if committee is None:
            continue
        label = f"{line.matter.name} ({line.scheme.organisation.name})"
        if not committee.is_active:
            problems.setdefault(
                label, f"{label} is delegated to {committee.name}, which is not active"
            )
        elif (
            not committee.accountable_to_committee_id
            and not committee.accountable_to_organisation_id
        ):
            problems.setdefault(
                label, f"{label} is delegated to {committee.name}, which answers to no one"
            )
    if problems:
        return [
            CheckItem(
                "delegation_routes",
                title,
                FAIL,
                _sentence("; ".join(problems.values())) + ".",
                Fix("delegations_place:delegations", (design.place.pk,)),
            )
        ]
    return [
        CheckItem(
            "delegation_routes",
            title,
            PASS,
            f"All {len(design.lines)} delegation lines in force go to active bodies with a line "
            "of accountability.",
        )
    ]


def design_check(*, place: Place, on: date | None = None) -> list[CheckItem]:
    """The place's design checklist, in the order a reader would fix things."""
    design = _load(place, on or timezone.localdate())
    items = _membership(design) + _public_health_seat(design)
    option_items, numbers = _option_set(design)
    items += option_items + _lead_provider(design, numbers)
    if not design.committees:
        items.append(
            CheckItem(
                "committees",
                "The place has its bodies",
                FAIL,
                "The place has no committees or boards recorded yet.",
                Fix("committees:list", (place.pk,)),
            )
        )
    items += _joint_committees(design) + _independent_chair(design) + _committee_rules(design)
    items += _delegation_routes(design)
    return items


def summary_counts(items: Iterable[CheckItem]) -> dict[str, int]:
    counts = {PASS: 0, WARNING: 0, FAIL: 0}
    for item in items:
        counts[item.status] += 1
    return counts
