"""One way to answer a request that htmx may have sent.

A page is one template; each region htmx swaps is a named partial of it
(django-template-partials), named after the element it replaces. Views answer with:

- `render_page_or_partial`: the whole page, or for htmx just the partial it targets;
- `reply_with_partial`: after a change made over htmx, the partial plus out-of-band updates
  (other partials, and the polite status region that tells screen reader users what happened);
- `change_done` / `change_refused`: the end of a change: the htmx reply, or for a plain form
  post a message and a redirect (post/redirect/get);
- `client_redirect`: send the browser to another page, whether or not htmx asked.

`Vary: HX-Request` is set on every response by `VaryOnHtmxMiddleware`, so a cache never
serves a partial for a page or a page for a partial; views do not set it themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect

STATUS_TEMPLATE = "core/status.html"

OutOfBand = Iterable[tuple[str, dict[str, Any]]]


def wants_partial(request: HttpRequest) -> bool:
    """An HTMX request wants only its partial, except when htmx restores history (then it
    needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def htmx_target(request: HttpRequest) -> str | None:
    """The id of the element an HTMX request will swap, if any."""
    htmx = getattr(request, "htmx", None)
    return htmx.target if htmx else None


def status_region(message: str, request: HttpRequest | None = None) -> str:
    """The polite status region, marked to be swapped out of band."""
    return render_to_string(STATUS_TEMPLATE, {"status_message": message, "oob": True}, request)


def _with_out_of_band(html: str, extras: list[str]) -> str:
    # Wrapped in <template> so they survive beside a table row or list item.
    return html + "<template>" + "".join(extras) + "</template>" if extras else html


def render_page_or_partial(
    request: HttpRequest,
    template: str,
    partial: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    clear_status_on_post: bool = False,
) -> HttpResponse:
    """The full page, or for HTMX just the named partial of the same template.

    With `clear_status_on_post`, a form that came back over htmx with errors also empties the
    status region, so the last success message cannot mislead."""
    partial_wanted = wants_partial(request)
    name = f"{template}#{partial}" if partial_wanted else template
    response = render(request, name, context, status=status)
    if partial_wanted and clear_status_on_post and request.method == "POST":
        response.content = _with_out_of_band(
            response.content.decode(), [status_region("", request)]
        ).encode()
    return response


def reply_with_partial(
    request: HttpRequest,
    template: str,
    partial: str,
    context: dict[str, Any],
    *,
    status_message: str = "",
    out_of_band: OutOfBand = (),
) -> HttpResponse:
    """The partial for the HTMX target, plus out-of-band partials (rendered with `oob`) and
    the status message."""
    html = render_to_string(f"{template}#{partial}", context, request)
    extras: list[str] = [
        render_to_string(name, {**ctx, "oob": True}, request) for name, ctx in out_of_band
    ]
    if status_message:
        extras.append(status_region(status_message, request))
    return HttpResponse(_with_out_of_band(html, extras))


def client_redirect(request: HttpRequest, to: str) -> HttpResponse:
    """Go to `to`: htmx follows `HX-Redirect` with a whole-page load; a plain request gets a
    303-style redirect."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(to)
    return redirect(to)


def change_done(
    request: HttpRequest,
    message: str,
    redirect_to: str,
    reply: Callable[[], HttpResponse] | None = None,
) -> HttpResponse:
    """After a successful change. With `reply`, htmx gets the updated partial in place;
    without, htmx is sent to `redirect_to` like a plain request, the message shown there."""
    if reply is not None and wants_partial(request):
        return reply()
    messages.success(request, message)
    return client_redirect(request, redirect_to)


def change_refused(
    request: HttpRequest,
    error: ValidationError,
    redirect_to: str,
    reply: Callable[[], HttpResponse] | None = None,
) -> HttpResponse:
    """A service refused an action that has no form: say why in place (with `reply`), or
    on the page at `redirect_to`."""
    if reply is not None and wants_partial(request):
        return reply()
    for text in error.messages:
        messages.error(request, text)
    return client_redirect(request, redirect_to)


class VaryOnHtmxMiddleware:
    """Every response varies on HX-Request: the same URL answers with a page or a partial."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_vary_headers(response, ("HX-Request",))
        return response
