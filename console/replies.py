"""How console views answer, on top of core.htmx: a form sent to its service, a row's action,
an inline form (in place over htmx, or on a page of its own without JavaScript), a form on a
page of its own, and a row alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from core.forms import add_service_errors
from core.htmx import (
    change_done,
    change_refused,
    render_page_or_partial,
    wants_partial,
)

INLINE_FORM_PAGE = "console/inline_form.html"
FORM_PAGE = "console/delegations/form.html"

T = TypeVar("T")


def posted(request: HttpRequest) -> QueryDict | None:
    """The data to bind a form to: what was posted, or None on GET, so the form shows its
    initial values and no errors."""
    return request.POST if request.method == "POST" else None


def form_sent(
    request: HttpRequest,
    form: BaseForm,
    *,
    save: Callable[[dict[str, Any]], T],
    done: Callable[[T], HttpResponse],
    again: Callable[[], HttpResponse],
    refused: Callable[[Any, ValidationError], None] = add_service_errors,
) -> HttpResponse:
    """A form's round trip: on a valid POST `save(cleaned_data)` calls the service and
    `done(result)` answers. Otherwise `again()` shows the form: as it was on GET, with its
    errors when invalid, or with the service's reasons (put on it by `refused`) when the
    service refuses."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as error:
            refused(form, error)
        else:
            return done(result)
    return again()


def form_on_page(
    request: HttpRequest,
    form: BaseForm,
    *,
    save: Callable[[dict[str, Any]], T],
    message: Callable[[T], str],
    done_url: str | Callable[[T], str],
    system: Any,
    heading: str,
    cancel_url: str,
    submit_label: str = "Save",
    **extra: Any,
) -> HttpResponse:
    """A form on a page of its own (a scheme's details, a matter's name, a delegate role),
    posted back to the same address: once `save` has saved, the browser goes to `done_url`
    (or `done_url(result)`) with `message(result)`."""

    def done(result: T) -> HttpResponse:
        url = done_url if isinstance(done_url, str) else done_url(result)
        return change_done(request, message(result), url)

    context = {
        "system": system,
        "form": form,
        "heading": heading,
        "action": request.path,
        "cancel_url": cancel_url,
        "submit_label": submit_label,
        **extra,
    }
    return form_sent(
        request, form, save=save, done=done, again=lambda: render(request, FORM_PAGE, context)
    )


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


def page_or_partial(
    request: HttpRequest, template: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    """The page, or the partial htmx targets; a form that came back with errors also clears
    the status region, so the last success message cannot mislead."""
    return render_page_or_partial(request, template, partial, context, clear_status_on_post=True)


def posted_flag(request: HttpRequest, name: str) -> bool:
    """A yes/no a row's button posts (e.g. is_active=true)."""
    return request.POST.get(name, "").lower() in {"1", "true", "yes", "on"}


CONFIRM_PAGE = "console/confirm.html"


def confirm_page(
    request: HttpRequest,
    system: Any,
    *,
    question: str,
    consequences: list[str],
    button: str,
    cancel_url: str,
    list_label: str,
    hidden: list[tuple[str, str]] | None = None,
) -> HttpResponse:
    """The page before an action that cannot be taken back: what will happen, in plain
    words, a warning button posting to this same address (with `hidden`, fields its form
    carries back, e.g. where on the list to return to), and Cancel back to the list."""
    return render(
        request,
        CONFIRM_PAGE,
        {
            "system": system,
            "question": question,
            "consequences": consequences,
            "button": button,
            "action": request.path,
            "cancel_url": cancel_url,
            "list_label": list_label,
            "hidden": hidden or [],
        },
    )
