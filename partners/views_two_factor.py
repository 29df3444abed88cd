"""Two-factor sign-in pages: the code asked for after the password, setting up an
authenticator app, backup codes, and the person's account security page. The rules live in
partners.two_factor."""

from __future__ import annotations

from base64 import b32encode
from collections.abc import Callable

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import add_service_errors
from core.requests import signed_in_user
from partners import two_factor
from partners.forms import SecurityCodeForm

VERIFY = "registration/two_factor.html"
SET_UP = "registration/two_factor_setup.html"
BACKUP_CODES = "registration/two_factor_backup_codes.html"
ACCOUNT = "registration/account_security.html"
FRESH_CODES_SESSION_KEY = "two_factor_fresh_backup_codes"
APP_HINT = "The 6-digit code your authenticator app shows now."


def code_form_page(view: Callable[[HttpRequest], HttpResponse]) -> Callable[..., HttpResponse]:
    """A page where someone signed in enters a security code: shown and posted to, never
    cached (it can hold a set-up secret)."""
    return never_cache(login_required(require_http_methods(["GET", "POST"])(view)))


def _next(request: HttpRequest) -> str:
    """Where to go once verified: a local address only."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


@code_form_page
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    next_url = _next(request)
    user = signed_in_user(request)
    if two_factor.session_verified(request):
        return redirect(next_url)
    if not two_factor.two_factor_enabled(user=user):
        return redirect(_with_next("two_factor_setup", next_url))
    hint = f"{APP_HINT} Lost your phone? Enter one of your backup codes instead."
    form = SecurityCodeForm(request.POST or None, hint=hint)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.second_factor_verify(request=request, token=form.cleaned_data["token"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(next_url)
    return render(request, VERIFY, {"form": form, "next": next_url})


@code_form_page
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    next_url = _next(request)
    user = signed_in_user(request)
    if two_factor.two_factor_enabled(user=user) and not two_factor.session_verified(request):
        # Replacing the app needs the current one first.
        return redirect(_with_next("two_factor_verify", next_url))
    device = two_factor.totp_device_start(user=user)
    form = SecurityCodeForm(request.POST or None, hint=APP_HINT)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.totp_device_confirm(
                request=request, device=device, token=form.cleaned_data["token"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[FRESH_CODES_SESSION_KEY] = codes
            return redirect(_with_next("two_factor_backup_codes", next_url))
    key = b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=5, svgclass="app-qr-code", dark="#212b32", light="#ffffff", omitsize=False
    )
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": qr,
        "key_groups": [key[i : i + 4] for i in range(0, len(key), 4)],
        "required": two_factor.two_factor_required(user=user),
        "replacing": two_factor.two_factor_enabled(user=user),
    }
    return render(request, SET_UP, context)


@never_cache
@login_required
@require_GET
def two_factor_backup_codes(request: HttpRequest) -> HttpResponse:
    codes = request.session.pop(FRESH_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("account_security")
    return render(request, BACKUP_CODES, {"codes": codes, "next": _next(request)})


@never_cache
@login_required
@require_GET
def account_security(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    context = {
        "enabled": two_factor.two_factor_enabled(user=user),
        "required": two_factor.two_factor_required(user=user),
        "verified": two_factor.session_verified(request),
        "backup_codes_left": two_factor.backup_codes_left(user=user),
    }
    return render(request, ACCOUNT, context)


@login_required
@require_POST
def backup_codes_new(request: HttpRequest) -> HttpResponse:
    try:
        codes = two_factor.backup_codes_replace(request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("account_security")
    request.session[FRESH_CODES_SESSION_KEY] = codes
    return redirect(_with_next("two_factor_backup_codes", reverse("account_security")))


@login_required
@require_POST
def two_factor_turn_off(request: HttpRequest) -> HttpResponse:
    try:
        two_factor.two_factor_disable(request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Two-factor sign-in is off.")
    return redirect("account_security")
