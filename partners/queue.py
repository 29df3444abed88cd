"""Queuing Celery tasks so that a broker outage never undoes or hides a change a person made.

Tasks are published after the transaction commits (a worker must never see uncommitted rows).
If the broker cannot take the message then (Redis is down or unreachable), the committed
change stands and the person's request still succeeds: the failure is logged, and the caller's
`on_unavailable` records whatever must be retried (an invitation not yet sent is retried by
the scheduler; a compilation is marked failed with a message to try again)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from kombu.exceptions import OperationalError as KombuOperationalError

log = logging.getLogger(__name__)

# What publishing raises when the broker is unreachable: kombu wraps connection failures in
# its OperationalError; a refused or reset socket can surface as OSError.
BROKER_UNAVAILABLE: tuple[type[BaseException], ...] = (KombuOperationalError, OSError)


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
