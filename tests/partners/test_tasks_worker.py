"""The invitation e-mail goes out through a real Celery worker consuming from Redis.

Needs CELERY_BROKER_URL pointing at a reachable Redis; otherwise the test skips locally and
fails under CI (tests/services.py). The message is published to a queue of its own, so that
other test runs sharing the broker can neither take it nor hand us theirs.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun, task_prerun
from django.core import mail
from django.db import connections
from django.test import Client
from kombu.exceptions import ChannelError

from config.celery import app
from partners.models import Invitation, User
from partners.tasks import send_invitation_email
from tests.partners.test_invitations import invite_to_place_a
from tests.services import redis_reachable, require

pytestmark = [pytest.mark.celery_worker]

WAIT_SECONDS = 30
LINK = re.compile(r"https?://\S+/accounts/invitation/(?P<token>[^/\s]+)/")


@pytest.fixture
def redis_broker(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app, switched for this test to publish for real to a private queue on Redis."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    require(bool(url), "CELERY_BROKER_URL is not set (point it at Redis to run this test)")
    require(url.startswith(("redis://", "rediss://")), f"CELERY_BROKER_URL is not Redis: {url}")
    require(redis_reachable(url), "Redis at CELERY_BROKER_URL does not answer PING")
    assert app.connection().as_uri(include_password=False).startswith(("redis://", "rediss://"))

    queue = f"pgd-test-{uuid.uuid4().hex}"
    for name, value in {
        "task_always_eager": False,
        "task_default_queue": queue,
        "worker_hijack_root_logger": False,
    }.items():
        monkeypatch.setitem(app.conf, name, value)
    try:
        yield queue
    finally:
        with app.connection() as conn:
            conn.default_channel.queue_delete(queue)
        # The worker narrowed the app's cached queue selection to our queue; drop the cache.
        app.amqp.__dict__.pop("queues", None)
        app.amqp.__dict__.pop("router", None)


def queued_messages(queue: str) -> int:
    """Messages waiting in the queue on the broker (Redis drops a list once it is empty)."""
    with app.connection() as conn:
        try:
            return conn.default_channel.queue_declare(queue=queue, passive=True).message_count
        except ChannelError:
            return 0


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

        with start_worker(
            app,
            pool="solo",
            concurrency=1,
            perform_ping_check=False,
            queues=[redis_broker],
            shutdown_timeout=WAIT_SECONDS,
        ):
            assert finished.wait(WAIT_SECONDS), "the worker did not run the task in time"
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
