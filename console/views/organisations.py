"""Organisations: the list (search by name, alias or ODS code, filter by sector), adding,
editing, deactivating and deleting in place, and each organisation's aliases."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from console.decorators import console_view
from console.lists import list_context
from console.replies import (
    added_to_list,
    inline_form,
    page_or_partial,
    posted_flag,
    row_action,
    row_alone,
)
from core.forms import add_service_errors
from core.htmx import change_done, reply_with_partial, wants_partial
from core.requests import signed_in_user
from partners import selectors, services
from partners.forms import AliasForm, OrganisationForm
from partners.models import Organisation, OrganisationAlias, Sector, System

ORGANISATIONS = "console/organisations/list.html"


def _organisations_url(system: System) -> str:
    return reverse("console:organisations", args=[system.slug])


def _organisations_context(request: HttpRequest, system: System, **extra: Any) -> dict[str, Any]:
    return list_context(
        request,
        system,
        url_name="console:organisations",
        rows=selectors.console_organisations,
        choice_filter=("sector", Sector.choices),
        **extra,
    )


def _organisation_form_data(form: OrganisationForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "sector": data["sector"],
        "is_statutory": data["is_statutory"],
        "ods_code": data["ods_code"],
        "aliases": data["aliases"],
    }


def _row(system: System, organisation: Organisation, **extra: Any) -> dict[str, Any]:
    return {"system": system, "organisation": organisation, **extra}


def _row_reply(
    request: HttpRequest,
    system: System,
    organisation: Organisation,
    message: str = "",
    **extra: Any,
) -> HttpResponse:
    context = _row(system, organisation, **extra)
    return reply_with_partial(
        request, ORGANISATIONS, "organisation-row", context, status_message=message
    )


@console_view("GET")
def organisations(request: HttpRequest, system: System) -> HttpResponse:
    context = _organisations_context(request, system)
    return page_or_partial(request, ORGANISATIONS, "organisation-results", context)


@console_view("GET", "POST")
def organisation_add(request: HttpRequest, system: System) -> HttpResponse:
    if request.GET.get("cancel"):
        context = _organisations_context(request, system)
        return page_or_partial(request, ORGANISATIONS, "organisation-add", context)
    form = OrganisationForm(request.POST or None, prefix="new-organisation")
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                actor=signed_in_user(request), system=system, **_organisation_form_data(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return added_to_list(
                request,
                template=ORGANISATIONS,
                panel="organisation-add",
                results="organisation-results",
                results_context=lambda: _organisations_context(
                    request, system, highlight=organisation.pk
                ),
                system=system,
                message=f"Added organisation {organisation.name}.",
                list_url=_organisations_url(system),
            )
    context = _organisations_context(request, system, add_form=form)
    return page_or_partial(request, ORGANISATIONS, "organisation-add", context)


@console_view("GET")
def organisation_row(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    organisation = selectors.console_organisation(system=system, pk=pk)
    context = _row(system, organisation)
    return row_alone(
        request, ORGANISATIONS, "organisation-row", context, _organisations_url(system)
    )


@console_view("GET", "POST")
def organisation_edit(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    organisation = selectors.console_organisation(system=system, pk=pk)
    prefix = f"organisation-{organisation.pk}"
    if request.method == "POST":
        form = OrganisationForm(request.POST, prefix=prefix)
        if form.is_valid():
            try:
                services.organisation_update(
                    actor=signed_in_user(request),
                    organisation=organisation,
                    expected_version=form.cleaned_data["version"] or None,
                    **_organisation_form_data(form),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                updated = selectors.console_organisation(system=system, pk=organisation.pk)
                message = f"Saved organisation {updated.name}."
                return change_done(
                    request,
                    message,
                    _organisations_url(system),
                    lambda: _row_reply(request, system, updated, message),
                )
    else:
        form = OrganisationForm(
            prefix=prefix,
            initial={
                "name": organisation.name,
                "sector": organisation.sector,
                "is_statutory": "yes" if organisation.is_statutory else "no",
                "ods_code": organisation.ods_code,
                "aliases": "\n".join(a.alias for a in organisation.aliases.all()),
                "version": organisation.version,
            },
        )
    return inline_form(
        request,
        ORGANISATIONS,
        "organisation-form",
        {**_row(system, organisation), "form": form},
        back_url=_organisations_url(system),
        heading=f"Edit {organisation.name}",
        wrapper="table",
    )


@console_view("POST")
def organisation_active(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, system=system, pk=pk)
    is_active = posted_flag(request, "is_active")

    def act() -> Organisation:
        services.organisation_update(
            actor=signed_in_user(request), organisation=organisation, is_active=is_active
        )
        return selectors.console_organisation(system=system, pk=organisation.pk)

    return row_action(
        request,
        act=act,
        list_url=_organisations_url(system),
        message=lambda updated: (
            f"{'Reactivated' if is_active else 'Deactivated'} organisation {updated.name}."
        ),
        done_reply=lambda updated, message: _row_reply(request, system, updated, message),
    )


@console_view("POST")
def organisation_delete(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    organisation = selectors.console_organisation(system=system, pk=pk)
    name = organisation.name
    return row_action(
        request,
        act=lambda: services.organisation_delete(
            actor=signed_in_user(request), organisation=organisation
        ),
        list_url=_organisations_url(system),
        refused_reply=lambda problem: _row_reply(request, system, organisation, row_error=problem),
        message=lambda _: f"Deleted organisation {name}.",
        done_reply=lambda _, message: reply_with_partial(
            request,
            ORGANISATIONS,
            "organisation-deleted",
            {"system": system, "name": name, "pk": pk},
            status_message=message,
        ),
    )


# Aliases ------------------------------------------------------------------------------------


def _aliases_context(
    system: System, organisation: Organisation, form: AliasForm | None = None
) -> dict[str, Any]:
    return {
        "system": system,
        "organisation": organisation,
        # With a form in the context the mini-form stays open, to add another.
        "alias_form": form or AliasForm(prefix=f"alias-{organisation.pk}"),
    }


def _aliases_reply(
    request: HttpRequest, system: System, organisation: Organisation, message: str
) -> HttpResponse:
    updated = selectors.console_organisation(system=system, pk=organisation.pk)
    context = _aliases_context(system, updated)
    return reply_with_partial(
        request, ORGANISATIONS, "organisation-aliases", context, status_message=message
    )


@console_view("GET", "POST")
def organisation_alias_add(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    """POST adds an alias. GET opens the form on demand: for HTMX just the form, into the row
    (rows show a link instead of embedding a form each), otherwise a page of its own."""
    organisation = get_object_or_404(Organisation, system=system, pk=pk)
    if request.method == "GET" and wants_partial(request):
        context = {**_aliases_context(system, organisation), "focus_form": True}
        return page_or_partial(request, ORGANISATIONS, "organisation-alias-add", context)
    form = AliasForm(request.POST or None, prefix=f"alias-{organisation.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            alias = services.organisation_alias_add(
                actor=signed_in_user(request),
                organisation=organisation,
                alias=form.cleaned_data["alias"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            message = f"Added alias “{alias.alias}” to {organisation.name}."
            return change_done(
                request,
                message,
                _organisations_url(system),
                lambda: _aliases_reply(request, system, organisation, message),
            )
    updated = selectors.console_organisation(system=system, pk=organisation.pk)
    return inline_form(
        request,
        ORGANISATIONS,
        "organisation-aliases",
        _aliases_context(system, updated, form),
        back_url=_organisations_url(system),
        heading=f"Aliases of {organisation.name}",
        wrapper="div",
    )


@console_view("POST")
def organisation_alias_remove(
    request: HttpRequest, system: System, pk: int, alias_pk: int
) -> HttpResponse:
    organisation = get_object_or_404(Organisation, system=system, pk=pk)
    alias = get_object_or_404(
        OrganisationAlias.objects.select_related("organisation__system"),
        organisation=organisation,
        pk=alias_pk,
    )
    return row_action(
        request,
        act=lambda: services.organisation_alias_remove(actor=signed_in_user(request), alias=alias),
        list_url=_organisations_url(system),
        message=lambda _: f"Removed alias “{alias.alias}” from {organisation.name}.",
        done_reply=lambda _, message: _aliases_reply(request, system, organisation, message),
    )
