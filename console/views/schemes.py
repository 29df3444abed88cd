"""Schemes of reservation and delegation: the list, starting and changing a scheme, bringing
it into force, its lines (added and changed in place with HTMX, or on the page without
JavaScript; removed after a page confirming it), and its spreadsheets: the blank template, the
export and the import."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from console.decorators import console_view
from console.replies import confirm_page, form_on_page, form_sent, posted
from core.forms import add_service_errors
from core.htmx import (
    change_done,
    change_refused,
    render_page_or_partial,
    reply_with_partial,
)
from core.requests import signed_in_user
from delegations import selectors, services, spreadsheets
from delegations.forms import LineForm, SchemeForm, UploadForm, line_initial
from delegations.models import (
    DelegateRole,
    Delegation,
    MatterCategory,
    SchemeOfDelegation,
    SchemeStatus,
)
from partners.models import Organisation, System

SCHEMES = "console/delegations/schemes.html"
SCHEME = "console/delegations/scheme.html"


def _scheme(system: System, pk: int) -> SchemeOfDelegation:
    try:
        return selectors.console_scheme(system=system, pk=pk)
    except SchemeOfDelegation.DoesNotExist as error:
        raise Http404("No such scheme.") from error


def _scheme_url(system: System, scheme: SchemeOfDelegation) -> str:
    return reverse("console:scheme", args=[system.slug, scheme.pk])


SCHEME_FIELDS = ("effective_from", "approved_by", "notes")


def _scheme_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in SCHEME_FIELDS}


def _spreadsheet(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=spreadsheets.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@console_view("GET")
def schemes(request: HttpRequest, system: System) -> HttpResponse:
    organisations = selectors.organisations_with_schemes(system=system)
    return render(request, SCHEMES, {"system": system, "organisations": organisations})


@console_view("GET", "POST")
def scheme_add(request: HttpRequest, system: System) -> HttpResponse:
    organisations = Organisation.objects.filter(system=system, is_active=True)
    initial = {}
    if request.GET.get("organisation", "").isdigit():
        initial["organisation"] = int(request.GET["organisation"])
    form = SchemeForm(request.POST or None, organisations=organisations, initial=initial)
    return form_on_page(
        request,
        form,
        save=lambda data: services.scheme_create(
            actor=signed_in_user(request),
            organisation=data["organisation"],
            copy_lines=data["copy_lines"],
            **_scheme_fields(data),
        ),
        message=lambda scheme: (
            f"Started version {scheme.number} of {scheme.organisation.name}'s scheme of "
            "delegation, as a draft."
        ),
        done_url=lambda scheme: _scheme_url(system, scheme),
        system=system,
        heading="Start a scheme of delegation",
        cancel_url=reverse("console:schemes", args=[system.slug]),
        submit_label="Start the draft",
    )


@console_view("GET", "POST")
def scheme_edit(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    scheme = _scheme(system, pk)
    initial = {name: getattr(scheme, name) for name in (*SCHEME_FIELDS, "version")}
    form = SchemeForm(posted(request), scheme=scheme, initial=initial)
    return form_on_page(
        request,
        form,
        save=lambda data: services.scheme_update(
            actor=signed_in_user(request),
            scheme=scheme,
            expected_version=data["version"],
            **_scheme_fields(data),
        ),
        message=lambda _: f"Saved {scheme}.",
        done_url=_scheme_url(system, scheme),
        system=system,
        scheme=scheme,
        heading=f"Change version {scheme.number} of {scheme.organisation.name}'s scheme",
        cancel_url=_scheme_url(system, scheme),
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
        neighbourhoods=services.neighbourhoods_for_organisation(organisation).order_by(
            "place__name", "name"
        ),
        **kwargs,
    )


def _scheme_context(system: System, scheme: SchemeOfDelegation, **extra: Any) -> dict[str, Any]:
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
    """The scheme's page, or for htmx its lines section."""
    context = _scheme_context(system, scheme, **extra)
    return render_page_or_partial(request, SCHEME, "lines", context)


@console_view("GET")
def scheme(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    return _scheme_page(request, system, _scheme(system, pk))


@console_view("POST")
def scheme_in_force(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    scheme = _scheme(system, pk)
    try:
        services.scheme_bring_into_force(actor=signed_in_user(request), scheme=scheme)
    except ValidationError as error:
        return change_refused(request, error, _scheme_url(system, scheme))
    return change_done(
        request,
        f"Version {scheme.number} of {scheme.organisation.name}'s scheme is in force from "
        f"{scheme.effective_from:%-d %B %Y}.",
        _scheme_url(system, scheme),
    )


@console_view("GET")
def scheme_download(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    scheme = _scheme(system, pk)
    return _spreadsheet(
        spreadsheets.scheme_export_xlsx(scheme),
        f"scheme-of-delegation-{scheme.organisation.pk}-v{scheme.number}.xlsx",
    )


@console_view("GET")
def scheme_template(request: HttpRequest, system: System) -> HttpResponse:
    return _spreadsheet(
        spreadsheets.scheme_template_xlsx(system=system), "scheme-of-delegation-template.xlsx"
    )


@console_view("GET", "POST")
def scheme_upload(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    scheme = _scheme(system, pk)
    if request.method == "GET":
        return redirect(_scheme_url(system, scheme) + "#upload")
    form = UploadForm(request.POST, request.FILES, prefix="upload")
    if not form.is_valid():
        return render(request, SCHEME, _scheme_context(system, scheme, upload_form=form))
    result = spreadsheets.scheme_import_xlsx(
        actor=signed_in_user(request),
        scheme=scheme,
        file=form.cleaned_data["file"],
        replace=form.cleaned_data["mode"] == "replace",
    )
    if not result.ok:
        context = _scheme_context(system, scheme, upload_form=form, import_errors=result.messages)
        return render(request, SCHEME, context)
    return change_done(
        request,
        f"Imported {result.imported} line{'s' if result.imported != 1 else ''}.",
        _scheme_url(system, scheme),
    )


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


def _lines_reply(
    request: HttpRequest, system: System, scheme: SchemeOfDelegation, message: str
) -> HttpResponse:
    context = _scheme_context(system, scheme)
    return reply_with_partial(request, SCHEME, "lines", context, status_message=message)


def _line_done(
    request: HttpRequest, system: System, scheme: SchemeOfDelegation, message: str
) -> HttpResponse:
    return change_done(
        request,
        message,
        _scheme_url(system, scheme),
        lambda: _lines_reply(request, system, scheme, message),
    )


def _line_sent(
    request: HttpRequest,
    system: System,
    scheme: SchemeOfDelegation,
    form: LineForm,
    *,
    save: Callable[..., Delegation],
    message: Callable[[Delegation], str],
    **page: Any,
) -> HttpResponse:
    """A line's form sent to its service, `save(actor=, **what the form asks for)`: once
    saved, the lines again with `message(line)`; otherwise the scheme's page with `page`
    (holding the form) and its errors."""
    return form_sent(
        request,
        form,
        save=lambda _: save(
            actor=signed_in_user(request), **form.service_fields(_matters_by_pk(system))
        ),
        done=lambda line: _line_done(request, system, scheme, message(line)),
        again=lambda: _scheme_page(request, system, scheme, **page),
        refused=_line_errors,
    )


def _draft_only(scheme: SchemeOfDelegation) -> ValidationError:
    return ValidationError(services.DRAFT_ONLY.format(status=scheme.get_status_display().lower()))


@console_view("GET", "POST")
def line_add(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    scheme = _scheme(system, pk)
    add_panel = _scheme_url(system, scheme) + "#add-line"
    if request.method == "GET":
        return redirect(add_panel)
    if scheme.status != SchemeStatus.DRAFT:
        return change_refused(request, _draft_only(scheme), add_panel)
    matters = selectors.matter_choices(system=system)
    form = _line_form(scheme, matters, request.POST, prefix="new-line")
    return _line_sent(
        request,
        system,
        scheme,
        form,
        save=partial(services.delegation_add, scheme=scheme),
        message=lambda line: f"Added a line for {line.matter.name}: {line.band}.",
        add_form=form,
    )


def _line(system: System, pk: int) -> Delegation:
    return get_object_or_404(
        Delegation.objects.select_related("scheme__organisation__system", "matter"),
        pk=pk,
        scheme__organisation__system=system,
    )


@console_view("GET", "POST")
def line_edit(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    line = _line(system, pk)
    scheme = line.scheme
    if scheme.status != SchemeStatus.DRAFT:
        return change_refused(request, _draft_only(scheme), _scheme_url(system, scheme))
    matters = selectors.matter_choices(system=system)
    initial = line_initial(line)
    form = _line_form(scheme, matters, posted(request), prefix=f"line-{line.pk}", initial=initial)
    return _line_sent(
        request,
        system,
        scheme,
        form,
        save=partial(services.delegation_update, delegation=line),
        message=lambda _: f"Saved the line for {line.matter.name}.",
        editing=line.pk,
        edit_form=form,
    )


@console_view("GET", "POST")
def line_remove(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    """GET asks for confirmation on a page of its own; POST removes the line (refused, with
    the reason, once the scheme is no longer a draft)."""
    line = _line(system, pk)
    scheme = line.scheme
    if request.method == "GET":
        if scheme.status != SchemeStatus.DRAFT:
            return change_refused(request, _draft_only(scheme), _scheme_url(system, scheme))
        organisation = scheme.organisation.name
        return confirm_page(
            request,
            system,
            question=f"Remove the line for {line.matter.name}, {line.band}?",
            consequences=[
                f"The line will be deleted from the draft of version {scheme.number} of "
                f"{organisation}'s scheme of delegation: the draft will no longer say who "
                f"decides {line.matter.name}, {line.band}. This cannot be undone.",
                "The scheme in force, if there is one, does not change.",
                "To have the line in the draft again, add it again.",
            ],
            button="Remove line",
            cancel_url=_scheme_url(system, scheme),
            list_label="Scheme of delegation",
        )
    try:
        services.delegation_remove(actor=signed_in_user(request), delegation=line)
    except ValidationError as error:
        problem = error.messages[0]
        return change_refused(
            request,
            error,
            _scheme_url(system, scheme),
            lambda: _lines_reply(request, system, scheme, problem),
        )
    return _line_done(request, system, scheme, f"Removed the line for {line.matter.name}.")
