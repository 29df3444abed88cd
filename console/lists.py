"""The console's searchable lists: the search text, an optional filter by one choice, and one
page of rows. Every list renders through templates/console/_list.html."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from core.pagination import paginate
from partners.models import System


def list_context(
    request: HttpRequest,
    system: System,
    *,
    url_name: str,
    rows: Callable[..., Any],
    choice_filter: tuple[str, list[tuple[str, str]]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A list's context. `rows(system=, search=, **filters)` gives the rows; `choice_filter`
    names the query parameter of a filter by one choice and its choices (e.g. "sector" and
    the sectors): an unknown value means no filter."""
    search = request.GET.get("q", "").strip()
    context: dict[str, Any] = {
        "system": system,
        "q": search,
        "list_url": reverse(url_name, args=[system.slug]),
    }
    filters = {}
    if choice_filter:
        name, choices = choice_filter
        value = request.GET.get(name, "")
        filters[name] = value if value in dict(choices) else ""
        context["filter"] = {"name": name, "value": filters[name], "choices": choices}
    return {**context, **paginate(request, rows(system=system, search=search, **filters)), **extra}
