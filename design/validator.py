"""The design check: is a place's governance design one the framework's sources allow, and
complete and workable as recorded?

`design_check(place=...)` returns a checklist, failures first, then warnings, then passes.
Each item passes, warns (advice: the design works, but guidance recommends otherwise) or fails
(the design cannot work as recorded, or the sources rule it out), with a sentence saying why
and how to put it right, the page to go to, and the passage of the source the rule restates.

It reads what exists, not what was proposed: each active body is an instance of a framework
option (governance.structures.options), an individual director of the ICB with delegations in
force is option 4, and the place's recorded arrangement is the set of them. The rules live in
design/rules_partnership.py (Appendix A), design/rules_arrangement.py (the options: the
recorded set, the proposal beside it, what each option may hold, to whom it answers, option 4)
and design/rules_bodies.py (every body: chair, quorum, veto, terms of reference, routes).

It reads a fixed number of queries whatever the size of the place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from delegations.models import DelegateRole, Delegation, SchemeStatus
from design import rules_arrangement, rules_bodies, rules_partnership
from design.check_items import FAIL, ORDER, PASS, WARNING, CheckItem, Design, Fix, names
from governance.catalogue.models import OptionFramework
from governance.catalogue.rules import option_set_key
from governance.consultation.models import PlaceResponse, ResponseStatus
from governance.structures.models import (
    Committee,
    CommitteeMember,
    TermsOfReference,
    TorStatus,
)
from governance.structures.options import body_option, options_by_kind
from partners.legal_forms import LegalForm
from partners.models import Place, PlacePartner

__all__ = [
    "FAIL",
    "PASS",
    "WARNING",
    "CheckItem",
    "DesignReview",
    "Fix",
    "design_check",
    "design_review",
    "summary_counts",
]


def _in_force(today: date, prefix: str = "scheme__") -> Q:
    return Q(
        **{
            f"{prefix}status": SchemeStatus.IN_FORCE,
            f"{prefix}effective_from__lte": today,
        }
    ) & (Q(**{f"{prefix}effective_to__isnull": True}) | Q(**{f"{prefix}effective_to__gte": today}))


def _framework(response: PlaceResponse | None) -> OptionFramework | None:
    """The framework the place proposed against, or else the newest."""
    if response is not None:
        return response.round.framework
    return OptionFramework.objects.order_by("-created_at", "-pk").first()


def _load(place: Place, today: date) -> Design:
    response = (
        PlaceResponse.objects.filter(place=place, status=ResponseStatus.SUBMITTED)
        .select_related("round__framework")
        .order_by("-submitted_at", "-pk")
        .first()
    )
    framework = _framework(response)
    design = Design(
        place,
        today,
        framework,
        options={o.number: o for o in framework.options.all()} if framework else {},
        option_of={},
        response=response,
    )
    design.partners = [
        p.organisation
        for p in PlacePartner.objects.filter(place=place).select_related("organisation")
    ]
    approved = TermsOfReference.objects.filter(committee=OuterRef("pk"), status=TorStatus.APPROVED)
    design.committees = list(
        Committee.objects.filter(place=place)
        .select_related("accountable_to_committee", "accountable_to_organisation")
        .annotate(has_approved_tor=Exists(approved))
        .prefetch_related(
            Prefetch(
                "members",
                queryset=CommitteeMember.objects.select_related("organisation").order_by("pk"),
            ),
            "parties",
            Prefetch(
                "terms_of_reference",
                queryset=TermsOfReference.objects.filter(status=TorStatus.APPROVED).only(
                    "committee", "number", "status", "review_date"
                ),
                to_attr="approved_tors",
            ),
        )
        .order_by("name")
    )
    by_kind = options_by_kind()
    parents = {c.pk: c for c in design.committees}
    design.option_of = {c.pk: body_option(c, by_kind, parents) for c in design.committees}
    design.lines = list(
        Delegation.objects.filter(_in_force(today), delegate_committee__place=place)
        .select_related("scheme__organisation", "matter__parent__parent")
        .order_by("pk")
    )
    design.icb_lines = list(
        Delegation.objects.filter(
            _in_force(today),
            scheme__organisation__system_id=place.system_id,
            scheme__organisation__legal_form=LegalForm.ICB,
        )
        .filter(Q(place__isnull=True) | Q(place=place))
        .select_related("matter__parent__parent")
        .order_by("pk")
    )
    design.directors = list(
        DelegateRole.objects.filter(
            place=place,
            is_individual_director=True,
            is_active=True,
            organisation__legal_form=LegalForm.ICB,
        ).order_by("title")
    )
    return design


@dataclass(frozen=True)
class Side:
    """One side of the comparison: an arrangement and, for each option, what makes it."""

    key: str
    rows: list[tuple[str, str]]  # (option, what makes it)


@dataclass(frozen=True)
class DesignReview:
    items: list[CheckItem]
    proposed: Side | None
    recorded: Side


def design_check(*, place: Place, on: date | None = None) -> list[CheckItem]:
    """The place's design checklist: failures, then warnings, then passes."""
    return design_review(place=place, on=on).items


def _side(design: Design, made_by: dict[int, list[str]], numbers: Iterable[int]) -> Side:
    rows = []
    for number in sorted(numbers):
        option = design.options.get(number)
        label = f"{number}. {option.short_name}" if option else str(number)
        rows.append((label, names(made_by.get(number, [])) or "Not recorded"))
    return Side(option_set_key(sorted(numbers)) if rows else "", rows)


def design_review(*, place: Place, on: date | None = None) -> DesignReview:
    """The checklist, with the proposal and the recorded arrangement side by side."""
    design = _load(place, on or timezone.localdate())
    arrangement = rules_arrangement.recorded_arrangement(design)
    proposal_items, proposed = rules_arrangement.proposal_allowed(design)
    items = [
        *rules_partnership.membership(design),
        *rules_partnership.public_health_seat(design),
        *rules_arrangement.recorded_allowed(design),
        *proposal_items,
        *rules_arrangement.proposal_matches(design, proposed),
        *rules_arrangement.director(design, proposed),
        *rules_arrangement.body_powers(design),
        *rules_arrangement.accountability(design),
        *rules_arrangement.joint_voting(design),
        *rules_bodies.independent_chair(design),
        *rules_bodies.committee_rules(design),
        *rules_bodies.delegation_routes(design),
    ]
    return DesignReview(
        items=sorted(items, key=lambda item: ORDER[item.status]),
        proposed=_side(design, {}, proposed) if proposed else None,
        recorded=_side(design, arrangement.made_by, arrangement.numbers),
    )


def summary_counts(items: Iterable[CheckItem]) -> dict[str, int]:
    counts = {PASS: 0, WARNING: 0, FAIL: 0}
    for item in items:
        counts[item.status] += 1
    return counts
