"""When a place lead submits the place's response, the system's ICB governance admins and
the place's leads are told by e-mail (governance.consultation.emails.response_submitted_emails_send)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from core.uk_time import uk_datetime
from governance.consultation.emails import response_submitted_emails_send
from governance.consultation.models import PlaceResponse
from governance.consultation.responses import IncompleteResponse, response_submit, response_withdraw
from governance.tasks import response_submitted_email_task
from partners.models import Membership, Role
from partners.services.people import membership_end
from tests.conftest import World
from tests.factories import (
    UserFactory,
    complete_response,
    make_member,
    make_response,
    make_round,
)

pytestmark = pytest.mark.django_db

SUBJECT = "Ashford has submitted its response to Place governance options 2025"


@pytest.fixture
def consultation(world: World, framework: Any) -> Any:
    return make_round(system=world.system, framework=framework)


@pytest.fixture
def ready(world: World, consultation: Any) -> PlaceResponse:
    """Ashford's response, complete and ready to submit."""
    response = make_response(round=consultation, place=world.place_a)
    complete_response(response=response, actor=world.lead_a)
    return response


def submit(response: PlaceResponse, lead: Any, capture: Any) -> PlaceResponse:
    with capture(execute=True):
        return response_submit(actor=lead, response=response)


def to(address: str) -> EmailMultiAlternatives:
    found = [message for message in mail.outbox if message.to == [address]]
    assert len(found) == 1, f"{address} got {len(found)} e-mails"
    message = found[0]
    assert isinstance(message, EmailMultiAlternatives)
    return message


def html(message: EmailMultiAlternatives) -> str:
    return str(message.alternatives[0][0])


def test_the_icb_admins_and_the_place_leads_are_told_and_nobody_else(
    world: World, consultation: Any, ready: PlaceResponse, django_capture_on_commit_callbacks: Any
) -> None:
    second_admin = make_member(system=world.system, role=Role.ICB_ADMIN)
    second_lead = make_member(place=world.place_a, role=Role.PLACE_LEAD)
    make_member(place=world.place_b, role=Role.PLACE_LEAD)  # another place's lead
    mail.outbox.clear()

    submit(ready, world.lead_a, django_capture_on_commit_callbacks)

    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [world.icb_admin.email, second_admin.email, world.lead_a.email, second_lead.email]
    )
    assert all(len(message.to) == 1 for message in mail.outbox)  # nobody sees the others
    assert {message.subject for message in mail.outbox} == {SUBJECT}
    # Not a place member who is not a lead, another place, another system's admin, the
    # advisory group, or someone with no role.
    for left_out in (
        world.member_a,
        world.member_b,
        world.other_icb_admin,
        world.advisory,
        world.outsider,
    ):
        assert not any(left_out.email in message.to for message in mail.outbox)


def test_admins_get_the_progress_board_and_leads_the_response(
    world: World, consultation: Any, ready: PlaceResponse, django_capture_on_commit_callbacks: Any
) -> None:
    response = submit(ready, world.lead_a, django_capture_on_commit_callbacks)
    assert response.submitted_at is not None
    when = uk_datetime(response.submitted_at)
    said = f"{world.lead_a.full_name} submitted it at {when}."
    board = f"{settings.SITE_URL}/console/{world.system.slug}/rounds/{consultation.pk}/#progress"
    page = f"{settings.SITE_URL}/places/{world.place_a.pk}/rounds/{consultation.pk}/"

    admin = to(world.icb_admin.email)
    assert said in admin.body and board in admin.body
    assert f'href="{board}"' in html(admin)
    assert page not in admin.body
    assert "you are an ICB governance admin of North Shire ICS" in admin.body

    lead = to(world.lead_a.email)
    assert said in lead.body and page in lead.body
    assert f'href="{page}"' in html(lead)
    assert board not in lead.body
    deadline = uk_datetime(consultation.closes_at)
    assert f"withdraw it and submit it again until {deadline}" in lead.body
    assert "you are a place lead of Ashford in North Shire ICS" in lead.body


def test_the_time_is_given_in_uk_time(
    world: World, ready: PlaceResponse, django_capture_on_commit_callbacks: Any
) -> None:
    response = submit(ready, world.lead_a, django_capture_on_commit_callbacks)
    summer = datetime(2025, 7, 1, 15, 30, tzinfo=UTC)
    PlaceResponse.objects.filter(pk=response.pk).update(submitted_at=summer)
    mail.outbox.clear()

    sent = response_submitted_emails_send(response_id=response.pk, submitted_at=summer.isoformat())

    assert sent == 2
    assert "at 16:30 on Tuesday 1 July 2025 (UK time)." in to(world.lead_a.email).body


def test_people_who_have_left_are_not_told(
    world: World, ready: PlaceResponse, django_capture_on_commit_callbacks: Any
) -> None:
    former_admin = make_member(system=world.system, role=Role.ICB_ADMIN)
    membership_end(actor=None, membership=Membership.objects.current().get(user=former_admin))
    deactivated_lead = make_member(place=world.place_a, role=Role.PLACE_LEAD)
    deactivated_lead.is_active = False
    deactivated_lead.save()

    submit(ready, world.lead_a, django_capture_on_commit_callbacks)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.icb_admin.email, world.lead_a.email]
    )


def test_someone_who_is_both_admin_and_lead_gets_one_email_as_an_admin(
    world: World, ready: PlaceResponse, django_capture_on_commit_callbacks: Any
) -> None:
    both = UserFactory()
    make_member(place=world.place_a, role=Role.PLACE_LEAD, user=both)
    make_member(system=world.system, role=Role.ICB_ADMIN, user=both)

    submit(ready, world.lead_a, django_capture_on_commit_callbacks)

    assert "#progress" in to(both.email).body


def test_a_resubmission_after_withdrawing_is_told_again_and_an_old_task_sends_nothing(
    world: World, ready: PlaceResponse, django_capture_on_commit_callbacks: Any
) -> None:
    first = submit(ready, world.lead_a, django_capture_on_commit_callbacks)
    assert first.submitted_at is not None
    first_at = first.submitted_at.isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = response_withdraw(actor=world.lead_a, response=first)
    assert len(mail.outbox) == 2  # withdrawing sends nothing

    # The first submission's task delivered again while the response is withdrawn.
    assert (
        response_submitted_email_task.delay(response_id=first.pk, submitted_at=first_at).get() == 0
    )

    second = submit(withdrawn, world.lead_a, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 4
    assert [m.to for m in mail.outbox[:2]] == [m.to for m in mail.outbox[2:]]

    # ... and again once it has been submitted a second time: that one has its own e-mail.
    assert second.submitted_at is not None and second.submitted_at.isoformat() != first_at
    assert (
        response_submitted_email_task.delay(response_id=first.pk, submitted_at=first_at).get() == 0
    )
    assert len(mail.outbox) == 4


def test_a_refused_submission_tells_nobody(
    world: World, consultation: Any, django_capture_on_commit_callbacks: Any
) -> None:
    response = make_response(round=consultation, place=world.place_a)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(IncompleteResponse),
    ):
        response_submit(actor=world.lead_a, response=response)
    assert mail.outbox == []
