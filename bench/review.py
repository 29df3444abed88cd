"""The redaction review of the 200-place round bench/compile.py compiles: server time per
action, as a signed-in ICB admin (not a superuser) through django.test.Client, which is
the view's own time plus the test client's small overhead. Goal: 200 ms or less for each.

Every choice the timing adds is removed again, so the round is left as it was."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

from bench.common import HTMX
from bench.pages import percentile, sign_in

GOAL_MS = 200.0
ADMIN_EMAIL = "bench-review-admin@bench.example"


def _review_admin(system: Any) -> Any:
    """An ICB admin of the bench system, made once."""
    from partners.models import Membership, Role, User
    from partners.permissions import permissions_sync_for_user

    admin, _ = User.objects.get_or_create(
        email=ADMIN_EMAIL, defaults={"full_name": "Bench Review Admin"}
    )
    if not Membership.objects.current().filter(user=admin, system=system).exists():
        Membership.objects.create(user=admin, system=system, role=Role.ICB_ADMIN)
    permissions_sync_for_user(user=admin)  # the object permissions a membership gives
    return admin


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def measure_review(consultation: Any, *, requests: int) -> dict[str, Any]:
    """p50 and max milliseconds, and SQL queries, of each review action over `requests`
    requests (after one request that builds the gazetteer's trie, reported on its own)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.compile import WORDS
    from governance.consultation.models import RedactionDecision, ReviewText
    from partners.models import Place

    system = consultation.system
    client = Client()
    sign_in(client, _review_admin(system))

    def url(name: str, *args: Any) -> str:
        return reverse(f"console:{name}", args=[system.slug, consultation.pk, *args])

    review = url("summary_review")
    places = list(Place.objects.filter(system=system).order_by("name"))
    middle = places[len(places) // 2]
    cold_ms, _ = _timed(lambda: client.get(review))

    timings: dict[str, list[float]] = {}
    queries: dict[str, int] = {}

    def run(action: str, call: Callable[[], Any], expect: int) -> Any:
        with CaptureQueriesContext(connection) as captured:
            ms, response = _timed(call)
        assert response.status_code == expect, (action, response.status_code)
        timings.setdefault(action, []).append(ms)
        queries[action] = len(captured.captured_queries)
        return response

    # Half the phrases are common words, found in the first text read; half are e-mail
    # addresses only the last places wrote, found after reading nearly every text.
    words = [word for word in WORDS if len(word) >= 5]
    last = len(places) - 1
    phrases = [
        words[index] if index % 2 == 0 else f"someone{last - index}@bench.nhs.uk"
        for index in range(requests)
    ]
    names = [place.name for place in places]
    reason = {"note": "Benchmark: not identifying"}
    for index in range(requests):
        name = names[index % len(names)]
        run("GET review, first page", partial(client.get, review), 200)
        run("GET review, one place", partial(client.get, review, {"place": middle.pk}), 200)
        run("GET review, page 5", partial(client.get, review, {"page": 5}), 200)
        run("GET review, possible names", partial(client.get, review, {"show": "possible"}), 200)
        run(
            "POST redact a phrase (htmx: the review body back)",
            partial(client.post, url("redaction_add"), {"phrase": phrases[index]}, headers=HTMX),
            200,
        )
        run(
            "GET keep confirmation",
            partial(client.get, url("redaction_keep"), {"phrase": name}),
            200,
        )
        run(
            "POST keep with a reason",
            partial(client.post, url("redaction_keep"), {"phrase": name, **reason}),
            302,
        )
        for decision in list(RedactionDecision.objects.filter(round=consultation)):
            run(
                "POST remove a choice (htmx: the review body back)",
                partial(client.post, url("redaction_remove", decision.pk), headers=HTMX),
                200,
            )

    actions = {}
    for action, values in timings.items():
        values.sort()
        actions[action] = {
            "requests": len(values),
            "p50_ms": round(percentile(values, 0.5), 1),
            "max_ms": round(values[-1], 1),
            "queries": queries[action],
            "meets_goal": values[-1] <= GOAL_MS,
        }
    return {
        "texts_indexed": ReviewText.objects.filter(summary__round=consultation).count(),
        "first_request_ms_building_the_gazetteer": round(cold_ms, 1),
        "actions": actions,
        "goal_ms": GOAL_MS,
        "meets_goal": all(action["meets_goal"] for action in actions.values()),
    }
