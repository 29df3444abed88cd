"""Schemes of reservation and delegation in the ICB admin console, and the read-only page a
place's readers see.

Console views go through `get_system_for_admin` (404 unless the person administers the
system) and find every record within that system. They parse forms, call
delegations.services and render. The scheme page answers HTMX requests with its lines
section alone; every form also works without JavaScript (POST, then redirect with a
message)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.htmx import wants_partial
from delegations import selectors, services, spreadsheets
from delegations.forms import (
    LineForm,
    MatterForm,
    MatterRenameForm,
    RoleForm,
    SchemeForm,
    UploadForm,
    line_initial,
)
from delegations.models import (
    DelegateRole,
    Delegation,
    MatterCategory,
    SchemeOfDelegation,
    SchemeStatus,
)
from governance.structures.models import Committee
from partners.access import get_place_for
from partners.console_views import _actor, get_system_for_admin
from partners.forms import add_service_errors
from partners.models import Organisation, Place, System

SCHEMES = "delegations/schemes.html"
SCHEME = "delegations/scheme.html"
SCHEME_FORM = "delegations/scheme_form.html"
MATTERS = "delegations/matters.html"
MATTER_FORM = "delegations/matter_form.html"
ROLES = "delegations/roles.html"
ROLE_FORM = "delegations/role_form.html"
PLACE = "delegations/place.html"


def _scheme(system: System, pk: int) -> SchemeOfDelegation:
    try:
        return selectors.console_scheme(system=system, pk=pk)
    except SchemeOfDelegation.DoesNotExist as error:
        raise Http404("No such scheme.") from error


def _scheme_url(system: System, scheme: SchemeOfDelegation) -> str:
    return reverse("delegations_admin:scheme", args=[system.slug, scheme.pk])


def _vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ("HX-Request",))
    return response


# Schemes ----------------------------------------------------------------------------------


@login_required
@require_GET
def schemes(request: HttpRequest, system_slug: str) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    organisations = selectors.organisations_with_schemes(system=system)
    return render(request, SCHEMES, {"system": system, "organisations": organisations})


@login_required
@require_http_methods(["GET", "POST"])
def scheme_add(request: HttpRequest, system_slug: str) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    organisations = Organisation.objects.filter(system=system, is_active=True)
    initial = {}
    if request.GET.get("organisation", "").isdigit():
        initial["organisation"] = int(request.GET["organisation"])
    form = SchemeForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scheme = services.scheme_create(
                actor=_actor(request),
                organisation=data["organisation"],
                effective_from=data["effective_from"],
                approved_by=data["approved_by"],
                notes=data["notes"],
                copy_lines=data["copy_lines"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Started version {scheme.number} of {scheme.organisation.name}'s scheme of "
                "delegation, as a draft.",
            )
            return redirect(_scheme_url(system, scheme))
    return render(
        request,
        SCHEME_FORM,
        {
            "system": system,
            "form": form,
            "heading": "Start a scheme of delegation",
            "action": reverse("delegations_admin:scheme_add", args=[system.slug]),
            "cancel_url": reverse("delegations_admin:schemes", args=[system.slug]),
            "submit_label": "Start the draft",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def scheme_edit(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    scheme = _scheme(system, pk)
    if request.method == "POST":
        form = SchemeForm(request.POST, scheme=scheme)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.scheme_update(
                    actor=_actor(request),
                    scheme=scheme,
                    expected_version=data["version"],
                    effective_from=data["effective_from"],
                    approved_by=data["approved_by"],
                    notes=data["notes"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Saved {scheme}.")
                return redirect(_scheme_url(system, scheme))
    else:
        form = SchemeForm(
            scheme=scheme,
            initial={
                "effective_from": scheme.effective_from,
                "approved_by": scheme.approved_by,
                "notes": scheme.notes,
                "version": scheme.version,
            },
        )
    return render(
        request,
        SCHEME_FORM,
        {
            "system": system,
            "scheme": scheme,
            "form": form,
            "heading": f"Change version {scheme.number} of {scheme.organisation.name}'s scheme",
            "action": reverse("delegations_admin:scheme_edit", args=[system.slug, scheme.pk]),
            "cancel_url": _scheme_url(system, scheme),
            "submit_label": "Save",
        },
    )


def _line_form(
    scheme: SchemeOfDelegation, matters: list[tuple[int, str]], *args: Any, **kwargs: Any
) -> LineForm:
    organisation = scheme.organisation
    return LineForm(
        *args,
        matters=matters,
        committees=services.committees_for_organisation(organisation).order_by(
            "place__name", "name"
        ),
        roles=DelegateRole.objects.filter(organisation=organisation, is_active=True),
        places=services.places_for_organisation(organisation).order_by("name"),
        **kwargs,
    )


def _scheme_context(
    request: HttpRequest, system: System, scheme: SchemeOfDelegation, **extra: Any
) -> dict[str, Any]:
    lines = selectors.scheme_lines(scheme=scheme)
    is_draft = scheme.status == SchemeStatus.DRAFT
    context: dict[str, Any] = {
        "system": system,
        "scheme": scheme,
        "is_draft": is_draft,
        "line_count": len(lines),
        "groups": selectors.lines_by_matter(lines),
        "scheme_url": _scheme_url(system, scheme),
        **extra,
    }
    if is_draft:
        matters = selectors.matter_choices(system=system)
        context["matter_count"] = len(matters)
        if "add_form" not in context:
            context["add_form"] = _line_form(scheme, matters, prefix="new-line")
        if "upload_form" not in context:
            context["upload_form"] = UploadForm(prefix="upload")
    return context


def _scheme_page(
    request: HttpRequest, system: System, scheme: SchemeOfDelegation, **extra: Any
) -> HttpResponse:
    context = _scheme_context(request, system, scheme, **extra)
    template = f"{SCHEME}#lines" if wants_partial(request) else SCHEME
    return _vary(render(request, template, context))


@login_required
@require_GET
def scheme(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    return _scheme_page(request, system, _scheme(system, pk))


@login_required
@require_POST
def scheme_in_force(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    scheme = _scheme(system, pk)
    try:
        services.scheme_bring_into_force(actor=_actor(request), scheme=scheme)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request,
            f"Version {scheme.number} of {scheme.organisation.name}'s scheme is in force from "
            f"{scheme.effective_from:%-d %B %Y}.",
        )
    return redirect(_scheme_url(system, scheme))


@login_required
@require_GET
def scheme_download(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    scheme = _scheme(system, pk)
    response = HttpResponse(
        spreadsheets.scheme_export_xlsx(scheme), content_type=spreadsheets.CONTENT_TYPE
    )
    filename = f"scheme-of-delegation-{scheme.organisation.pk}-v{scheme.number}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def template_download(request: HttpRequest, system_slug: str) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    response = HttpResponse(
        spreadsheets.scheme_template_xlsx(system=system), content_type=spreadsheets.CONTENT_TYPE
    )
    response["Content-Disposition"] = 'attachment; filename="scheme-of-delegation-template.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def scheme_upload(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    scheme = _scheme(system, pk)
    if request.method == "GET":
        return redirect(_scheme_url(system, scheme) + "#upload")
    form = UploadForm(request.POST, request.FILES, prefix="upload")
    if not form.is_valid():
        return _full_scheme_page(request, system, scheme, upload_form=form)
    result = spreadsheets.scheme_import_xlsx(
        actor=_actor(request),
        scheme=scheme,
        file=form.cleaned_data["file"],
        replace=form.cleaned_data["mode"] == "replace",
    )
    if not result.ok:
        return _full_scheme_page(
            request, system, scheme, upload_form=form, import_errors=result.messages
        )
    messages.success(
        request, f"Imported {result.imported} line{'s' if result.imported != 1 else ''}."
    )
    return redirect(_scheme_url(system, scheme))


def _full_scheme_page(
    request: HttpRequest, system: System, scheme: SchemeOfDelegation, **extra: Any
) -> HttpResponse:
    return _vary(render(request, SCHEME, _scheme_context(request, system, scheme, **extra)))


# Lines ------------------------------------------------------------------------------------


def _line_errors(form: LineForm, error: ValidationError) -> None:
    """A service's errors on the line form: a contradiction with a reserved line shows on
    the "who decides" choice."""
    if hasattr(error, "error_dict"):
        error = ValidationError(
            {
                ("delegate_type" if name == "reserved" else name): messages_
                for name, messages_ in error.message_dict.items()
            }
        )
    add_service_errors(form, error)


def _matters_by_pk(system: System) -> dict[int, MatterCategory]:
    return {m.pk: m for m in MatterCategory.objects.filter(system=system)}


def _line_done(
    request: HttpRequest, system: System, scheme: SchemeOfDelegation, message: str
) -> HttpResponse:
    if wants_partial(request):
        return _scheme_page(request, system, scheme, status_message=message)
    messages.success(request, message)
    return redirect(_scheme_url(system, scheme))


@login_required
@require_http_methods(["GET", "POST"])
def line_add(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    scheme = _scheme(system, pk)
    if request.method == "GET" or scheme.status != SchemeStatus.DRAFT:
        if request.method == "POST":
            messages.error(
                request, services.DRAFT_ONLY.format(status=scheme.get_status_display().lower())
            )
        return redirect(_scheme_url(system, scheme) + "#add-line")
    matters = selectors.matter_choices(system=system)
    form = _line_form(scheme, matters, request.POST, prefix="new-line")
    if form.is_valid():
        try:
            line = services.delegation_add(
                actor=_actor(request),
                scheme=scheme,
                **form.service_fields(_matters_by_pk(system)),
            )
        except ValidationError as error:
            _line_errors(form, error)
        else:
            return _line_done(
                request,
                system,
                scheme,
                f"Added a line for {line.matter.name}: "
                f"{services.band_text(line.limit_from, line.limit_to)}.",
            )
    return _scheme_page(request, system, scheme, add_form=form)


def _line(system: System, pk: int) -> Delegation:
    return get_object_or_404(
        Delegation.objects.select_related("scheme__organisation__system", "matter"),
        pk=pk,
        scheme__organisation__system=system,
    )


@login_required
@require_http_methods(["GET", "POST"])
def line_edit(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    line = _line(system, pk)
    scheme = line.scheme
    if scheme.status != SchemeStatus.DRAFT:
        messages.error(
            request, services.DRAFT_ONLY.format(status=scheme.get_status_display().lower())
        )
        return redirect(_scheme_url(system, scheme))
    matters = selectors.matter_choices(system=system)
    prefix = f"line-{line.pk}"
    if request.method == "POST":
        form = _line_form(scheme, matters, request.POST, prefix=prefix)
        if form.is_valid():
            try:
                services.delegation_update(
                    actor=_actor(request),
                    delegation=line,
                    **form.service_fields(_matters_by_pk(system)),
                )
            except ValidationError as error:
                _line_errors(form, error)
            else:
                return _line_done(
                    request, system, scheme, f"Saved the line for {line.matter.name}."
                )
    else:
        form = _line_form(scheme, matters, prefix=prefix, initial=line_initial(line))
    return _scheme_page(request, system, scheme, editing=line.pk, edit_form=form)


@login_required
@require_POST
def line_remove(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    line = _line(system, pk)
    scheme = line.scheme
    try:
        services.delegation_remove(actor=_actor(request), delegation=line)
    except ValidationError as error:
        if wants_partial(request):
            return _scheme_page(request, system, scheme, status_message=error.messages[0])
        messages.error(request, error.messages[0])
        return redirect(_scheme_url(system, scheme))
    return _line_done(request, system, scheme, f"Removed the line for {line.matter.name}.")


# Matters ----------------------------------------------------------------------------------


def _matters_page(request: HttpRequest, system: System, **extra: Any) -> HttpResponse:
    tree = selectors.matter_tree(system=system)
    choices = [(n.matter.pk, "– " * n.depth + n.matter.name) for n in tree]
    context = {
        "system": system,
        "tree": tree,
        "form": extra.pop("form", None) or MatterForm(matters=choices, prefix="matter"),
        **extra,
    }
    return render(request, MATTERS, context)


@login_required
@require_GET
def matters(request: HttpRequest, system_slug: str) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    return _matters_page(request, system)


@login_required
@require_http_methods(["GET", "POST"])
def matter_add(request: HttpRequest, system_slug: str) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    matters_url = reverse("delegations_admin:matters", args=[system.slug])
    if request.method == "GET":
        return redirect(matters_url + "#add-matter")
    if request.POST.get("defaults"):
        added = services.matter_tree_ensure(system=system, actor=_actor(request))
        messages.success(
            request,
            f"Added {added} default matters." if added else "Every default matter is already here.",
        )
        return redirect(matters_url)
    choices = selectors.matter_choices(system=system)
    form = MatterForm(request.POST, matters=choices, prefix="matter")
    if form.is_valid():
        data = form.cleaned_data
        parent = MatterCategory.objects.filter(system=system, pk=data["parent"]).first()
        try:
            matter = services.matter_add(
                actor=_actor(request),
                system=system,
                name=data["name"],
                code=data["code"],
                parent=parent,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added the matter {matter.name}.")
            return redirect(matters_url)
    return _matters_page(request, system, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def matter_edit(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    matter = get_object_or_404(MatterCategory, system=system, pk=pk)
    matters_url = reverse("delegations_admin:matters", args=[system.slug])
    if request.method == "POST":
        form = MatterRenameForm(request.POST, prefix="matter")
        if form.is_valid():
            try:
                services.matter_update(
                    actor=_actor(request),
                    matter=matter,
                    name=form.cleaned_data["name"],
                    code=form.cleaned_data["code"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Saved the matter {form.cleaned_data['name']}.")
                return redirect(matters_url)
    else:
        form = MatterRenameForm(prefix="matter", initial={"name": matter.name, "code": matter.code})
    return render(
        request,
        MATTER_FORM,
        {"system": system, "matter": matter, "form": form, "cancel_url": matters_url},
    )


@login_required
@require_POST
def matter_remove(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    matter = get_object_or_404(MatterCategory, system=system, pk=pk)
    try:
        services.matter_remove(actor=_actor(request), matter=matter)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Removed the matter {matter.name}.")
    return redirect("delegations_admin:matters", system.slug)


# Delegate roles ---------------------------------------------------------------------------


def _role_form(system: System, *args: Any, **kwargs: Any) -> RoleForm:
    return RoleForm(
        *args,
        organisations=Organisation.objects.filter(system=system, is_active=True),
        places=Place.objects.filter(system=system, is_active=True),
        committees=Committee.objects.filter(place__system=system).select_related("place"),
        **kwargs,
    )


def _roles_page(request: HttpRequest, system: System, **extra: Any) -> HttpResponse:
    context = {
        "system": system,
        "roles": selectors.delegate_roles(system=system),
        "form": extra.pop("form", None) or _role_form(system, prefix="role"),
        **extra,
    }
    return render(request, ROLES, context)


@login_required
@require_GET
def roles(request: HttpRequest, system_slug: str) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    return _roles_page(request, system)


@login_required
@require_http_methods(["GET", "POST"])
def role_add(request: HttpRequest, system_slug: str) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    roles_url = reverse("delegations_admin:roles", args=[system.slug])
    if request.method == "GET":
        return redirect(roles_url + "#add-role")
    form = _role_form(system, request.POST, prefix="role")
    if form.is_valid():
        data = form.cleaned_data
        try:
            role = services.delegate_role_add(
                actor=_actor(request),
                organisation=data["organisation"],
                title=data["title"],
                place=data["place"],
                is_individual_director=data["is_individual_director"],
                accountable_to_committee=data["accountable_to_committee"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added the role {role.title}.")
            return redirect(roles_url)
    return _roles_page(request, system, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def role_edit(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    role = get_object_or_404(
        DelegateRole.objects.select_related("organisation"), organisation__system=system, pk=pk
    )
    roles_url = reverse("delegations_admin:roles", args=[system.slug])
    if request.method == "POST":
        form = _role_form(system, request.POST, prefix="role", editing=True)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.delegate_role_update(
                    actor=_actor(request),
                    role=role,
                    title=data["title"],
                    place=data["place"],
                    is_individual_director=data["is_individual_director"],
                    accountable_to_committee=data["accountable_to_committee"],
                    is_active=data["is_active"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Saved the role {data['title']}.")
                return redirect(roles_url)
    else:
        form = _role_form(
            system,
            prefix="role",
            editing=True,
            initial={
                "title": role.title,
                "place": role.place_id,
                "is_individual_director": role.is_individual_director,
                "accountable_to_committee": role.accountable_to_committee_id,
                "is_active": role.is_active,
            },
        )
    return render(
        request,
        ROLE_FORM,
        {"system": system, "role": role, "form": form, "cancel_url": roles_url},
    )


# The place's page -------------------------------------------------------------------------


@login_required
@require_GET
def place_delegations(request: HttpRequest, place_pk: int) -> HttpResponse:
    place = get_place_for(request, place_pk)
    lines = selectors.place_in_force_lines(place=place)
    organisations: dict[int, dict[str, Any]] = {}
    for line in lines:
        entry = organisations.setdefault(
            line.scheme.organisation_id, {"scheme": line.scheme, "lines": []}
        )
        entry["lines"].append(line)
    return render(
        request,
        PLACE,
        {
            "place": place,
            "schemes": [
                {"scheme": e["scheme"], "groups": selectors.lines_by_matter(e["lines"])}
                for e in organisations.values()
            ],
        },
    )
