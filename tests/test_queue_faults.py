"""When the broker is down at the moment a change is saved, the change stands, the person's
request succeeds, and what was not queued is retried or reported."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery import app
from governance import feedback
from governance.models import FeedbackSummary, JobState
from partners.models import Invitation, Role
from partners.services import invitations_retry_unsent, person_invite
from tests.conftest import World
from tests.test_feedback import Canary

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """Publishing fails as it does when Redis refuses connections."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(app.Task, "apply_async", refuse)


def test_an_invitation_is_saved_when_the_broker_is_down_and_sent_later(
    world: World, broker_down: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        membership = person_invite(
            actor=world.icb_admin,
            system=world.system,
            email="late.mail@example.nhs.uk",
            full_name="Lat Mail",
            role=Role.PLACE_MEMBER,
            place=world.place_a,
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
        person_invite(
            actor=world.icb_admin,
            system=world.system,
            email="patient@example.nhs.uk",
            full_name="Pat Ient",
            role=Role.PLACE_MEMBER,
            place=world.place_a,
        )
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
