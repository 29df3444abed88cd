"""Who may use the admin console: the signed-in ICB governance admins of a system.

Every console view is declared with `console_view`, which signs the person in first, accepts
only the given HTTP methods, then finds the system named in the URL and passes it to the view
in place of its slug. Anyone who does not administer that system gets 404, as if it did not
exist; an admin who has not entered their second factor this session is sent to do so."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_http_methods

from partners.access import get_permitted_object_or_404
from partners.models import System
from partners.permissions import ADMINISTER_SYSTEM

ConsoleView = Callable[..., HttpResponseBase]


def administered_system(request: HttpRequest, system_slug: str) -> System:
    """The system in the URL, if this person administers it (404 otherwise), once they have
    entered their second factor (which this permission requires)."""
    return get_permitted_object_or_404(
        request, System.objects.all(), ADMINISTER_SYSTEM, slug=system_slug
    )


def console_view(*methods: str) -> Callable[[ConsoleView], ConsoleView]:
    """Declare a console view answering `methods` (e.g. "GET", "POST"): it is called as
    `view(request, system, **other_url_arguments)`."""

    def decorator(view: ConsoleView) -> ConsoleView:
        @wraps(view)
        def with_system(request: HttpRequest, system_slug: str, **kwargs: Any) -> HttpResponseBase:
            return view(request, administered_system(request, system_slug), **kwargs)

        return login_required(require_http_methods(list(methods))(with_system))

    return decorator
