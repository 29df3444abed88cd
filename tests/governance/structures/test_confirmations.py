"""Removing a member from a body and making a body inactive cannot be taken back, so each is
confirmed on a page of its own: the body's page links to it, GET changes nothing, the
warning button posts the change; only the place's leads and the ICB admins of its system may
reach it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance.structures.models import Committee, CommitteeMember, MemberPosition
from partners.models import AuditEvent
from tests.factories import CommitteeFactory, CommitteeMemberFactory, partner_in

pytestmark = pytest.mark.django_db


def url(name, world, *args):
    return reverse(f"committees:{name}", args=[world.place_a.pk, *args])


@pytest.fixture
def board(world) -> Committee:
    return CommitteeFactory(place=world.place_a, name="Ashford place committee")


@pytest.fixture
def seat(world, board) -> CommitteeMember:
    return CommitteeMemberFactory(
        committee=board,
        organisation=partner_in(world.place_a, name="Ashford Borough Council"),
        role_title="Director of Public Health",
        person=world.member_a,
        position=MemberPosition.MEMBER,
    )


def pages(world, board, seat) -> list[str]:
    return [url("member_remove", world, board.pk, seat.pk), url("deactivate", world, board.pk)]


def nothing_changed(board: Committee, seat: CommitteeMember) -> None:
    board.refresh_from_db()
    assert board.is_active
    assert CommitteeMember.objects.filter(pk=seat.pk).exists()


@pytest.mark.parametrize("role", ["lead_a", "icb_admin"])
def test_editors_see_what_will_happen_and_nothing_changes(client, world, board, seat, role):
    client.force_login(getattr(world, role))
    audited = AuditEvent.objects.count()
    for target in pages(world, board, seat):
        response = client.get(target)
        html = response.content.decode()
        assert response.status_code == 200
        assert "nhsuk-button nhsuk-button--warning" in html
        assert f'<form action="{target}" method="post"' in html
        assert f'href="{url("committee", world, board.pk)}">Cancel</a>' in html
    nothing_changed(board, seat)
    assert AuditEvent.objects.count() == audited


def test_a_member_of_the_place_may_not_confirm_or_post(client, world, board, seat):
    client.force_login(world.member_a)
    for target in pages(world, board, seat):
        # Sent back to the page they can read, told why; a POST is refused.
        response = client.get(target, follow=True)
        assert response.redirect_chain[-1][0] == url("committee", world, board.pk)
        assert "Only the place&#x27;s leads and ICB governance admins can change this." in (
            response.content.decode()
        )
        assert client.post(target).status_code == 403
    nothing_changed(board, seat)


@pytest.mark.parametrize("role", ["member_b", "advisory", "other_icb_admin", "outsider"])
def test_people_outside_the_place_find_nothing(client, world, board, seat, role):
    client.force_login(getattr(world, role))
    for target in pages(world, board, seat):
        assert client.get(target).status_code == 404
        assert client.post(target).status_code == 404
    nothing_changed(board, seat)


def test_anonymous_people_are_sent_to_sign_in(client, world, board, seat):
    for target in pages(world, board, seat):
        for method in (client.get, client.post):
            response = method(target)
            assert response.status_code == 302
            assert response.url.startswith(reverse("login"))
    nothing_changed(board, seat)


def test_removing_a_member_is_confirmed_then_done(client, world, board, seat):
    client.force_login(world.lead_a)
    remove_url = url("member_remove", world, board.pk, seat.pk)
    page = client.get(url("committee", world, board.pk)).content.decode()
    assert f'href="{remove_url}"' in page and f'action="{remove_url}"' not in page

    confirm = client.get(remove_url).content.decode()
    assert (
        f"Remove {world.member_a} (Director of Public Health, Ashford Borough Council) from "
        "Ashford place committee?"
    ) in confirm
    assert "They will no longer be listed as a member of Ashford place committee." in confirm
    assert "Approved versions of its terms of reference keep the seat as it was" in confirm
    assert ">Remove member</button>" in confirm

    done = client.post(remove_url, follow=True)
    assert done.redirect_chain[-1][0] == url("committee", world, board.pk)
    assert (
        f"Removed {world.member_a} (Director of Public Health, Ashford Borough Council) from "
        "Ashford place committee."
    ) in done.content.decode()
    assert not CommitteeMember.objects.filter(pk=seat.pk).exists()


def test_a_seat_of_another_body_is_not_found(client, world, board, seat):
    other = CommitteeFactory(place=world.place_a, name="Another board")
    client.force_login(world.lead_a)
    assert client.get(url("member_remove", world, other.pk, seat.pk)).status_code == 404
    assert client.post(url("member_remove", world, other.pk, seat.pk)).status_code == 404
    nothing_changed(board, seat)


def test_making_a_body_inactive_is_confirmed_then_done(client, world, board, seat):
    client.force_login(world.icb_admin)
    deactivate_url = url("deactivate", world, board.pk)
    page = client.get(url("committee", world, board.pk)).content.decode()
    assert f'href="{deactivate_url}"' in page

    confirm = client.get(deactivate_url).content.decode()
    assert "Make Ashford place committee inactive?" in confirm
    assert "It cannot be made active again" in confirm

    done = client.post(deactivate_url, follow=True)
    assert "Ashford place committee is now inactive." in done.content.decode()
    board.refresh_from_db()
    assert not board.is_active
    # Once inactive, the page says so instead of offering the button again.
    again = client.get(deactivate_url).content.decode()
    assert "Ashford place committee is already inactive." in again
    assert "nhsuk-button--warning" not in again
