"""Object permissions follow memberships. This module is the only place that grants or
revokes them: services call `permissions_sync_for_user` whenever a membership changes, and
`manage.py sync_permissions` re-derives every grant from the memberships."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from guardian.models import UserObjectPermission

from partners.models import PLACE_ROLES, Membership, Place, Role, System, User

VIEW_PLACE = "partners.view_place"
LEAD_PLACE = "partners.lead_place"
ADMINISTER_SYSTEM = "partners.administer_system"
READ_RELEASED_SUMMARIES = "partners.read_released_summaries"

MANAGED_PERMISSIONS = (VIEW_PLACE, LEAD_PLACE, ADMINISTER_SYSTEM, READ_RELEASED_SUMMARIES)

Grant = tuple[int, int, str]  # (permission id, content type id, object pk)


def _permission_ids() -> dict[str, int]:
    wanted = {name.split(".", 1)[1] for name in MANAGED_PERMISSIONS}
    rows = Permission.objects.filter(content_type__app_label="partners", codename__in=wanted)
    return {f"partners.{codename}": pk for pk, codename in rows.values_list("pk", "codename")}


def _desired_grants(user: User, permission_ids: dict[str, int]) -> set[Grant]:
    if not user.is_active:
        return set()
    place_ct = ContentType.objects.get_for_model(Place).pk
    system_ct = ContentType.objects.get_for_model(System).pk
    grants: set[Grant] = set()
    memberships = Membership.objects.current().filter(user=user).values_list(
        "role", "place_id", "system_id"
    )
    admin_system_ids = []
    for role, place_id, system_id in memberships:
        if role in PLACE_ROLES:
            grants.add((permission_ids[VIEW_PLACE], place_ct, str(place_id)))
            if role == Role.PLACE_LEAD:
                grants.add((permission_ids[LEAD_PLACE], place_ct, str(place_id)))
        elif role == Role.ICB_ADMIN:
            grants.add((permission_ids[ADMINISTER_SYSTEM], system_ct, str(system_id)))
            admin_system_ids.append(system_id)
        elif role == Role.ADVISORY_MEMBER:
            grants.add((permission_ids[READ_RELEASED_SUMMARIES], system_ct, str(system_id)))
    # An ICB governance admin sees every place of their system.
    for place_id in Place.objects.filter(system_id__in=admin_system_ids).values_list("pk", flat=True):
        grants.add((permission_ids[VIEW_PLACE], place_ct, str(place_id)))
    return grants


@transaction.atomic
def permissions_sync_for_user(*, user: User) -> tuple[int, int]:
    """Make the user's object permissions exactly those their current memberships give.
    Returns (granted, revoked)."""
    permission_ids = _permission_ids()
    desired = _desired_grants(user, permission_ids)
    existing_rows = UserObjectPermission.objects.filter(
        user=user, permission_id__in=permission_ids.values()
    ).values_list("pk", "permission_id", "content_type_id", "object_pk")
    existing = {(perm, ct, pk): row_id for row_id, perm, ct, pk in existing_rows}
    to_revoke = [row_id for grant, row_id in existing.items() if grant not in desired]
    to_grant = [grant for grant in desired if grant not in existing]
    if to_revoke:
        UserObjectPermission.objects.filter(pk__in=to_revoke).delete()
    UserObjectPermission.objects.bulk_create(
        [
            UserObjectPermission(
                user=user, permission_id=perm, content_type_id=ct, object_pk=object_pk
            )
            for perm, ct, object_pk in to_grant
        ]
    )
    return len(to_grant), len(to_revoke)


def permissions_sync_for_users(*, users: Iterable[User]) -> tuple[int, int]:
    granted = revoked = 0
    for user in users:
        g, r = permissions_sync_for_user(user=user)
        granted += g
        revoked += r
    return granted, revoked


def permissions_sync_for_system_admins(*, system: System) -> None:
    """After a place is added, its system's ICB admins must be able to see it."""
    admins = User.objects.filter(
        memberships__system=system,
        memberships__role=Role.ICB_ADMIN,
        memberships__ended_at__isnull=True,
    ).distinct()
    permissions_sync_for_users(users=admins)
