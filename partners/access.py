"""Object-permission checks for views. One guardian checker per request caches what it has
read, so checking several permissions on one object costs one round of queries, not one per
check."""

from __future__ import annotations

from django.db import models
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from guardian.core import ObjectPermissionChecker

from partners.models import Place
from partners.permissions import ADMINISTER_SYSTEM, VIEW_PLACE
from partners.two_factor import require_verified_admin


class PersonPermissionChecker(ObjectPermissionChecker):
    """Guardian's checker without its second query: this product grants object permissions
    to people only (`partners.permissions` derives each from a membership), never to groups,
    so asking for a group's object permissions would only ever find none."""

    def get_group_perms(self, obj: models.Model) -> list[str]:  # type: ignore[override]
        return []


def permission_checker(request: HttpRequest) -> ObjectPermissionChecker:
    checker = getattr(request, "_object_permission_checker", None)
    if checker is None:
        checker = PersonPermissionChecker(request.user)  # type: ignore[arg-type]
        request._object_permission_checker = checker  # type: ignore[attr-defined]
    return checker


def has_object_permission(request: HttpRequest, permission: str, obj: models.Model) -> bool:
    if not request.user.is_authenticated or not request.user.is_active:
        return False
    granted = permission_checker(request).has_perm(permission, obj)
    if granted and permission == ADMINISTER_SYSTEM:
        # Administering a system needs a session that has passed the second factor.
        require_verified_admin(request)
    return granted


def require_object_permission(request: HttpRequest, permission: str, obj: models.Model) -> None:
    """404 rather than 403: a record you may not see does not exist as far as you know."""
    if not has_object_permission(request, permission, obj):
        raise Http404("Not found.")


def get_place_for(request: HttpRequest, place_pk: int, permission: str = VIEW_PLACE) -> Place:
    """The place, if the person may see it. Otherwise 404: a place you do not belong to does
    not exist as far as you are concerned."""
    place = get_object_or_404(Place.objects.select_related("system"), pk=place_pk, is_active=True)
    require_object_permission(request, permission, place)
    return place
