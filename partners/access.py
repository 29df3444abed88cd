"""Object-permission checks for views. One guardian checker per request caches what it has
read, so checking several permissions on one object costs one round of queries, not one per
check."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.db.models import CharField, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from guardian.core import ObjectPermissionChecker
from guardian.models import UserObjectPermission

from partners.models import Place
from partners.permissions import ADMINISTER_SYSTEM, LEAD_PLACE, VIEW_PLACE
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


# The codenames of the permissions a person holds on the row being read, as one text
# ("lead_place,view_place"). Written as SQL rather than built by the ORM: building a correlated
# subquery cost more than the round trip it saves (an ORM `Exists` per permission made the
# one query slower than reading the object and its grants in two).
GRANTS_SQL = (
    "SELECT {aggregate} FROM {grants} g JOIN {permissions} p ON p.id = g.permission_id"
    " WHERE g.user_id = %s AND g.content_type_id = %s AND g.object_pk = CAST({row} AS {text})"
)
AGGREGATES = {
    "postgresql": "STRING_AGG(p.codename, ',')",
    "sqlite": "GROUP_CONCAT(p.codename, ',')",
}


def _grants(queryset: QuerySet[M], user_pk: int) -> RawSQL:
    meta = queryset.model._meta
    quote = connection.ops.quote_name
    row = f"{quote(meta.db_table)}.{quote(meta.pk.column)}"
    content_type = ContentType.objects.get_for_model(queryset.model)  # cached per process
    sql = GRANTS_SQL.format(
        aggregate=AGGREGATES[connection.vendor],
        grants=quote(UserObjectPermission._meta.db_table),
        permissions=quote(Permission._meta.db_table),
        row=row,
        text="varchar" if connection.vendor == "postgresql" else "text",
    )
    # Names come from the models and the values are parameters: nothing from a request is
    # written into the SQL.
    return RawSQL(sql, (user_pk, content_type.pk), output_field=CharField())  # noqa: S611


def get_permitted_object_or_404(
    request: HttpRequest, queryset: QuerySet[M], permission: str, **lookup: Any
) -> M:
    """The object `lookup` finds, if the person holds `permission` on it; 404 otherwise, as
    `require_object_permission` answers. One query for both, and for every other permission
    the person holds on the object: the grants are read in the same query as the object and
    kept in the request's checker, so the page's later checks on it cost nothing."""
    user = request.user
    if not user.is_authenticated or not user.is_active:
        raise Http404("Not found.")
    if user.is_superuser:
        found = get_object_or_404(queryset, **lookup)
    else:
        found = get_object_or_404(queryset.annotate(held=_grants(queryset, user.pk)), **lookup)
        held = [codename for codename in (found.held or "").split(",") if codename]
        if permission.split(".", 1)[-1] not in held:
            raise Http404("Not found.")
        checker = permission_checker(request)
        assert isinstance(checker, PersonPermissionChecker)
        checker.remember(found, held)
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


PLACE_EDITORS_ONLY = "Only the place's leads and ICB governance admins can change this."


def can_edit_place(request: HttpRequest, place: Place) -> bool:
    """May the person change what a place records (its bodies, how it delivers care, its
    neighbourhoods)? Its leads and the ICB governance admins of its system may."""
    return has_object_permission(request, LEAD_PLACE, place) or has_object_permission(
        request, ADMINISTER_SYSTEM, place.system
    )


def place_editors_only(
    request: HttpRequest, place: Place, back_to: str, refusal: str = PLACE_EDITORS_ONLY
) -> HttpResponse | None:
    """For an edit page: a reader who may not edit is sent back to the page they can read,
    with a message saying why (GET), or refused (POST); None for an editor."""
    if can_edit_place(request, place):
        return None
    if request.method == "POST":
        raise PermissionDenied(refusal)
    messages.info(request, refusal)
    return redirect(back_to)


def posted(request: HttpRequest) -> object:
    """The posted data for a bound form (even when empty), or None for a GET."""
    return request.POST if request.method == "POST" else None
