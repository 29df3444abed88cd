"""Moments as the app writes them for people: in UK time, in words."""

from __future__ import annotations

from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from django.utils import timezone

UK: Final = ZoneInfo("Europe/London")


def uk_time(moment: datetime) -> str:
    """14:32"""
    return f"{timezone.localtime(moment, UK):%H:%M}"


def uk_datetime(moment: datetime) -> str:
    """17:00 on Friday 3 October 2025 (UK time)"""
    local = timezone.localtime(moment, UK)
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B %Y} (UK time)"


def deadline_verb(deadline: datetime, *, now: datetime | None = None) -> str:
    """How a sentence says what a deadline does: "closes" while it is still to come,
    "closed" once it has passed (at the very moment, it has closed)."""
    return "closed" if deadline <= (now or timezone.now()) else "closes"
