"""The North Shire demo, seeded once for each module whose tests read it (seeding takes
seconds, and the tests only read it): the seed runs in a transaction of its own, each test in
a savepoint inside it, and the whole is rolled back when the module's tests are done."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def north_shire(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """What `seed_demo` printed."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = io.StringIO()
            call_command("seed_demo", stdout=out, stderr=io.StringIO())
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
