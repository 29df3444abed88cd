"""What the property-based tests of the people, round and feedback forms check a page or
a file by."""

from __future__ import annotations

import re
from html import escape
from typing import Any

from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, settings

from core.pagination import PAGE_SIZE
from core.text_input import clean_text
from governance.consultation.models import ConsultationRound
from partners.models import AuditEvent
from tests.conftest import World
from tests.hostile import (
    assert_no_injected_markup,
)

HX = {"HTTP_HX_REQUEST": "true"}
FORMATS = ("pdf", "docx", "csv", "xlsx")

_health = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
examples = settings(max_examples=15, deadline=None, suppress_health_check=_health)
fewer_examples = settings(max_examples=8, deadline=None, suppress_health_check=_health)
# Each example compiles a summary and renders its four files.
slow_examples = settings(max_examples=4, deadline=None, suppress_health_check=_health)

# Characters an XML file cannot hold: the Word and Excel files leave them out.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# Helpers ------------------------------------------------------------------------------------


def first_line(text: str) -> str:
    """The first line with anything on it, runs of whitespace as one space: what every
    rendering keeps together, whether line breaks become <br>, paragraphs or cells."""
    for line in re.split(r"[\r\n]", text):
        squashed = " ".join(line.split())
        if squashed:
            return squashed
    return ""


def squashed(html: str) -> str:
    return " ".join(html.split())


def assert_shows_as_text(html: str, *texts: str) -> None:
    """No typed markup got through, and each text appears, escaped."""
    assert_no_injected_markup(html)
    page = squashed(html)
    for text in texts:
        # Text typed into a page comes back as core/text_input.py let it in; text a test
        # stored through a service comes back as it is.
        lines = {first_line(text), first_line(clean_text(text))}
        if all(lines):
            assert any(escape(line) in page for line in lines), f"{text!r} is not shown as text"


def page(client: Client, url: str, data: dict[str, Any] | None = None, **headers: Any) -> str:
    response = client.get(url, data, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def posted(client: Client, url: str, data: dict[str, Any], **headers: Any) -> Any:
    response = client.post(url, data, **headers)
    assert response.status_code < 500, (url, response.status_code)
    return response


def console(name: str, world: World, *args: Any) -> str:
    return reverse(f"console:{name}", args=[world.system.slug, *args])


def assert_audit_log_shows_as_text(client: Client, world: World) -> None:
    """The newest page of the audit log, as a page and as the htmx results, shows every
    summary as text (summaries name places, organisations, people and rounds)."""
    newest = AuditEvent.objects.filter(system=world.system).order_by("-created_at", "-id")
    summaries = [event.summary for event in newest[:PAGE_SIZE]]
    for headers in ({}, HX):
        assert_shows_as_text(page(client, console("audit", world), **headers), *summaries)


def proposal_url(world: World, consultation: ConsultationRound, name: str, *args: Any) -> str:
    return reverse(f"proposal:{name}", args=[world.place_a.pk, consultation.pk, *args])


def saved_html(reply: Any) -> str:
    """A saved answer's partial: it says so and lets no markup through."""
    html = reply.content.decode()
    assert reply.status_code == 200 and "Saved at" in html, html
    assert_no_injected_markup(html)
    return html


def autosave_proposal(
    client: Client, world: World, consultation: ConsultationRound, case: str, *, version: int
) -> str:
    """Place A's proposal of options 1 and 4 with `case`, saved as htmx sends it."""
    fields = {"proposal-options": ["1", "4"], "proposal-case": case}
    data = fields | {"proposal-version": str(version)}
    return saved_html(client.post(proposal_url(world, consultation, "proposal"), data, **HX))


def autosave_answer(
    client: Client,
    world: World,
    consultation: ConsultationRound,
    question: Any,
    text: str,
    *,
    version: int,
) -> str:
    """Place A's answer to one question, saved as htmx sends it."""
    key = f"answer-{question.pk}"
    data = {f"{key}-text": text, f"{key}-version": str(version)}
    url = proposal_url(world, consultation, "answer", question.pk)
    return saved_html(client.post(url, data, **HX))


def autosave_rating(
    client: Client,
    world: World,
    consultation: ConsultationRound,
    cell: tuple[Any, Any],
    *,
    version: int,
    option_set: str = "",
    **fields: str,
) -> str:
    """Place A's rating of one (option, principle) cell, saved as htmx sends it: the option
    alone, or in the context of the combination `option_set`."""
    option, principle = cell
    data = {f"{rating_prefix(cell, option_set)}-{name}": value for name, value in fields.items()}
    data[f"{rating_prefix(cell, option_set)}-version"] = str(version)
    url = (
        proposal_url(world, consultation, "rating_in_context", option.pk, principle.pk, option_set)
        if option_set
        else proposal_url(world, consultation, "rating", option.pk, principle.pk)
    )
    return saved_html(client.post(url, data, **HX))


def rating_prefix(cell: tuple[Any, Any], option_set: str = "") -> str:
    """The id of a rating cell on the response page, the prefix of its fields."""
    option, principle = cell
    prefix = f"rating-{option.pk}-{principle.pk}"
    return f"{prefix}-in-{option_set.replace('+', '-')}" if option_set else prefix
