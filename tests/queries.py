"""Counting SQL queries, for the tests that pin how many a page or a selector reads: the count
must stay flat however many rows it shows (as zulip pins each view's count with
`assert_database_query_count`), so a loop that queries per row fails at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def queries_run_by(action: Callable[[], object]) -> int:
    """How many SQL queries `action` runs."""
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def page_query_count(
    client: Client, url: str, data: dict[str, Any] | None = None, **headers: Any
) -> int:
    """How many SQL queries one GET of `url` takes; the page must answer 200."""

    def get() -> None:
        response = client.get(url, data, **headers)
        assert response.status_code == 200, (url, response.status_code)

    return queries_run_by(get)
