"""The invitation e-mail goes out through a real Celery worker consuming from Redis, from a
queue of this test's own (tests/workers.py)."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
from celery.signals import task_postrun, task_prerun
from django.core import mail
from django.db import connections
from django.test import Client

from partners.models import Invitation, User
from partners.tasks import send_invitation_email
from tests.partners.test_invitations import invite_to_place_a
from tests.workers import queued_messages, run_worker_until

pytestmark = [pytest.mark.celery_worker]

LINK = re.compile(r"https?://\S+/accounts/invitation/(?P<token>[^/\s]+)/")


def test_invitation_email_is_sent_by_a_worker_through_redis(
    transactional_db: None, world: Any, redis_broker: str
) -> None:
    seen: dict[str, Any] = {}
    finished = threading.Event()

    def on_prerun(sender: Any = None, task: Any = None, **kwargs: Any) -> None:
        if getattr(sender, "name", None) == send_invitation_email.name:
            seen["is_eager"] = task.request.is_eager
            seen["delivery_info"] = dict(task.request.delivery_info or {})
            seen["thread"] = threading.get_ident()

    def on_postrun(sender: Any = None, state: str | None = None, **kwargs: Any) -> None:
        if getattr(sender, "name", None) == send_invitation_email.name:
            seen["state"] = state
            # The task ran in the worker's thread: close that thread's database connection,
            # so the test database can be flushed and dropped afterwards.
            connections.close_all()
            finished.set()

    task_prerun.connect(on_prerun, weak=False)
    task_postrun.connect(on_postrun, weak=False)
    try:
        invite_to_place_a(world, email="New.Person@Example.NHS.uk", full_name="Nia Newperson")
        invitation = Invitation.objects.get(user__email="new.person@example.nhs.uk")

        # Committed and published, but no worker yet: the message waits on the broker.
        assert queued_messages(redis_broker) == 1
        time.sleep(0.5)
        assert mail.outbox == []
        invitation.refresh_from_db()
        assert invitation.sent_at is None

        run_worker_until(finished, redis_broker)
    finally:
        task_prerun.disconnect(on_prerun)
        task_postrun.disconnect(on_postrun)

    # It was the worker, fed from the broker, that ran the task.
    assert seen["state"] == "SUCCESS"
    assert seen["is_eager"] is False
    assert seen["thread"] != threading.get_ident()
    assert seen["delivery_info"].get("routing_key") == redis_broker
    assert queued_messages(redis_broker) == 0

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.nhs.uk"]
    assert "invited" in message.subject.lower()
    match = LINK.search(message.body)
    assert match, f"no set-password link in:\n{message.body}"
    token = match["token"]
    invitation.refresh_from_db()
    assert hashlib.sha256(token.encode()).hexdigest() == invitation.token_hash
    assert invitation.sent_at is not None

    # The link in the e-mail opens the set-password page for this person.
    response = Client().get(urlsplit(match[0]).path)
    assert response.status_code == 200
    assert User.objects.get(email="new.person@example.nhs.uk").has_usable_password() is False
