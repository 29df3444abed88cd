"""How console views answer, on top of core.htmx: a row's action, an inline form (in place
over htmx, or on a page of its own without JavaScript), a row alone, and a new item added to
a list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.htmx import (
    change_done,
    change_refused,
    render_page_or_partial,
    reply_with_partial,
    wants_partial,
)

INLINE_FORM_PAGE = "console/inline_form.html"

T = TypeVar("T")


def row_action(
    request: HttpRequest,
    *,
    act: Callable[[], T],
    list_url: str,
    message: Callable[[T], str],
    done_reply: Callable[[T, str], HttpResponse],
    refused_reply: Callable[[str], HttpResponse] | None = None,
) -> HttpResponse:
    """A button on one row (no form): `act` calls the service. If it refuses and
    `refused_reply` is given, the first problem shows in place (or, without JavaScript, on the
    list after a redirect); otherwise the updated partial (or the list and a message)."""
    try:
        result = act()
    except ValidationError as error:
        if refused_reply is None:
            raise
        problem = error.messages[0]
        return change_refused(request, error, list_url, lambda: refused_reply(problem))
    text = message(result)
    return change_done(request, text, list_url, lambda: done_reply(result, text))


def inline_form(
    request: HttpRequest,
    template: str,
    partial: str,
    context: dict[str, Any],
    *,
    back_url: str,
    heading: str,
    wrapper: str,
) -> HttpResponse:
    """A form that opens in place of a row (its partial, for htmx) or, without JavaScript, on
    a page of its own. `wrapper` ("table", "list" or "div") is the element the partial needs
    around it on that page."""
    context = {**context, "list_url": back_url}
    if wants_partial(request):
        return render_page_or_partial(
            request, template, partial, context, clear_status_on_post=True
        )
    return render(
        request,
        INLINE_FORM_PAGE,
        {
            **context,
            "form_partial": f"{template}#{partial}",
            "wrapper": wrapper,
            "heading": heading,
        },
    )


def row_alone(
    request: HttpRequest, template: str, partial: str, context: dict[str, Any], list_url: str
) -> HttpResponse:
    """One row again (what "Cancel" on an inline form asks for); without htmx, the list."""
    if not wants_partial(request):
        return redirect(list_url)
    return render_page_or_partial(request, template, partial, context)


def added_to_list(
    request: HttpRequest,
    *,
    template: str,
    panel: str,
    results: str,
    results_context: Callable[[], dict[str, Any]],
    system: Any,
    message: str,
    list_url: str,
) -> HttpResponse:
    """After adding an item from a list's add panel: the panel closed again, the list with the
    new item highlighted (out of band) and the message; without JavaScript, the list."""
    return change_done(
        request,
        message,
        list_url,
        lambda: reply_with_partial(
            request,
            template,
            panel,
            {"system": system},
            status_message=message,
            out_of_band=((f"{template}#{results}", results_context()),),
        ),
    )


def page_or_partial(
    request: HttpRequest, template: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    """The page, or the partial htmx targets; a form that came back with errors also clears
    the status region, so the last success message cannot mislead."""
    return render_page_or_partial(request, template, partial, context, clear_status_on_post=True)


def posted_flag(request: HttpRequest, name: str) -> bool:
    """A yes/no a row's button posts (e.g. is_active=true)."""
    return request.POST.get(name, "").lower() in {"1", "true", "yes", "on"}
