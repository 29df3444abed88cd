from collections.abc import Callable
from functools import cache

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from partners.two_factor import TwoFactorRequired, session_needs_second_factor

# Scripts and styles come only from our own static files: no inline script, no CDN.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The Django admin ships inline scripts of its own; keep the strict policy elsewhere.
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


@cache
def _open_before_second_factor() -> tuple[str, ...]:
    """Pages a signed-in person reaches before the second factor: the two-factor pages
    themselves, signing out, and the accessibility statement."""
    return (
        reverse("two_factor_verify"),
        reverse("logout"),
        reverse("accessibility"),
    )


def _to_second_factor(request: HttpRequest) -> HttpResponse:
    back_to = request.get_full_path() if request.method == "GET" else request.path
    if getattr(request, "htmx", False):
        back_to = request.htmx.current_url_abs_path or back_to  # type: ignore[attr-defined]
    url = f"{reverse('two_factor_verify')}?{urlencode({'next': back_to})}"
    if getattr(request, "htmx", False):
        # A swap of the sign-in form into part of a page would be useless: load it whole.
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


class TwoFactorMiddleware:
    """Keeps a session that must pass the second factor (partners.two_factor) on the
    two-factor pages until it has, and sends an administrator whose session has not passed
    it there the moment they use an administrator page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if session_needs_second_factor(request) and not request.path.startswith(
            _open_before_second_factor()
        ):
            return _to_second_factor(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, TwoFactorRequired):
            return _to_second_factor(request)
        return None
