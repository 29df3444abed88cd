"""Limits on guessing: sign-in (django-axes), password reset requests, and how long to wait.

Every limit on an e-mail address is keyed on the address as the User model stores it, so
"Member@x.nhs.uk " and "member@x.nhs.uk" are one account and share one count: the sign-in
form, the authentication backend and the reset form all find the person case-insensitively,
so a count kept per spelling would hand an attacker fresh guesses for each spelling.

Two-factor codes are limited per account in partners.two_factor, on the devices' own rows."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from axes.helpers import get_client_ip_address, get_cool_off
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac

from partners.models import User

log = logging.getLogger(__name__)

SIGN_IN_LOCKED_TEMPLATE = "registration/locked_out.html"


def normalised_email(value: object) -> str:
    """The address as the User model stores it (UserManager._create_user, User.clean): spaces
    trimmed, then lower case. Not an address at all (None, a list) gives ""."""
    if not isinstance(value, str):
        return ""
    return User.objects.normalize_email(value.strip()).lower()


def wait_text(seconds: float) -> str:
    """'4 seconds', '15 minutes', '2 hours': always rounded up, so waiting that long is
    enough."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 60:
        amount, unit = seconds, "second"
    elif seconds <= 90 * 60:
        amount, unit = math.ceil(seconds / 60), "minute"
    else:
        amount, unit = math.ceil(seconds / 3600), "hour"
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


# Sign-in: django-axes --------------------------------------------------------------------------


def axes_username(request: HttpRequest, credentials: Mapping[str, Any] | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: the account a sign-in attempt is for. Axes counts failures and
    finds lockouts by this value, so it is the normalised address, not the text as typed."""
    field = settings.AXES_USERNAME_FORM_FIELD
    typed = credentials.get(field) if credentials else getattr(request, "POST", {}).get(field)
    # None stays None (no username posted), as axes would see it without this callable.
    return normalised_email(typed) if isinstance(typed, str) else None


def sign_in_locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the lockout page, saying how long to wait. Axes starts the
    cool-off again at every attempt made while locked out (its default), so from this
    attempt the wait is the whole cool-off."""
    cool_off = get_cool_off(request) or timedelta(0)
    context = {"wait": wait_text(cool_off.total_seconds())}
    return render(
        request,
        SIGN_IN_LOCKED_TEMPLATE,
        context,
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )


# Password reset requests ---------------------------------------------------------------------


def _hit(scope: str, value: str, *, limit: int, window: int) -> float:
    """Counts one request against `value` in its window: `window` seconds from the first
    request counted. Returns the seconds until that window ends if this request goes over
    `limit`, else 0.

    The count's key names its window's start, so a new window never inherits an old count,
    and the cache calls are add/get/incr, each atomic in Django's cache backends: requests
    side by side are each counted. Keys are an HMAC of the address: the cache holds none."""
    now = time.time()
    digest = salted_hmac("partners.throttling", f"{scope}:{value}").hexdigest()
    key = f"throttle:{scope}:{digest}"
    try:
        started = float(cache.get_or_set(key, now, timeout=window) or now)
        ends_in = started + window - now
        count_key = f"{key}:{started}"
        cache.add(count_key, 0, timeout=max(1, math.ceil(ends_in)))
        count = cache.incr(count_key)
    except ValueError:
        # The window ended between add and incr: this request belongs to the next one.
        return 0
    except Exception:  # a cache that is down must not stop people resetting a password
        log.exception("Throttle cache unavailable; %s not counted", scope)
        return 0
    return max(1.0, ends_in) if count > limit else 0


def password_reset_wait(*, request: HttpRequest, email: str) -> float:
    """Counts a request for a reset link; returns how many seconds the requester must wait,
    or 0 to send it. Counted per normalised address and per client address, whether or not
    an account has the address, so being throttled tells nobody whether one does."""
    window = settings.PASSWORD_RESET_THROTTLE_WINDOW_MINUTES * 60
    ip_address = get_client_ip_address(request) or "unknown"
    by_ip = _hit("reset-ip", ip_address, limit=settings.PASSWORD_RESET_LIMIT_PER_IP, window=window)
    if by_ip:
        return by_ip
    return _hit(
        "reset-email",
        normalised_email(email),
        limit=settings.PASSWORD_RESET_LIMIT_PER_EMAIL,
        window=window,
    )
