"""Organisations: the list (search by name, alias or ODS code, filter by sector), adding,
editing, deactivating and deleting in place, and each organisation's aliases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404

from console.decorators import console_view
from console.lists import EditableList, RowUrl
from console.replies import confirm_page, form_sent, inline_form, page_or_partial, row_action
from core.htmx import change_done, reply_with_partial, wants_partial
from core.requests import signed_in_user
from partners import selectors, services
from partners.forms import AliasForm, OrganisationForm
from partners.models import Organisation, OrganisationAlias, Sector, System, User


def _organisation_update(actor: User, organisation: Organisation, **changes: Any) -> Organisation:
    return services.organisation_update(actor=actor, organisation=organisation, **changes)


def _organisation_edit_form(data: QueryDict | None, organisation: Organisation) -> OrganisationForm:
    initial = {
        "name": organisation.name,
        "sector": organisation.sector,
        "legal_form": organisation.legal_form,
        "ods_code": organisation.ods_code,
        "aliases": "\n".join(a.alias for a in organisation.aliases.all()),
        "version": organisation.version,
    }
    return OrganisationForm(data, prefix=f"organisation-{organisation.pk}", initial=initial)


def _organisation_urls(system: System) -> Callable[[Any], None]:
    """What puts an organisation's row's URLs on it (`organisation.urls`), and
    `organisation.aliases_with_urls()`: its aliases, each with the URL that removes it."""
    edit, active = (
        RowUrl("console:organisation_edit", system),
        RowUrl("console:organisation_active", system),
    )
    delete = RowUrl("console:organisation_delete", system)
    alias_add = RowUrl("console:organisation_alias_add", system)
    alias_remove = RowUrl("console:organisation_alias_remove", system, pks=2)

    def add_urls(organisation: Any) -> None:
        pk = organisation.pk
        organisation.urls = {
            "edit": edit(pk),
            "active": active(pk),
            "delete": delete(pk),
            "alias_add": alias_add(pk),
        }

        def aliases_with_urls() -> list[OrganisationAlias]:
            # Called by the template when it lists the aliases, and only then: the form that
            # adds one shows none, and fetches none.
            aliases = list(organisation.aliases.all())
            for alias in aliases:
                alias.remove_url = alias_remove(pk, alias.pk)
            return aliases

        organisation.aliases_with_urls = aliases_with_urls

    return add_urls


ORGANISATIONS = EditableList(
    template="console/organisations/list.html",
    url_name="console:organisations",
    rows=selectors.console_organisations,
    one=selectors.console_organisation,
    item="organisation",
    fields=("name", "sector", "legal_form", "ods_code", "aliases"),
    create=services.organisation_create,
    add_form=lambda data, system: OrganisationForm(data, prefix="new-organisation"),
    update=_organisation_update,
    edit_form=_organisation_edit_form,
    choice_filter=("sector", Sector.choices),
    urls=_organisation_urls,
)
organisations = ORGANISATIONS.page_view()
organisation_add = ORGANISATIONS.add_view()
organisation_row = ORGANISATIONS.row_view()
organisation_edit = ORGANISATIONS.edit_view()
organisation_active = ORGANISATIONS.active_view()


@console_view("GET", "POST")
def organisation_delete(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    """GET asks for confirmation on a page of its own; POST deletes (refused, with the
    reason, for an organisation anything refers to)."""
    organisation = selectors.console_organisation(system=system, pk=pk)
    name = organisation.name
    if request.method == "GET":
        return confirm_page(
            request,
            system,
            question=f"Delete {name}?",
            consequences=[
                f"{name} and its aliases will be deleted from {system.name}. This cannot be "
                "undone.",
                "If other records still refer to it, it will not be deleted: you will be "
                "asked to deactivate it instead, which keeps its history and can be undone.",
            ],
            button="Delete organisation",
            cancel_url=ORGANISATIONS.url(system),
            list_label="Organisations",
        )
    return row_action(
        request,
        act=lambda: services.organisation_delete(
            actor=signed_in_user(request), organisation=organisation
        ),
        list_url=ORGANISATIONS.url(system),
        refused_reply=lambda problem: ORGANISATIONS.row(
            request, system, organisation, row_error=problem
        ),
        message=lambda _: f"Deleted organisation {name}.",
        done_reply=lambda _, message: reply_with_partial(
            request,
            ORGANISATIONS.template,
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
        "organisation": ORGANISATIONS.with_urls(system, [organisation])[0],
        # With a form in the context the mini-form stays open, to add another.
        "alias_form": form or AliasForm(prefix=f"alias-{organisation.pk}"),
    }


def _aliases_reply(
    request: HttpRequest, system: System, organisation: Organisation, message: str
) -> HttpResponse:
    updated = selectors.console_organisation(system=system, pk=organisation.pk)
    context = _aliases_context(system, updated)
    return reply_with_partial(
        request, ORGANISATIONS.template, "organisation-aliases", context, status_message=message
    )


@console_view("GET", "POST")
def organisation_alias_add(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    """POST adds an alias. GET opens the form on demand: for HTMX just the form, into the row
    (rows show a link instead of embedding a form each), otherwise a page of its own."""
    organisation = get_object_or_404(Organisation, system=system, pk=pk)
    if request.method == "GET" and wants_partial(request):
        context = {**_aliases_context(system, organisation), "focus_form": True}
        return page_or_partial(request, ORGANISATIONS.template, "organisation-alias-add", context)
    form = AliasForm(request.POST or None, prefix=f"alias-{organisation.pk}")

    def added(alias: OrganisationAlias) -> HttpResponse:
        message = f"Added alias “{alias.alias}” to {organisation.name}."
        return change_done(
            request,
            message,
            ORGANISATIONS.url(system),
            lambda: _aliases_reply(request, system, organisation, message),
        )

    def again() -> HttpResponse:
        updated = selectors.console_organisation(system=system, pk=organisation.pk)
        return inline_form(
            request,
            ORGANISATIONS.template,
            "organisation-aliases",
            _aliases_context(system, updated, form),
            back_url=ORGANISATIONS.url(system),
            heading=f"Aliases of {organisation.name}",
            wrapper="div",
        )

    return form_sent(
        request,
        form,
        save=lambda data: services.organisation_alias_add(
            actor=signed_in_user(request), organisation=organisation, alias=data["alias"]
        ),
        done=added,
        again=again,
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
        list_url=ORGANISATIONS.url(system),
        message=lambda _: f"Removed alias “{alias.alias}” from {organisation.name}.",
        done_reply=lambda _, message: _aliases_reply(request, system, organisation, message),
    )
