"""Object-permission checks for views. One guardian checker per request caches what it has
read, so checking several permissions on one object costs one round of queries, not one per
check."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import CharField, Exists, OuterRef, QuerySet
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from guardian.core import ObjectPermissionChecker
from guardian.models import UserObjectPermission

from partners.models import Place
from partners.permissions import ADMINISTER_SYSTEM, PERMISSIONS_BY_MODEL, VIEW_PLACE
from partners.two_factor import require_verified_admin

M = TypeVar("M", bound=models.Model)


class PersonPermissionChecker(ObjectPermissionChecker):
    """Guardian's checker without its second query: this product grants object permissions
    to people only (`partners.permissions` derives each from a membership), never to groups,
    so asking for a group's object permissions would only ever find none."""

    def get_group_perms(self, obj: models.Model) -> list[str]:  # type: ignore[override]
        return []

    def remember(self, obj: models.Model, codenames: list[str]) -> None:
        """Record every permission the person holds on `obj`, read with it by the caller,
        so that later checks on it ask nothing more of the database."""
        self._obj_perms_cache[self.get_local_cache_key(obj)] = codenames


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


def get_permitted_object_or_404(
    request: HttpRequest, queryset: QuerySet[M], permission: str, **lookup: Any
) -> M:
    """The object `lookup` finds, if the person holds `permission` on it; 404 otherwise, as
    `require_object_permission` answers. One query for both, and for every other permission
    the person may hold on the object: the grants are read in the same query as the object
    and kept in the request's checker, so the page's later checks on it cost nothing."""
    user = request.user
    if not user.is_authenticated or not user.is_active:
        raise Http404("Not found.")
    if user.is_superuser:
        found = get_object_or_404(queryset, **lookup)
    else:
        names = PERMISSIONS_BY_MODEL[queryset.model]  # type: ignore[index]
        content_type = ContentType.objects.get_for_model(queryset.model)  # cached per process
        grants = {
            f"granted_{name.split('.', 1)[1]}": Exists(
                UserObjectPermission.objects.filter(
                    user_id=user.pk,
                    content_type=content_type,
                    permission__content_type=content_type,
                    permission__codename=name.split(".", 1)[1],
                    object_pk=Cast(OuterRef("pk"), output_field=CharField()),
                )
            )
            for name in names
        }
        found = get_object_or_404(
            queryset.annotate(**grants).filter(**{f"granted_{permission.split('.', 1)[1]}": True}),
            **lookup,
        )
        granted = [key.removeprefix("granted_") for key in grants if getattr(found, key)]
        checker = permission_checker(request)
        assert isinstance(checker, PersonPermissionChecker)
        checker.remember(found, granted)
    if permission == ADMINISTER_SYSTEM:
        # Administering a system needs a session that has passed the second factor.
        require_verified_admin(request)
    return found


def get_place_for(request: HttpRequest, place_pk: int, permission: str = VIEW_PLACE) -> Place:
    """The place, if the person may see it. Otherwise 404: a place you do not belong to does
    not exist as far as you are concerned."""
    return get_permitted_object_or_404(
        request, Place.objects.select_related("system"), permission, pk=place_pk, is_active=True
    )
