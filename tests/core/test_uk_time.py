"""Moments as people read them: whether a deadline closes or has closed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.template import Context, Template

from core.uk_time import deadline_verb

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_a_deadline_still_to_come_closes() -> None:
    assert deadline_verb(NOW + timedelta(minutes=1), now=NOW) == "closes"


def test_a_deadline_that_has_passed_closed() -> None:
    assert deadline_verb(NOW - timedelta(days=30), now=NOW) == "closed"


def test_a_deadline_at_this_very_moment_has_closed() -> None:
    assert deadline_verb(NOW, now=NOW) == "closed"


def test_pages_write_the_deadline_in_its_tense() -> None:
    template = Template(
        "{% load uk_time %}The round {{ past|deadline_verb }}; the next "
        "{{ future|deadline_verb }}.{{ none|deadline_verb }}"
    )
    now = datetime.now(tz=UTC)
    html = template.render(
        Context({"past": now - timedelta(days=1), "future": now + timedelta(days=1), "none": None})
    )
    assert html == "The round closed; the next closes."
