"""Object permissions follow memberships. This module is the only place that grants or
revokes them: services call `permissions_sync_for_user` whenever a membership changes, and
`manage.py sync_permissions` re-derives every grant from the memberships."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from guardian.models import UserObjectPermission

from partners.models import AUDIENCE_ROLES, PLACE_ROLES, Membership, Place, Role, System, User

VIEW_PLACE = "partners.view_place"
LEAD_PLACE = "partners.lead_place"
ADMINISTER_SYSTEM = "partners.administer_system"
READ_RELEASED_SUMMARIES = "partners.read_released_summaries"

MANAGED_PERMISSIONS = (VIEW_PLACE, LEAD_PLACE, ADMINISTER_SYSTEM, READ_RELEASED_SUMMARIES)

# The members of a summary's audiences read released summaries; which parts each may read
# follows from the round's audiences (governance.consultation.selectors).
READER_ROLES = frozenset(AUDIENCE_ROLES.values())

Grant = tuple[int, int, str]  # (permission id, content type id, object pk)


def _permission_ids() -> dict[str, int]:
    wanted = {name.split(".", 1)[1] for name in MANAGED_PERMISSIONS}
    rows = Permission.objects.filter(content_type__app_label="partners", codename__in=wanted)
    return {f"partners.{codename}": pk for pk, codename in rows.values_list("pk", "codename")}


def _leads_now() -> Exists:
    """Whether a membership makes its holder a lead of its place now: the one rule,
    `Membership.objects.place_leads`, asked of each row."""
    return Exists(Membership.objects.place_leads().filter(pk=OuterRef("pk")))


def _desired_grants(user: User, permission_ids: dict[str, int]) -> set[Grant]:
    if not user.is_active:
        return set()
    place_ct = ContentType.objects.get_for_model(Place).pk
    system_ct = ContentType.objects.get_for_model(System).pk
    grants: set[Grant] = set()
    memberships = (
        Membership.objects.current()
        .filter(user=user)
        .annotate(leads_now=_leads_now())
        .values_list("role", "place_id", "system_id", "leads_now")
    )
    admin_system_ids = []
    for role, place_id, system_id, leads_now in memberships:
        if role in PLACE_ROLES:
            grants.add((permission_ids[VIEW_PLACE], place_ct, str(place_id)))
            if leads_now:
                grants.add((permission_ids[LEAD_PLACE], place_ct, str(place_id)))
        elif role == Role.ICB_ADMIN:
            grants.add((permission_ids[ADMINISTER_SYSTEM], system_ct, str(system_id)))
            admin_system_ids.append(system_id)
        elif role in READER_ROLES:
            grants.add((permission_ids[READ_RELEASED_SUMMARIES], system_ct, str(system_id)))
    # An ICB governance admin sees every place of their system.
    for place_id in Place.objects.filter(system_id__in=admin_system_ids).values_list(
        "pk", flat=True
    ):
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
    catalogue_access_sync_for_user(user=user)
    return len(to_grant), len(to_revoke)


# The governance catalogue (frameworks, options, principles, combinations, suggested ratings,
# delivery models) is shared by every system, so no one system's admin may change it: ICB
# governance admins read it in the Django admin; the members of one national group, named
# below and given its members by a superuser, edit it for everyone, as superusers may.
CATALOGUE_MODELS = (
    "optionframework",
    "principle",
    "governanceoption",
    "allowedcombination",
    "suggestedrating",
    "deliverymodel",
)
CATALOGUE_READER_PERMISSIONS = tuple(f"governance.view_{model}" for model in CATALOGUE_MODELS)
CATALOGUE_EDITOR_PERMISSIONS = tuple(
    f"governance.{action}_{model}"
    for model in CATALOGUE_MODELS
    for action in ("view", "add", "change")
)
CATALOGUE_EDITORS_GROUP = "National catalogue editors"


def _catalogue_permissions(names: Iterable[str]) -> QuerySet[Permission]:
    return Permission.objects.filter(
        content_type__app_label="governance", codename__in=[n.split(".", 1)[1] for n in names]
    )


def catalogue_editors_group() -> Group:
    """The national group whose members edit the shared catalogue, with exactly its
    permissions; made when the database is migrated (partners.apps)."""
    group, _ = Group.objects.get_or_create(name=CATALOGUE_EDITORS_GROUP)
    group.permissions.set(_catalogue_permissions(CATALOGUE_EDITOR_PERMISSIONS))
    return group


def may_edit_catalogue(user: User) -> bool:
    """A superuser, or a member of the national catalogue editors."""
    return user.is_active and (
        user.is_superuser or user.groups.filter(name=CATALOGUE_EDITORS_GROUP).exists()
    )


@transaction.atomic
def catalogue_access_sync_for_user(*, user: User) -> bool:
    """Give current ICB governance admins staff access and read-only permissions on the
    catalogue; take them away when they stop being one. Editing comes only from the national
    group (or being a superuser), never from a role in one system, so any permission to change
    the catalogue a person holds on their own is removed. Returns whether the person reads the
    catalogue in the Django admin."""
    is_admin = (
        user.is_active
        and Membership.objects.current().filter(user=user, role=Role.ICB_ADMIN).exists()
    )
    user.user_permissions.remove(*_catalogue_permissions(CATALOGUE_EDITOR_PERMISSIONS))
    if is_admin:
        user.user_permissions.add(*_catalogue_permissions(CATALOGUE_READER_PERMISSIONS))
    staff = is_admin or may_edit_catalogue(user)
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    return is_admin


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


# Bulk: every user at once -------------------------------------------------------------------


def _desired_grants_all(permission_ids: dict[str, int]) -> set[tuple[int, int, int, str]]:
    """Every (user, permission, content type, object pk) grant that current memberships give,
    derived with a handful of set-based queries; the same rules as `_desired_grants`."""
    place_ct = ContentType.objects.get_for_model(Place).pk
    system_ct = ContentType.objects.get_for_model(System).pk
    current = Membership.objects.current().filter(user__is_active=True)
    grants: set[tuple[int, int, int, str]] = set()
    place_rows = (
        current.filter(role__in=[role.value for role in PLACE_ROLES])
        .annotate(leads_now=_leads_now())
        .values_list("user_id", "place_id", "leads_now")
        .distinct()
    )
    for user_id, place_id, leads_now in place_rows.iterator(chunk_size=5000):
        grants.add((user_id, permission_ids[VIEW_PLACE], place_ct, str(place_id)))
        if leads_now:
            grants.add((user_id, permission_ids[LEAD_PLACE], place_ct, str(place_id)))
    system_rows = (
        current.filter(role__in=[Role.ICB_ADMIN, *READER_ROLES])
        .values_list("user_id", "system_id", "role")
        .distinct()
    )
    for user_id, system_id, role in system_rows.iterator(chunk_size=5000):
        permission = ADMINISTER_SYSTEM if role == Role.ICB_ADMIN else READ_RELEASED_SUMMARIES
        grants.add((user_id, permission_ids[permission], system_ct, str(system_id)))
    # An ICB governance admin sees every place of their system (active or not, as above).
    admin_places = (
        Place.objects.filter(
            system__memberships__role=Role.ICB_ADMIN,
            system__memberships__ended_at__isnull=True,
            system__memberships__user__is_active=True,
        )
        .values_list("system__memberships__user_id", "pk")
        .distinct()
    )
    for user_id, place_id in admin_places.iterator(chunk_size=5000):
        grants.add((user_id, permission_ids[VIEW_PLACE], place_ct, str(place_id)))
    return grants


@transaction.atomic
def permissions_sync_all_bulk(*, batch_size: int = 5000) -> tuple[int, int]:
    """Make every user's managed object permissions exactly those their current memberships
    give, for all users at once: set-based reads, one bulk delete, batched bulk inserts. For
    loading large data sets (`manage.py generate_national`); day-to-day changes go through
    `permissions_sync_for_user`. Returns (granted, revoked)."""
    permission_ids = _permission_ids()
    desired = _desired_grants_all(permission_ids)
    existing_rows = UserObjectPermission.objects.filter(
        permission_id__in=permission_ids.values()
    ).values_list("pk", "user_id", "permission_id", "content_type_id", "object_pk")
    existing: dict[tuple[int, int, int, str], int] = {
        (user_id, perm, ct, object_pk): row_id
        for row_id, user_id, perm, ct, object_pk in existing_rows.iterator(chunk_size=5000)
    }
    to_revoke = [row_id for grant, row_id in existing.items() if grant not in desired]
    to_grant = sorted(grant for grant in desired if grant not in existing)
    for start in range(0, len(to_revoke), batch_size):
        UserObjectPermission.objects.filter(pk__in=to_revoke[start : start + batch_size]).delete()
    UserObjectPermission.objects.bulk_create(
        (
            UserObjectPermission(
                user_id=user_id, permission_id=perm, content_type_id=ct, object_pk=object_pk
            )
            for user_id, perm, ct, object_pk in to_grant
        ),
        batch_size=batch_size,
    )
    return len(to_grant), len(to_revoke)
