"""Two-factor sign-in: a time-based code from an authenticator app (django-otp TOTP), with
single-use backup codes for a lost phone.

Who must use it: superusers and anyone who administers a system (an ICB governance admin).
Anyone else may turn it on, and once on it is asked for at every sign-in. The requirement is
decided when a person signs in and kept in their session, so pages cost no extra query; a
person made an ICB admin mid-session meets it the first time they use the console, because
every administrator check goes through `require_verified_admin`."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.requests import signed_in_user
from partners.audit import audit
from partners.models import Membership, Role, System, User
from partners.throttling import wait_text

# Kept in the session at sign-in: whether this session must pass the second factor.
REQUIRED_SESSION_KEY = "two_factor_required"
BACKUP_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


class TwoFactorRequired(Exception):
    """Raised by an administrator check in a session that has not passed the second factor;
    partners.middleware turns it into a redirect to the two-factor page."""


def _audit_own_sign_in(user: User, action: str, summary: str) -> None:
    """A person's change to their own sign-in: they are both who acted and what changed."""
    audit(user, action, user, summary)


def two_factor_required(*, user: User) -> bool:
    """Superusers and ICB governance admins must use two-factor sign-in."""
    if user.is_superuser:
        return True
    return Membership.objects.current().filter(user=user, role=Role.ICB_ADMIN).exists()


def two_factor_enabled(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def session_verified(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and getattr(user, "is_verified", lambda: False)())


def session_needs_second_factor(request: HttpRequest) -> bool:
    # The session flag first: it is set only for a signed-in person, and reading it costs
    # nothing without a session cookie, so anonymous requests never load a user.
    return bool(request.session.get(REQUIRED_SESSION_KEY)) and not session_verified(request)


def require_verified_admin(request: HttpRequest) -> None:
    """Called once an administrator permission has been granted to this request's user."""
    if not session_verified(request):
        request.session[REQUIRED_SESSION_KEY] = True
        raise TwoFactorRequired


@receiver(user_logged_in)
def _decide_at_sign_in(
    sender: object, request: HttpRequest | None, user: User, **kwargs: object
) -> None:
    if request is None or not hasattr(request, "session"):
        return
    request.session[REQUIRED_SESSION_KEY] = two_factor_required(user=user) or two_factor_enabled(
        user=user
    )


def _new_backup_codes(*, user: User) -> list[str]:
    """Replaces the person's backup codes; returns the new ones (shown once, stored only as
    django-otp stores them)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [secrets.token_hex(4) for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def totp_device_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator-app device being set up: the same one on every visit
    until it is confirmed, so reloading the page keeps the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice(user=user, name=APP_DEVICE_NAME, confirmed=False)
        device.full_clean()
        device.save()
    return device


@transaction.atomic
def totp_device_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> list[str]:
    """Confirms the app with a code it shows, replaces any earlier app, signs this session in
    with the second factor and returns new backup codes."""
    user = signed_in_user(request)
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(_clean(token)):
        raise ValidationError({"token": NO_MATCH})
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_backup_codes(user=user)
    _sign_in_with(request, device)
    _audit_own_sign_in(
        user, "two_factor.enable", f"{user} set up two-factor sign-in with an authenticator app"
    )
    return codes


NO_MATCH = "That code did not match. Enter the 6-digit code your app shows now."


def _wait_message(seconds: float) -> str:
    return (
        f"Too many wrong codes. Wait {wait_text(seconds)}, then enter the code your app shows now."
    )


def _device_wait(why: dict[str, Any] | None) -> float:
    """Each wrong code doubles the wait before the next try on that device (django-otp's
    throttling)."""
    locked_until = (why or {}).get("locked_until")
    return (locked_until - timezone.now()).total_seconds() if locked_until else 1


def _account_wait(user: User) -> float:
    """Seconds before this person may enter another code, once their wrong codes since
    their last right one reach TWO_FACTOR_FAILURE_LIMIT: then code entry pauses for
    TWO_FACTOR_LOCKOUT_MINUTES after the latest, and each wrong code after the pause starts
    a new one. Counted from the devices' own rows (django-otp's failure count and time), so
    every session of the account, on any server process, sees the same count; summed over
    the app and the backup codes, so switching between them gives no extra guesses."""
    failures = 0
    latest = None
    for device in devices_for_user(user, confirmed=True):
        failures += getattr(device, "throttling_failure_count", 0) or 0
        failed_at = getattr(device, "throttling_failure_timestamp", None)
        if failed_at is not None and (latest is None or failed_at > latest):
            latest = failed_at
    if latest is None or failures < settings.TWO_FACTOR_FAILURE_LIMIT:
        return 0
    paused_until = latest + timedelta(minutes=settings.TWO_FACTOR_LOCKOUT_MINUTES)
    return max(0.0, (paused_until - timezone.now()).total_seconds())


def _clean(token: str) -> str:
    return "".join(token.split()).replace("-", "").lower()


def _sign_in_with(request: HttpRequest, device: Device) -> None:
    otp_login(request, device)
    # A new session key once the session has more rights, so a key seen before the second
    # factor is worth nothing after it.
    request.session.cycle_key()
    request.session[REQUIRED_SESSION_KEY] = True


def _check_code(user: User, token: str) -> tuple[Device | None, str]:
    """The device the code is right for, or None and why not. Call in a transaction."""
    # One person's code checks take turns (a lock on their row), so sessions side by side
    # cannot each slip a guess past the account's count.
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    if wait := _account_wait(user):
        return None, _wait_message(wait)
    # A six-digit code is from the app; anything else can only be a backup code. Trying a
    # backup code on the app would count as a wrong code and slow the next try down.
    kind = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    for device in devices_for_user(user, confirmed=True):
        if not isinstance(device, kind):
            continue
        allowed, why = device.verify_is_allowed()
        if not allowed:
            return None, _wait_message(_device_wait(why))
        if device.verify_token(token):
            return device, ""
    # Say so on the wrong code that reaches the limit, not only at the next try.
    wait = _account_wait(user)
    return None, _wait_message(wait) if wait else NO_MATCH


def second_factor_verify(*, request: HttpRequest, token: str) -> Device:
    """Checks a code from the app or a backup code against the person's confirmed devices
    (django-otp throttles each device after failures; _account_wait limits the account) and
    marks the session verified."""
    user = signed_in_user(request)
    with transaction.atomic():
        device, refusal = _check_code(user, _clean(token))
        if device is not None:
            _sign_in_with(request, device)
            # A right code forgives the wrong ones on every device, not only this one.
            for other in devices_for_user(user, confirmed=True):
                if getattr(other, "throttling_failure_count", 0):
                    other.throttle_reset()
            if isinstance(device, StaticDevice):
                _audit_own_sign_in(
                    user,
                    "two_factor.backup_code_used",
                    f"{user} signed in with a backup code ({device.token_set.count()} left)",
                )
            return device
    # Raised after the transaction, so the wrong code's count (django-otp's failure count
    # on the device) is kept.
    raise ValidationError({"token": refusal})


@transaction.atomic
def backup_codes_replace(*, request: HttpRequest) -> list[str]:
    user = signed_in_user(request)
    if not session_verified(request):
        raise ValidationError("Sign in with your second factor before making new backup codes.")
    codes = _new_backup_codes(user=user)
    # The device in the session may be the backup device whose tokens were just replaced;
    # it stays the same device, so the session stays verified.
    _audit_own_sign_in(user, "two_factor.backup_codes", f"{user} made new backup codes")
    return codes


def backup_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=BACKUP_DEVICE_NAME).count()


@transaction.atomic
def two_factor_disable(*, request: HttpRequest) -> None:
    user = signed_in_user(request)
    if two_factor_required(user=user):
        raise ValidationError(
            "ICB governance admins and superusers must use two-factor sign-in, so it cannot "
            "be turned off."
        )
    if not session_verified(request):
        raise ValidationError("Sign in with your second factor before turning it off.")
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session[REQUIRED_SESSION_KEY] = False
    _audit_own_sign_in(user, "two_factor.disable", f"{user} turned off two-factor sign-in")


@transaction.atomic
def two_factor_reset(*, actor: User, system: System, user: User) -> None:
    """For a person of the system who has lost their phone and backup codes: an ICB admin
    removes their app, and they set up a new one at their next sign-in. Another admin's or a
    superuser's second factor guards the whole system, so only a superuser resets those (in
    the Django admin, under OTP devices)."""
    from partners.services.people import account_change_check

    if actor.pk == user.pk:
        raise ValidationError("Change your own two-factor sign-in on your account security page.")
    # An account that also belongs to another system is not this system's to change.
    account_change_check(actor=actor, system=system, user=user)
    if not actor.is_superuser and two_factor_required(user=user):
        raise ValidationError(
            f"{user} is an ICB governance admin or a superuser: ask a superuser to reset their "
            "two-factor sign-in."
        )
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    if not removed:
        raise ValidationError(f"{user} does not use two-factor sign-in.")
    audit(
        actor,
        "two_factor.reset",
        user,
        f"{actor} reset the two-factor sign-in of {user}",
        system=system,
    )
