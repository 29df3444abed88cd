"""Django admin for superusers: raw data. Changes to memberships re-sync object permissions
through the permission service, as every other path does, and every change made here is
audited (partners.admin_audit)."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from guardian.admin import GuardedModelAdmin

from partners.admin_audit import AuditedAdmin, audit_registered_admins
from partners.models import (
    AuditEvent,
    Invitation,
    Membership,
    Neighbourhood,
    Organisation,
    OrganisationAlias,
    Place,
    PlacePartner,
    Site,
    System,
    User,
)
from partners.permissions import permissions_sync_for_system_admins, permissions_sync_for_user


class PermissionsFollowAdmin(AuditedAdmin):
    """A record whose save here can change who may see what: object permissions are
    re-derived after each save, as every service does."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        self.permissions_sync(obj)

    @staticmethod
    def permissions_sync(obj: User | Place | Membership) -> None:
        """A person's permissions follow their own record and memberships; a place's follow
        its system's admins."""
        if isinstance(obj, Place):
            permissions_sync_for_system_admins(system=obj.system)
        else:
            permissions_sync_for_user(user=obj if isinstance(obj, User) else obj.user)


class VersionedRecordAdmin(AuditedAdmin):
    """A record the app's forms edit with a version (core.locking): a save here is a new
    version too, so a form opened before it is refused instead of overwriting it."""

    readonly_fields = ["version"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(User)
class UserAdmin(PermissionsFollowAdmin, BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["full_name", "email"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "job_title")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )


# guardian's mixin types change_form_template differently from django-stubs; both are strings.
@admin.register(System)
class SystemAdmin(AuditedAdmin, GuardedModelAdmin):  # type: ignore[misc]
    list_display = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ["name"]


@admin.register(Place)
class PlaceAdmin(PermissionsFollowAdmin, VersionedRecordAdmin, GuardedModelAdmin):  # type: ignore[misc]
    list_display = ["name", "system", "population", "is_active"]
    list_filter = ["system", "is_active"]
    search_fields = ["name"]


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(AuditedAdmin):
    list_display = ["name", "place"]


class AliasInline(admin.TabularInline):
    model = OrganisationAlias
    extra = 1
    fields = ["alias"]


class SiteInline(admin.TabularInline):
    model = Site
    extra = 1
    fields = ["name"]


@admin.register(Organisation)
class OrganisationAdmin(VersionedRecordAdmin):
    list_display = ["name", "system", "sector", "legal_form", "ods_code", "is_active"]
    list_filter = ["system", "sector", "legal_form", "is_active"]
    search_fields = ["name", "ods_code", "aliases__alias"]
    inlines = [AliasInline, SiteInline]


@admin.register(PlacePartner)
class PlacePartnerAdmin(AuditedAdmin):
    list_display = ["organisation", "place", "joined_on"]
    list_filter = ["place__system"]


@admin.register(Membership)
class MembershipAdmin(PermissionsFollowAdmin):
    list_display = ["user", "role", "place", "system", "organisation", "started_at", "ended_at"]
    list_filter = ["role", "system", "ended_at"]
    search_fields = ["user__full_name", "user__email"]
    raw_id_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(AuditedAdmin):
    list_display = ["user", "invited_by", "created_at", "sent_at", "accepted_at", "expires_at"]
    readonly_fields = ["token_hash"]


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedAdmin):
    """The audit trail is read, never written, here: a row added by hand would be a forgery."""

    list_display = ["created_at", "actor", "action", "summary"]
    list_filter = ["action", "system"]
    search_fields = ["summary"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The apps installed before this one registered their own admins; this app's later siblings
# use AuditedAdmin themselves.
audit_registered_admins(admin.site)
