"""Queuing Celery tasks so that a broker outage never undoes or hides a change a person made.

Tasks are published after the transaction commits (a worker must never see uncommitted rows).
If the broker cannot take the message then (Redis is down or unreachable), the committed
change stands and the person's request still succeeds. What happens to the message depends on
how it was queued:

- `enqueue_on_commit_or_keep` keeps it in the database (a PendingTask row) and the scheduler
  publishes it once the broker is back (`pending_tasks_retry`). Use it for tasks that are
  harmless to run twice, such as e-mails that are rebuilt from the database when they run.
- `enqueue_on_commit` logs the failure and calls the caller's `on_unavailable`, which records
  whatever must be retried its own way (an invitation not yet sent gets a fresh token from
  the scheduler; a compilation is marked failed with a message to try again)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.db import DatabaseError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from core.models import PendingTask

log = logging.getLogger(__name__)

# What publishing raises when the broker is unreachable: kombu wraps connection failures in
# its OperationalError; a refused or reset socket can surface as OSError.
BROKER_UNAVAILABLE: tuple[type[BaseException], ...] = (KombuOperationalError, OSError)

# The scheduler runs every 5 minutes. A kept task it could not publish waits twice as long
# after each failed attempt, but never more than an hour, so a long outage is not followed
# by a long silence.
PENDING_FIRST_WAIT = timedelta(minutes=5)
PENDING_LONGEST_WAIT = timedelta(hours=1)


def publish(task: Any, *, on_unavailable: Callable[[], None] | None = None, **kwargs: Any) -> bool:
    """Publish now. Returns whether the broker took the message."""
    try:
        task.delay(**kwargs)
    except BROKER_UNAVAILABLE as error:
        log.warning("Could not queue %s %s: %s", task.name, kwargs, error)
        if on_unavailable is not None:
            on_unavailable()
        return False
    return True


def enqueue_on_commit(
    task: Any, *, on_unavailable: Callable[[], None] | None = None, **kwargs: Any
) -> None:
    """Publish `task` with `kwargs` once the current transaction commits (at once outside
    one)."""
    transaction.on_commit(lambda: publish(task, on_unavailable=on_unavailable, **kwargs))


def enqueue_on_commit_or_keep(task: Any, **kwargs: Any) -> None:
    """Publish `task` with `kwargs` once the current transaction commits; if the broker
    cannot take it, keep it to be published by the scheduler when the broker is back. Only
    for tasks that are harmless to run twice. `kwargs` must be JSON (as Celery sends them)."""
    transaction.on_commit(lambda: _publish_or_keep(task, kwargs))


def _publish_or_keep(task: Any, kwargs: dict[str, Any]) -> None:
    try:
        task.delay(**kwargs)
    except BROKER_UNAVAILABLE as error:
        log.warning("Could not queue %s %s: %s; kept to publish later", task.name, kwargs, error)
        _keep(task.name, kwargs, error)


def _keep(task_name: str, kwargs: dict[str, Any], error: BaseException) -> None:
    # The change that queued the task has already committed: the row is written in a
    # transaction of its own, and failing to write it must not turn that change into an error.
    try:
        with transaction.atomic():
            PendingTask.objects.create(task_name=task_name, kwargs=kwargs, last_error=str(error))
    except DatabaseError:
        log.exception("Could not keep %s %s to publish later: it is lost", task_name, kwargs)


def pending_task_wait(attempts: int) -> timedelta:
    """How long a kept task waits after its `attempts`-th failed attempt."""
    doublings = min(max(attempts - 1, 0), 10)
    return min(PENDING_FIRST_WAIT * 2**doublings, PENDING_LONGEST_WAIT)


def _registered_task(name: str) -> Any | None:
    tasks = current_app.tasks
    if name not in tasks:
        # Outside a worker the task modules may not have been imported yet.
        current_app.loader.import_default_modules()
    return tasks.get(name)


def _postpone(pending: PendingTask, now: datetime, error: str) -> None:
    pending.attempts += 1
    pending.last_error = error
    pending.next_attempt_at = now + pending_task_wait(pending.attempts)
    pending.save(update_fields=["attempts", "last_error", "next_attempt_at"])


def pending_tasks_retry(*, now: datetime | None = None) -> int:
    """Publish every kept task that is due, oldest first, deleting each once the broker has
    taken it. Each row is claimed under a lock that other runs skip, so two runs at once never
    publish the same row. Stops at the first broker failure (the rest would fail the same
    way). Returns how many were published."""
    now = now or timezone.now()
    published = 0
    while True:
        with transaction.atomic():
            pending = (
                PendingTask.objects.select_for_update(skip_locked=True)
                .filter(next_attempt_at__lte=now)
                .order_by("next_attempt_at", "pk")
                .first()
            )
            if pending is None:
                return published
            task = _registered_task(pending.task_name)
            if task is None:
                log.error("Kept task %s is not a registered task", pending.task_name)
                _postpone(pending, now, f"No task is registered as {pending.task_name}.")
                continue
            try:
                task.apply_async(kwargs=pending.kwargs)
            except BROKER_UNAVAILABLE as error:
                log.warning("Could not publish kept task %s: %s", pending, error)
                _postpone(pending, now, str(error))
                return published
            # Deleted in the transaction that holds the lock: if the broker took the message
            # but this commit fails, the task is published again, which it is safe to be.
            pending.delete()
            published += 1
