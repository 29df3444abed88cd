"""When the broker is down at the moment a change is saved, the change stands, the person's
request succeeds, and what was not queued is retried or reported."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, connections
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery import app
from core.models import PendingTask
from core.outbox import enqueue_on_commit_or_keep, pending_tasks_retry
from governance.consultation import feedback, round_scheduler, round_setup
from governance.consultation.models import FeedbackSummary, JobState, PlaceResponse, ResponseStatus
from governance.consultation.responses import response_submit
from partners.models import Invitation, Role
from partners.services.people import invitations_retry_unsent
from tests.conftest import World
from tests.factories import (
    complete_response,
    make_framework,
    make_member,
    make_response,
    make_round,
)
from tests.governance.consultation.test_feedback import Canary
from tests.partners.test_invitations import invite_to_place_a
from tests.services import require
from tests.workers import queued_messages, run_worker_until_task_ran

pytestmark = pytest.mark.django_db

REFUSED = "Error 111 connecting to 127.0.0.1:6379. Connection refused."


def refuse(*args: Any, **kwargs: Any) -> None:
    raise OperationalError(REFUSED)


@pytest.fixture
def broker_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """Publishing fails as it does when Redis refuses connections."""
    monkeypatch.setattr(app.Task, "apply_async", refuse)


class Broker:
    """Redis, which a test can take down and bring back (leaving the test's other patches,
    such as signed-in sessions, in place)."""

    def __init__(self) -> None:
        self._patch = pytest.MonkeyPatch()

    def go_down(self) -> None:
        self._patch.setattr(app.Task, "apply_async", refuse)

    def come_back(self) -> None:
        self._patch.undo()


@pytest.fixture
def broker() -> Iterator[Broker]:
    switch = Broker()
    yield switch
    switch.come_back()


def test_an_invitation_is_saved_when_the_broker_is_down_and_sent_later(
    world: World, broker_down: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        membership = invite_to_place_a(
            world, email="late.mail@example.nhs.uk", full_name="Lat Mail"
        )
    assert membership.pk is not None
    invitation = Invitation.objects.get(user__email="late.mail@example.nhs.uk")
    assert invitation.sent_at is None
    assert mail.outbox == []

    # The broker is back; the scheduler's retry sends it, with a working link.
    monkeypatch.undo()
    old_hash = invitation.token_hash
    later = timezone.now() + timedelta(minutes=11)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert invitations_retry_unsent(now=later) == 1
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert invitation.token_hash != old_hash
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["late.mail@example.nhs.uk"]
    # Sent now, so the next run leaves it alone.
    assert invitations_retry_unsent(now=later + timedelta(minutes=30)) == 0


def test_the_retry_waits_for_the_grace_period(world: World, broker_down: None) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        invite_to_place_a(world, email="patient@example.nhs.uk", full_name="Pat Ient")
    assert invitations_retry_unsent(now=timezone.now()) == 0


def test_a_compilation_that_cannot_be_queued_is_reported_and_can_be_retried(
    world: World, broker_down: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    canary = Canary(world)
    canary.submit_all()
    canary.close()
    with TestCase.captureOnCommitCallbacks(execute=True):
        feedback.summary_request_compile(actor=world.icb_admin, round=canary.round)
    summary = FeedbackSummary.objects.get(round=canary.round)
    assert summary.state == JobState.FAILED
    assert "try again" in summary.error
    monkeypatch.undo()
    with TestCase.captureOnCommitCallbacks(execute=True):
        feedback.summary_request_compile(actor=world.icb_admin, round=canary.round)
    summary.refresh_from_db()
    assert summary.state == JobState.COMPLETE


# Tasks kept while the broker is down (core.outbox.enqueue_on_commit_or_keep) -----------


def kept() -> list[tuple[str, dict[str, Any]]]:
    return list(PendingTask.objects.values_list("task_name", "kwargs"))


def retry_twice() -> list[int]:
    """Two scheduler runs one after the other, as beat would run them."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        first = pending_tasks_retry()
    with TestCase.captureOnCommitCallbacks(execute=True):
        second = pending_tasks_retry()
    return [first, second]


def test_opening_emails_queued_while_the_broker_is_down_are_sent_once_it_is_back(
    world: World, broker: Broker
) -> None:
    consultation = make_round(
        system=world.system,
        framework=make_framework(),
        opens_at=timezone.now() + timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=30),
    )
    broker.go_down()
    with TestCase.captureOnCommitCallbacks(execute=True):
        opened = round_scheduler.rounds_advance(now=consultation.opens_at + timedelta(minutes=1))
    assert opened == {"opened": 1, "closed": 0}
    consultation.refresh_from_db()
    assert consultation.status == "open"
    assert kept() == [("governance.tasks.round_open_email_task", {"round_id": consultation.pk})]
    assert REFUSED in PendingTask.objects.get().last_error
    assert mail.outbox == []

    broker.come_back()
    assert retry_twice() == [1, 0]
    assert [m.to for m in mail.outbox] == [[world.lead_a.email]]
    assert consultation.title in mail.outbox[0].subject
    assert kept() == []


def test_reminders_queued_while_the_broker_is_down_are_sent_once_it_is_back(
    world: World, broker: Broker
) -> None:
    make_round(system=world.system, framework=make_framework(), days_open=3, reminder_days=7)
    broker.go_down()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert round_scheduler.round_reminders_send() == 1
    assert [name for name, _ in kept()] == ["governance.tasks.round_reminder_email_task"]
    assert mail.outbox == []
    # The reminder counts as given: the next scheduler run does not queue a second one.
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert round_scheduler.round_reminders_send() == 0
    assert PendingTask.objects.count() == 1

    broker.come_back()
    assert retry_twice() == [1, 0]
    assert [m.to for m in mail.outbox] == [[world.lead_a.email]]
    assert "left" in mail.outbox[0].subject


def test_a_submission_while_the_broker_is_down_stands_and_its_email_goes_once_it_is_back(
    world: World, broker: Broker, client: Client
) -> None:
    consultation = make_round(system=world.system, framework=make_framework())
    response = make_response(round=consultation, place=world.place_a)
    complete_response(response=response, actor=world.lead_a)
    client.force_login(world.lead_a)
    broker.go_down()
    with TestCase.captureOnCommitCallbacks(execute=True):
        page = client.post(
            reverse(
                "proposal:submit",
                kwargs={"place_pk": world.place_a.pk, "round_pk": consultation.pk},
            ),
            follow=True,
        )
    assert page.status_code == 200
    assert "response has been submitted" in page.content.decode()
    response = PlaceResponse.objects.get(pk=response.pk)
    assert response.status == ResponseStatus.SUBMITTED
    assert response.submitted_by == world.lead_a
    assert response.submitted_at is not None
    assert kept() == [
        (
            "governance.tasks.response_submitted_email_task",
            {"response_id": response.pk, "submitted_at": response.submitted_at.isoformat()},
        )
    ]
    assert mail.outbox == []

    broker.come_back()
    assert retry_twice() == [1, 0]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.icb_admin.email, world.lead_a.email]
    )
    assert all("Ashford has submitted its response" in m.subject for m in mail.outbox)


def test_a_kept_task_waits_longer_after_each_attempt_while_the_broker_stays_down(
    world: World, broker: Broker
) -> None:
    from governance.tasks import round_open_email_task

    consultation = make_round(system=world.system, framework=make_framework())
    broker.go_down()
    with TestCase.captureOnCommitCallbacks(execute=True):
        enqueue_on_commit_or_keep(round_open_email_task, round_id=consultation.pk)
        enqueue_on_commit_or_keep(round_open_email_task, round_id=consultation.pk)
    first, second = PendingTask.objects.order_by("pk")
    now = timezone.now() + timedelta(seconds=1)

    # The first failure ends the run: the second row is not tried against a dead broker.
    assert pending_tasks_retry(now=now) == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attempts, second.attempts) == (1, 0)
    assert first.next_attempt_at == now + timedelta(minutes=5)
    assert REFUSED in first.last_error

    assert pending_tasks_retry(now=now) == 0  # the second row's turn
    second.refresh_from_db()
    assert second.attempts == 1
    assert pending_tasks_retry(now=now + timedelta(minutes=1)) == 0  # neither is due
    first.refresh_from_db()
    assert first.attempts == 1

    later = now + timedelta(minutes=5)
    assert pending_tasks_retry(now=later) == 0
    first.refresh_from_db()
    assert (first.attempts, first.next_attempt_at) == (2, later + timedelta(minutes=10))
    assert mail.outbox == []

    broker.come_back()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert pending_tasks_retry(now=later + timedelta(hours=1)) == 2
    assert not PendingTask.objects.exists()
    assert len(mail.outbox) == 2  # each kept message is published once


def test_the_wait_between_attempts_never_exceeds_an_hour() -> None:
    from core.outbox import pending_task_wait

    waits = [pending_task_wait(attempts) for attempts in (1, 2, 3, 4, 5, 6, 1000)]
    assert [wait.total_seconds() / 60 for wait in waits] == [5, 10, 20, 40, 60, 60, 60]


def test_a_kept_task_whose_name_is_unknown_stays_kept_with_the_reason(db: None) -> None:
    PendingTask.objects.create(task_name="governance.tasks.renamed_long_ago", kwargs={"x": 1})
    now = timezone.now()
    assert pending_tasks_retry(now=now) == 0
    pending = PendingTask.objects.get()
    assert pending.attempts == 1
    assert "No task is registered as governance.tasks.renamed_long_ago" in pending.last_error
    assert pending.next_attempt_at == now + timedelta(minutes=5)


def test_a_task_the_broker_takes_is_never_kept(world: World) -> None:
    consultation = make_round(system=world.system, framework=make_framework())
    make_member(place=world.place_b, role=Role.PLACE_LEAD)
    with TestCase.captureOnCommitCallbacks(execute=True):
        round_setup.round_opening_record(consultation, None)
    assert len(mail.outbox) == 2
    assert not PendingTask.objects.exists()


def test_a_kept_task_another_run_holds_is_skipped_so_it_is_sent_once(
    transactional_db: None, world: World, broker: Broker
) -> None:
    """Two scheduler runs at the same moment: the second skips the row the first has claimed
    instead of publishing it too."""
    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    from governance.tasks import round_open_email_task

    consultation = make_round(system=world.system, framework=make_framework())
    broker.go_down()
    enqueue_on_commit_or_keep(round_open_email_task, round_id=consultation.pk)  # no transaction
    broker.come_back()
    pending = PendingTask.objects.get()
    other_run = connections.create_connection("default")
    try:
        with other_run.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(
                "SELECT id FROM partners_pendingtask WHERE id = %s FOR UPDATE", [pending.pk]
            )
            assert pending_tasks_retry() == 0
            assert mail.outbox == []
            cursor.execute("ROLLBACK")
    finally:
        other_run.close()
    assert pending_tasks_retry() == 1
    assert pending_tasks_retry() == 0
    assert [m.to for m in mail.outbox] == [[world.lead_a.email]]


def test_the_scheduler_publishes_kept_tasks_every_five_minutes(world: World) -> None:
    from core.tasks import pending_tasks_retry_task

    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["partners.tasks.pending_tasks_retry_task"] == 300
    PendingTask.objects.create(
        task_name="governance.tasks.round_open_email_task", kwargs={"round_id": 0}
    )
    assert pending_tasks_retry_task.delay().get() == 1
    assert not PendingTask.objects.exists()


@pytest.mark.celery_worker
def test_a_kept_submission_email_is_sent_by_a_worker_through_redis(
    transactional_db: None, world: World, broker: Broker, redis_broker: str
) -> None:
    """End to end on a real broker: the message kept while Redis was refusing connections is
    published by the scheduler once Redis is back, and a worker sends the e-mails once."""
    from governance.tasks import response_submitted_email_task

    consultation = make_round(system=world.system, framework=make_framework())
    response = make_response(round=consultation, place=world.place_a)
    complete_response(response=response, actor=world.lead_a)
    broker.go_down()
    response_submit(actor=world.lead_a, response=response)
    assert PendingTask.objects.count() == 1
    broker.come_back()

    assert pending_tasks_retry() == 1
    assert pending_tasks_retry() == 0
    assert queued_messages(redis_broker) == 1
    assert not PendingTask.objects.exists()

    states = run_worker_until_task_ran(response_submitted_email_task.name, redis_broker)
    assert states == ["SUCCESS"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.icb_admin.email, world.lead_a.email]
    )
