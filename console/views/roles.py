"""Delegate roles: named roles that can hold delegated authority, such as an individual
director with delegated authority for a place."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from console.decorators import console_view
from console.replies import form_on_page, form_sent, posted
from core.htmx import change_done
from core.requests import signed_in_user
from delegations import roles as role_services
from delegations import selectors
from delegations.forms import RoleForm
from delegations.models import DelegateRole
from governance.structures.models import Committee
from partners.models import Organisation, Place, System

ROLES = "console/delegations/roles.html"


def _roles_url(system: System) -> str:
    return reverse("console:delegate_roles", args=[system.slug])


def _role_form(system: System, *args: Any, **kwargs: Any) -> RoleForm:
    return RoleForm(
        *args,
        organisations=Organisation.objects.filter(system=system, is_active=True),
        places=Place.objects.filter(system=system, is_active=True),
        committees=Committee.objects.filter(place__system=system).select_related("place"),
        **kwargs,
    )


def _role_fields(data: dict[str, Any]) -> dict[str, Any]:
    """What a role's form gives its service, whether adding or changing it."""
    fields = ("title", "place", "is_individual_director", "accountable_to_committee")
    return {name: data[name] for name in fields}


def _roles_page(request: HttpRequest, system: System, form: RoleForm | None = None) -> HttpResponse:
    context = {
        "system": system,
        "roles": selectors.delegate_roles(system=system),
        "form": form or _role_form(system, prefix="role"),
    }
    return render(request, ROLES, context)


@console_view("GET")
def delegate_roles(request: HttpRequest, system: System) -> HttpResponse:
    return _roles_page(request, system)


@console_view("GET", "POST")
def delegate_role_add(request: HttpRequest, system: System) -> HttpResponse:
    if request.method == "GET":
        return redirect(_roles_url(system) + "#add-role")
    form = _role_form(system, request.POST, prefix="role")
    return form_sent(
        request,
        form,
        save=lambda data: role_services.delegate_role_add(
            actor=signed_in_user(request), organisation=data["organisation"], **_role_fields(data)
        ),
        done=lambda role: change_done(request, f"Added the role {role.title}.", _roles_url(system)),
        again=lambda: _roles_page(request, system, form),
    )


@console_view("GET", "POST")
def delegate_role_edit(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    role = get_object_or_404(
        DelegateRole.objects.select_related("organisation"), organisation__system=system, pk=pk
    )
    initial = {
        "title": role.title,
        "place": role.place_id,
        "is_individual_director": role.is_individual_director,
        "accountable_to_committee": role.accountable_to_committee_id,
        "is_active": role.is_active,
    }
    form = _role_form(system, posted(request), prefix="role", editing=True, initial=initial)
    return form_on_page(
        request,
        form,
        save=lambda data: role_services.delegate_role_update(
            actor=signed_in_user(request),
            role=role,
            is_active=data["is_active"],
            **_role_fields(data),
        ),
        message=lambda _: f"Saved the role {form.cleaned_data['title']}.",
        done_url=_roles_url(system),
        system=system,
        role=role,
        caption=role.organisation.name,
        heading=f"Change {role.title}",
        cancel_url=_roles_url(system),
    )
