"""Reading a place's bodies for its pages: each body with its seats and the versions of its
terms of reference, fetched up front; and whether a body's terms of reference are overdue for
review (`review_overdue`, the one rule every page, the console and the design check ask).

The committee rules in words (quorum, decisions) are in governance.structures.tor_sections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Prefetch
from django.utils import timezone

from core.uk_time import UK
from governance.structures.models import (
    TOR_SECTIONS,
    Committee,
    CommitteeMember,
    MemberPosition,
    TermsOfReference,
    TorStatus,
)
from partners.models import Place

# What a list of versions never shows: their text, and the sections kept when approved.
_VERSION_DETAIL = (*(key for key, _ in TOR_SECTIONS), "generated_sections")


def _with_details(queryset: models.QuerySet[Committee]) -> models.QuerySet[Committee]:
    return queryset.select_related(
        "place__system", "accountable_to_committee", "accountable_to_organisation"
    ).prefetch_related(
        Prefetch(
            "members",
            queryset=CommitteeMember.objects.select_related("organisation", "person"),
            to_attr="seats",
        ),
        "parties",
        Prefetch(
            "terms_of_reference",
            queryset=TermsOfReference.objects.order_by("-number").defer(*_VERSION_DETAIL),
            to_attr="tor_versions",
        ),
    )


def committees_for_place(*, place: Place, active_only: bool = False) -> list[Committee]:
    """The place's bodies with their members, chair and terms of reference versions: three
    queries whatever the number of bodies."""
    queryset = Committee.objects.filter(place=place)
    if active_only:
        queryset = queryset.filter(is_active=True)
    return _counted(list(_with_details(queryset).order_by("-is_active", "name")))


def committee_for_place(*, place: Place, pk: int) -> Committee | None:
    found = _counted(list(_with_details(Committee.objects.filter(place=place, pk=pk))))
    return found[0] if found else None


def _counted(committees: list[Committee]) -> list[Committee]:
    """Each body's number of members, from its seats as fetched: counting them in SQL would
    group the body's row, with everything read with it, by all its columns."""
    for committee in committees:
        committee.members_count = len(committee.seats)  # type: ignore[attr-defined]
    return committees


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


# Reviews -----------------------------------------------------------------------------------


def uk_today() -> date:
    return timezone.localdate(timezone=UK)


def review_overdue(tor: TermsOfReference | None, *, today: date | None = None) -> bool:
    """Whether a version is overdue for review: it is the approved one and its review date
    is before today in the UK (on the review date itself it is not yet overdue). The one
    rule of "review overdue"; `today` is for tests and for a caller that asks many times."""
    if tor is None or tor.status != TorStatus.APPROVED or tor.review_date is None:
        return False
    return tor.review_date < (today or uk_today())


def committee_review_overdue(committee: Committee, *, today: date | None = None) -> bool:
    """Whether an active body's approved terms of reference are overdue for review (an
    inactive body is not reviewed)."""
    return committee.is_active and review_overdue(committee_approved_tor(committee), today=today)


@dataclass(frozen=True)
class OverdueReview:
    committee: Committee
    tor: TermsOfReference


def overdue_reviews(*, place: Place, today: date | None = None) -> list[OverdueReview]:
    """The place's active bodies whose approved terms of reference are overdue for review,
    by name: one query."""
    today = today or uk_today()
    approved = (
        TermsOfReference.objects.filter(
            committee__place=place, committee__is_active=True, status=TorStatus.APPROVED
        )
        .select_related("committee")
        .only("number", "status", "review_date", "committee", "committee__name")
        .order_by("committee__name")
    )
    return [
        OverdueReview(tor.committee, tor) for tor in approved if review_overdue(tor, today=today)
    ]


@dataclass(frozen=True)
class CommitteeRow:
    """A body as the list of a place's bodies shows it."""

    committee: Committee
    chair_seat: CommitteeMember | None
    approved_tor: TermsOfReference | None
    open_tor: TermsOfReference | None
    review_overdue: bool = False


def committee_rows(*, place: Place) -> list[CommitteeRow]:
    """The place's bodies for its list: three queries whatever the number of bodies."""
    today = uk_today()
    return [
        CommitteeRow(
            committee=committee,
            chair_seat=committee_chair(committee),
            approved_tor=committee_approved_tor(committee),
            open_tor=committee_open_tor(committee),
            review_overdue=committee_review_overdue(committee, today=today),
        )
        for committee in committees_for_place(place=place)
    ]
