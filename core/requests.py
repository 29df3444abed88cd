"""The signed-in person behind a request, typed as the project's user model.

Views behind `login_required` call `signed_in_user(request)` instead of casting
`request.user` themselves. The user model is named for type checking only, so the platform
layer still imports no domain app at run time (import-linter ignores TYPE_CHECKING imports)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

if TYPE_CHECKING:
    from partners.models import User


class SignedInRequest(HttpRequest):
    """A request that `login_required` has let through."""

    user: User


def signed_in_user(request: HttpRequest) -> User:
    """The person signed in; refuses (403) an anonymous request that reached a view that
    needs someone."""
    if not request.user.is_authenticated:
        raise PermissionDenied("Sign in to continue.")
    return cast("User", request.user)


def user_or_none(request: HttpRequest) -> User | None:
    """The person signed in, or None (the Django admin's audit and public pages)."""
    return cast("User", request.user) if request.user.is_authenticated else None
