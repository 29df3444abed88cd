"""Outside services some tests need (headless Chromium, a Redis broker).

Locally a missing service skips the tests that need it, with the reason. Under CI (the
environment variable CI=true) a missing service is a failure: CI must never report green
because the browser or the broker quietly was not there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require(available: bool, reason: str) -> None:
    """Skip (locally) or fail (under CI) the current test when a service is missing."""
    if available:
        return
    if running_in_ci():
        pytest.fail(f"{reason} (CI=true, so a missing service is a failure, not a skip)")
    pytest.skip(reason)


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def redis_reachable(url: str) -> bool:
    """Whether a Redis server answers PING at url."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError):
        return False
