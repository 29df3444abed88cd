"""A real Celery worker on Redis, for the tests that need one: a private queue on the broker,
the messages waiting in it, and an in-process worker run until a task has finished.

Needs CELERY_BROKER_URL pointing at a reachable Redis; otherwise the test skips locally and
fails under CI (tests/services.py)."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections
from kombu.exceptions import ChannelError

from config.celery import app
from tests.services import redis_reachable, require

WAIT_SECONDS = 30


@contextmanager
def private_redis_queue(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app, switched for one test to publish for real to a queue of its own on Redis, so
    that other test runs sharing the broker can neither take its messages nor hand it theirs."""
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
        # A worker narrows the app's cached queue selection to our queue; drop the cache.
        forget_cached_queues()


def forget_cached_queues() -> None:
    """Drop the queues the app worked out from its settings, and the publisher holding them,
    so the next test's queue name is not published under this one's exchange."""
    for cached in ("queues", "default_queue", "default_exchange", "router", "send_task_message"):
        app.amqp.__dict__.pop(cached, None)


def queued_messages(queue: str) -> int:
    """Messages waiting in the queue on the broker (Redis drops a list once it is empty)."""
    with app.connection() as conn:
        try:
            return conn.default_channel.queue_declare(queue=queue, passive=True).message_count
        except ChannelError:
            return 0


def run_worker_until(finished: threading.Event, queue: str) -> None:
    """Run an in-process worker on the queue until `finished` is set; fail after WAIT_SECONDS."""
    with start_worker(
        app,
        pool="solo",
        concurrency=1,
        perform_ping_check=False,
        queues=[queue],
        shutdown_timeout=WAIT_SECONDS,
    ):
        assert finished.wait(WAIT_SECONDS), "the worker did not run the task in time"


def run_worker_until_task_ran(task_name: str, queue: str) -> list[str | None]:
    """Run a real worker on `queue` until the task called `task_name` has run; the states
    it ended in, once for each time it ran."""
    finished = threading.Event()
    states: list[str | None] = []

    def on_postrun(sender: Any = None, state: str | None = None, **kwargs: Any) -> None:
        if getattr(sender, "name", None) == task_name:
            states.append(state)
            connections.close_all()  # the worker thread's, so the test database can go
            finished.set()

    task_postrun.connect(on_postrun, weak=False)
    try:
        run_worker_until(finished, queue)
    finally:
        task_postrun.disconnect(on_postrun)
    return states
