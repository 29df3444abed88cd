"""Moments in templates as the app writes them for people (core.uk_time).

{% load uk_time %}
The round {{ round.closes_at|deadline_verb }} at …
"""

from datetime import datetime

from django import template

from core import uk_time

register = template.Library()


@register.filter
def deadline_verb(deadline: datetime | None) -> str:
    """ "closes" or "closed", by whether the deadline has passed; nothing without one."""
    return uk_time.deadline_verb(deadline) if deadline else ""
