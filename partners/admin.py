"""Django admin for superusers: raw data. Changes to memberships re-sync object permissions
through the permission service, as every other path does."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from guardian.admin import GuardedModelAdmin

from partners.models import (
    AuditEvent,
    Invitation,
    Membership,
    Neighbourhood,
    Organisation,
    OrganisationAlias,
    Place,
    PlacePartner,
    System,
    User,
)
from partners.permissions import permissions_sync_for_system_admins, permissions_sync_for_user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        permissions_sync_for_user(user=obj)


@admin.register(System)
class SystemAdmin(GuardedModelAdmin):
    list_display = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ["name"]


@admin.register(Place)
class PlaceAdmin(GuardedModelAdmin):
    list_display = ["name", "system", "population", "is_active"]
    list_filter = ["system", "is_active"]
    search_fields = ["name"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        permissions_sync_for_system_admins(system=obj.system)


admin.site.register(Neighbourhood)


class AliasInline(admin.TabularInline):
    model = OrganisationAlias
    extra = 1
    fields = ["alias"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "system", "sector", "is_statutory", "ods_code", "is_active"]
    list_filter = ["system", "sector", "is_statutory", "is_active"]
    search_fields = ["name", "ods_code", "aliases__alias"]
    inlines = [AliasInline]


@admin.register(PlacePartner)
class PlacePartnerAdmin(admin.ModelAdmin):
    list_display = ["organisation", "place", "joined_on"]
    list_filter = ["place__system"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "place", "system", "organisation", "started_at", "ended_at"]
    list_filter = ["role", "system", "ended_at"]
    search_fields = ["user__full_name", "user__email"]
    raw_id_fields = ["user"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        permissions_sync_for_user(user=obj.user)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["user", "invited_by", "created_at", "sent_at", "accepted_at", "expires_at"]
    readonly_fields = ["token_hash"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "summary"]
    list_filter = ["action", "system"]
    search_fields = ["summary"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
