"""Overdue reviews: one rule (`review_overdue`) on UK dates, and where it shows, the committee
page, the list of a place's bodies and the place's console page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.structures import selectors
from governance.structures.models import TorStatus
from tests.factories import CommitteeFactory, TermsOfReferenceFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 7, 1)


def version(world, *, review_date, status=TorStatus.APPROVED, **committee_fields):
    committee = CommitteeFactory(
        place=world.place_a, name=committee_fields.pop("name", "Ashford Board"), **committee_fields
    )
    return TermsOfReferenceFactory(
        committee=committee, number=1, status=status, review_date=review_date
    )


@pytest.mark.parametrize(
    ("review_date", "overdue"),
    [
        (TODAY - timedelta(days=1), True),  # yesterday
        (TODAY, False),  # due today: not yet overdue
        (TODAY + timedelta(days=1), False),
        (None, False),
    ],
)
def test_an_approved_version_is_overdue_only_once_its_review_date_has_passed(
    world, review_date, overdue
):
    tor = version(world, review_date=review_date)
    assert selectors.review_overdue(tor, today=TODAY) is overdue


@pytest.mark.parametrize("status", [TorStatus.DRAFT, TorStatus.FOR_APPROVAL, TorStatus.SUPERSEDED])
def test_only_the_approved_version_is_ever_overdue(world, status):
    tor = version(world, review_date=TODAY - timedelta(days=30), status=status)
    assert not selectors.review_overdue(tor, today=TODAY)
    assert not selectors.review_overdue(None, today=TODAY)


def test_today_is_the_date_in_the_uk(world, monkeypatch):
    """At 00:30 on 1 July in London it is still 30 June in UTC: a review due on 30 June is
    overdue."""
    moment = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert selectors.uk_today() == TODAY
    tor = version(world, review_date=date(2026, 6, 30))
    assert selectors.review_overdue(tor)
    monkeypatch.setattr(timezone, "now", lambda: moment - timedelta(hours=1))
    assert not selectors.review_overdue(tor)  # 23:30 on 30 June in London


def test_an_inactive_body_is_not_flagged(world):
    tor = version(world, review_date=TODAY - timedelta(days=1), is_active=False)
    committee = selectors.committee_for_place(place=world.place_a, pk=tor.committee_id)
    assert not selectors.committee_review_overdue(committee, today=TODAY)
    assert selectors.overdue_reviews(place=world.place_a, today=TODAY) == []


def test_overdue_reviews_of_a_place(world):
    late = version(world, review_date=TODAY - timedelta(days=1), name="Late Board")
    version(world, review_date=TODAY, name="On Time Board")
    version(world, review_date=TODAY - timedelta(days=9), name="Draft Board", status="draft")
    found = selectors.overdue_reviews(place=world.place_a, today=TODAY)
    assert [(o.committee.name, o.tor.pk) for o in found] == [("Late Board", late.pk)]
    assert selectors.overdue_reviews(place=world.place_b, today=TODAY) == []


# Where it shows ---------------------------------------------------------------------------------


def pages(client, world, tor) -> tuple[str, str]:
    place = world.place_a.pk
    listed = client.get(reverse("committees:list", args=[place])).content.decode()
    page = client.get(reverse("committees:committee", args=[place, tor.committee_id]))
    return listed, page.content.decode()


def test_the_list_and_the_committee_page_flag_an_overdue_review(client, world):
    yesterday = selectors.uk_today() - timedelta(days=1)
    tor = version(world, review_date=yesterday)
    client.force_login(world.lead_a)
    listed, page = pages(client, world, tor)
    due = f"due {yesterday.day} {yesterday:%B %Y}"
    for html in (listed, page):
        assert "Review overdue</strong>" in html and due in html
    assert 'id="review-overdue"' in page
    assert "Start a new version below" in page

    # With a new version under way, the page points to it instead.
    TermsOfReferenceFactory(committee=tor.committee, number=2, status=TorStatus.DRAFT)
    _, page = pages(client, world, tor)
    assert "continue with version 2" in page and "Start a new version below" not in page


def test_a_reader_is_told_who_reviews_an_overdue_version(client, world):
    tor = version(world, review_date=selectors.uk_today() - timedelta(days=1))
    client.force_login(world.member_a)
    _, page = pages(client, world, tor)
    assert "The place's leads review them by starting a new version" in page


def test_a_review_due_today_is_not_flagged(client, world):
    tor = version(world, review_date=selectors.uk_today())
    client.force_login(world.lead_a)
    for html in pages(client, world, tor):
        assert "Review overdue" not in html


def test_the_place_console_page_counts_overdue_reviews(client, world):
    yesterday = selectors.uk_today() - timedelta(days=1)
    tor = version(world, review_date=yesterday, name="Late Board")
    version(world, review_date=selectors.uk_today(), name="On Time Board")
    client.force_login(world.icb_admin)
    address = reverse("console:place", args=[world.system.slug, world.place_a.pk])
    page = client.get(address).content.decode()
    assert "Terms of reference overdue for review" in page
    assert "1 overdue</strong>" in page
    committee_url = reverse("committees:committee", args=[world.place_a.pk, tor.committee_id])
    assert (
        f'<a href="{committee_url}">Late Board</a>: due {yesterday.day} {yesterday:%B %Y}' in page
    )
    assert "On Time Board" not in page
    other = reverse("console:place", args=[world.system.slug, world.place_b.pk])
    assert "overdue</strong>" not in client.get(other).content.decode()
