"""Reading a place's bodies for its pages: each body with its seats and the versions of its
terms of reference, fetched up front, and the committee rules put into words."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Prefetch

from governance.structures.models import (
    Committee,
    CommitteeMember,
    DecisionRule,
    MemberPosition,
    TermsOfReference,
    TorStatus,
)
from governance.structures.terms_of_reference import SECTION_KEYS
from partners.models import Place, Sector


def _with_details(queryset: models.QuerySet[Committee]) -> models.QuerySet[Committee]:
    return (
        queryset.select_related(
            "place__system", "accountable_to_committee", "accountable_to_organisation"
        )
        .annotate(members_count=Count("members", distinct=True))
        .prefetch_related(
            Prefetch(
                "members",
                queryset=CommitteeMember.objects.select_related("organisation", "person"),
                to_attr="seats",
            ),
            "parties",
            Prefetch(
                "terms_of_reference",
                queryset=TermsOfReference.objects.order_by("-number").defer(*SECTION_KEYS),
                to_attr="tor_versions",
            ),
        )
    )


def committees_for_place(*, place: Place, active_only: bool = False) -> list[Committee]:
    """The place's bodies with their members, chair and terms of reference versions: three
    queries whatever the number of bodies."""
    queryset = Committee.objects.filter(place=place)
    if active_only:
        queryset = queryset.filter(is_active=True)
    return list(_with_details(queryset).order_by("-is_active", "name"))


def committee_for_place(*, place: Place, pk: int) -> Committee | None:
    return _with_details(Committee.objects.filter(place=place, pk=pk)).first()


def committee_seats(committee: Committee) -> list[CommitteeMember]:
    """The body's seats, as fetched with it (or read now)."""
    seats = getattr(committee, "seats", None)
    if seats is None:
        seats = list(committee.members.select_related("organisation", "person"))
    return seats


def committee_versions(committee: Committee) -> list[TermsOfReference]:
    """The versions of the body's terms of reference, newest first, as fetched with it (or
    read now)."""
    versions = getattr(committee, "tor_versions", None)
    if versions is None:
        versions = list(committee.terms_of_reference.order_by("-number"))
    return versions


def committee_chair(committee: Committee) -> CommitteeMember | None:
    return next((s for s in committee_seats(committee) if s.position == MemberPosition.CHAIR), None)


def committee_approved_tor(committee: Committee) -> TermsOfReference | None:
    return next((v for v in committee_versions(committee) if v.status == TorStatus.APPROVED), None)


def committee_open_tor(committee: Committee) -> TermsOfReference | None:
    """The version being worked on (a draft or for approval), if any."""
    open_statuses = {TorStatus.DRAFT, TorStatus.FOR_APPROVAL}
    return next((v for v in committee_versions(committee) if v.status in open_statuses), None)


@dataclass(frozen=True)
class CommitteeRow:
    """A body as the list of a place's bodies shows it."""

    committee: Committee
    chair_seat: CommitteeMember | None
    approved_tor: TermsOfReference | None
    open_tor: TermsOfReference | None


def committee_rows(*, place: Place) -> list[CommitteeRow]:
    """The place's bodies for its list: three queries whatever the number of bodies."""
    return [
        CommitteeRow(
            committee=committee,
            chair_seat=committee_chair(committee),
            approved_tor=committee_approved_tor(committee),
            open_tor=committee_open_tor(committee),
        )
        for committee in committees_for_place(place=place)
    ]


def quorum_in_words(committee: Committee) -> str:
    count = committee.quorum_minimum
    text = f"At least {count} voting member{'s' if count != 1 else ''} present"
    sectors = [Sector(s).label for s in committee.quorum_sectors or [] if s in Sector.values]
    if sectors:
        if len(sectors) == 1:
            listed = sectors[0]
        else:
            listed = ", ".join(sectors[:-1]) + " and " + sectors[-1]
        text += f", including at least one voting member from each of: {listed}"
    return text + "."


def decision_rule_in_words(committee: Committee) -> str:
    rule = {
        DecisionRule.CONSENSUS: "Decisions are made by consensus of the members present.",
        DecisionRule.MAJORITY: "Decisions need a simple majority of the voting members present.",
        DecisionRule.TWO_THIRDS: "Decisions need two-thirds of the voting members present to "
        "agree.",
        DecisionRule.UNANIMOUS: "Decisions need every voting member present to agree.",
    }.get(DecisionRule(committee.decision_rule), committee.get_decision_rule_display())
    if committee.single_partner_veto:
        rule += " Any single partner organisation can veto a decision."
    return rule
