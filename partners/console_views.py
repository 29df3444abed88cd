"""The ICB admin console: in-app pages where a system's ICB governance admins manage places,
organisations, people and memberships.

Every view goes through `get_system_for_admin` (404 unless the person administers the system)
and looks objects up within that system (404 otherwise). Views stay thin: they parse a form,
call a service and render. One view answers both ways: a full page for ordinary requests, or
just the partial its HTMX target needs. Successful POSTs redirect (with a message) when
JavaScript is off, so every form also works without it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from core.htmx import htmx_target, wants_partial
from core.pagination import PEOPLE_PER_PAGE, paginate
from partners import selectors, services, two_factor
from partners.forms import (
    AliasForm,
    MembershipAddForm,
    MembershipChangeForm,
    OrganisationForm,
    PersonInviteForm,
    PlaceForm,
    PlacePartnerAddForm,
    add_service_errors,
)
from partners.models import (
    Membership,
    Organisation,
    OrganisationAlias,
    Place,
    PlacePartner,
    Role,
    Sector,
    System,
    User,
)
from partners.permissions import ADMINISTER_SYSTEM
from partners.two_factor import require_verified_admin

PLACES = "console/places.html"
ORGANISATIONS = "console/organisations.html"
PEOPLE = "console/people.html"
PLACE = "console/place.html"
EDIT = "console/edit.html"
SHARED = "console/shared.html"
AUDIT = "console/audit.html"

T = TypeVar("T")


def get_system_for_admin(request: HttpRequest, system_slug: str) -> System:
    system = get_object_or_404(System, slug=system_slug)
    if not request.user.has_perm(ADMINISTER_SYSTEM, system):
        raise Http404("No such system.")
    require_verified_admin(request)
    return system


# Helpers ----------------------------------------------------------------------------------


def _render(
    request: HttpRequest, template: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    """The full page, or for HTMX just the named partial of the same template."""
    name = f"{template}#{partial}" if wants_partial(request) else template
    response = render(request, name, context)
    if wants_partial(request) and request.method == "POST":
        # A form came back with errors: clear the last success message so it cannot mislead.
        cleared = render_to_string(f"{SHARED}#status", {"status_message": "", "oob": True})
        response.content += f"<template>{cleared}</template>".encode()
    patch_vary_headers(response, ("HX-Request",))
    return response


def _reply(
    request: HttpRequest,
    template: str,
    partial: str,
    context: dict[str, Any],
    *,
    status_message: str = "",
    out_of_band: tuple[tuple[str, dict[str, Any]], ...] = (),
) -> HttpResponse:
    """The partial for the HTMX target, plus out-of-band updates: other partials and the
    polite status region that tells screen reader users what happened."""
    html: str = render_to_string(f"{template}#{partial}", context, request)
    extras = [render_to_string(name, {**ctx, "oob": True}, request) for name, ctx in out_of_band]
    if status_message:
        extras.append(
            render_to_string(f"{SHARED}#status", {"status_message": status_message, "oob": True})
        )
    if extras:
        # Wrapped in <template> so they survive beside a table row or list item.
        html = html + "<template>" + "".join(extras) + "</template>"
    response = HttpResponse(html)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _done(
    request: HttpRequest, message: str, redirect_to: str, reply: Callable[[], HttpResponse]
) -> HttpResponse:
    """After a successful change: the updated partial for HTMX, otherwise redirect (PRG)."""
    if wants_partial(request):
        return reply()
    messages.success(request, message)
    return redirect(redirect_to)


def _refused(
    request: HttpRequest,
    error: ValidationError,
    redirect_to: str,
    reply: Callable[[], HttpResponse],
) -> HttpResponse:
    """A service refused an action that has no form: show why in place, or after a redirect."""
    if wants_partial(request):
        return reply()
    for text in error.messages:
        messages.error(request, text)
    return redirect(redirect_to)


def _row_action(
    request: HttpRequest,
    *,
    act: Callable[[], T],
    list_url: str,
    message: Callable[[T], str],
    done_reply: Callable[[T, str], HttpResponse],
    refused_reply: Callable[[str], HttpResponse] | None = None,
) -> HttpResponse:
    """An action on one row (no form): call the service through `act`. If it refuses and
    `refused_reply` is given, show the first problem in place (or redirect with a message
    without JavaScript); otherwise reply with the updated partial (or redirect)."""
    try:
        result = act()
    except ValidationError as error:
        if refused_reply is None:
            raise
        problem = error.messages[0]
        return _refused(request, error, list_url, lambda: refused_reply(problem))
    text = message(result)
    return _done(request, text, list_url, lambda: done_reply(result, text))


def _flag(request: HttpRequest, name: str) -> bool:
    return request.POST.get(name, "").lower() in {"1", "true", "yes", "on"}


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# Dashboard --------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest, system_slug: str) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    return render(
        request,
        "console/dashboard.html",
        {
            "system": system,
            "counts": selectors.console_dashboard_counts(system=system),
            "events": selectors.console_recent_audit_events(system=system),
        },
    )


# Audit log ----------------------------------------------------------------------------------


@login_required
@require_GET
def audit(request: HttpRequest, system_slug: str) -> HttpResponse:
    """Every recorded change and download in the system, searchable and by area."""
    system = get_system_for_admin(request, system_slug)
    context = _list_context(
        request,
        system,
        url_name="console:audit",
        rows=selectors.console_audit_events,
        choice_filter=("area", selectors.AUDIT_AREAS),
    )
    return _render(request, AUDIT, "audit-results", context)


# Places -----------------------------------------------------------------------------------


def _list_context(
    request: HttpRequest,
    system: System,
    *,
    url_name: str,
    rows: Callable[..., Any],
    choice_filter: tuple[str, list[tuple[str, str]]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A console list's context: the search text, an optional filter by one choice (its
    value and the choices, e.g. "sector" and "sectors"), and one page of rows."""
    search = request.GET.get("q", "").strip()
    context: dict[str, Any] = {
        "system": system,
        "q": search,
        "list_url": reverse(url_name, args=[system.slug]),
    }
    filters = {}
    if choice_filter:
        name, choices = choice_filter
        value = request.GET.get(name, "")
        filters[name] = value if value in dict(choices) else ""
        context[name], context[f"{name}s"] = filters[name], choices
    return {**context, **paginate(request, rows(system=system, search=search, **filters)), **extra}


def _places_context(request: HttpRequest, system: System, **extra: Any) -> dict[str, Any]:
    return _list_context(
        request, system, url_name="console:places", rows=selectors.console_places, **extra
    )


@login_required
@require_GET
def places(request: HttpRequest, system_slug: str) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    return _render(request, PLACES, "place-results", _places_context(request, system))


@login_required
@require_http_methods(["GET", "POST"])
def place_add(request: HttpRequest, system_slug: str) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    list_url = reverse("console:places", args=[system.slug])
    if request.GET.get("cancel"):
        return _render(request, PLACES, "place-add", _places_context(request, system))
    form = PlaceForm(request.POST or None, prefix="new-place")
    if request.method == "POST" and form.is_valid():
        try:
            place = services.place_create(
                actor=_actor(request),
                system=system,
                name=form.cleaned_data["name"],
                population=form.cleaned_data["population"],
                local_authority_footprint=form.cleaned_data["local_authority_footprint"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            message = f"Added place {place.name}."
            return _done(
                request,
                message,
                list_url,
                lambda: _reply(
                    request,
                    PLACES,
                    "place-add",
                    {"system": system},
                    status_message=message,
                    out_of_band=(
                        (
                            f"{PLACES}#place-results",
                            _places_context(request, system, highlight=place.pk),
                        ),
                    ),
                ),
            )
    return _render(request, PLACES, "place-add", _places_context(request, system, add_form=form))


@login_required
@require_GET
def place_row(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    place = selectors.console_place(system=system, pk=pk)
    if not wants_partial(request):
        return redirect("console:places", system.slug)
    return _render(request, PLACES, "place-row", {"system": system, "place": place})


@login_required
@require_http_methods(["GET", "POST"])
def place_edit(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    place = get_object_or_404(Place, system=system, pk=pk)
    prefix = f"place-{place.pk}"
    if request.method == "POST":
        form = PlaceForm(request.POST, prefix=prefix)
        if form.is_valid():
            try:
                services.place_update(
                    actor=_actor(request),
                    place=place,
                    expected_version=form.cleaned_data["version"] or None,
                    name=form.cleaned_data["name"],
                    population=form.cleaned_data["population"],
                    local_authority_footprint=form.cleaned_data["local_authority_footprint"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                updated = selectors.console_place(system=system, pk=place.pk)
                message = f"Saved place {updated.name}."
                return _done(
                    request,
                    message,
                    reverse("console:places", args=[system.slug]),
                    lambda: _reply(
                        request,
                        PLACES,
                        "place-row",
                        {"system": system, "place": updated},
                        status_message=message,
                    ),
                )
    else:
        form = PlaceForm(
            prefix=prefix,
            initial={
                "name": place.name,
                "population": place.population,
                "local_authority_footprint": place.local_authority_footprint,
                "version": services.record_version(place),
            },
        )
    context = {
        "system": system,
        "place": place,
        "form": form,
        "list_url": reverse("console:places", args=[system.slug]),
        "form_partial": f"{PLACES}#place-form",
        "wrapper": "table",
        "heading": f"Edit {place.name}",
    }
    if wants_partial(request):
        return _render(request, PLACES, "place-form", context)
    return render(request, EDIT, context)


@login_required
@require_POST
def place_active(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    place = get_object_or_404(Place, system=system, pk=pk)
    is_active = _flag(request, "is_active")

    def act() -> Place:
        services.place_update(actor=_actor(request), place=place, is_active=is_active)
        return selectors.console_place(system=system, pk=place.pk)

    return _row_action(
        request,
        act=act,
        list_url=reverse("console:places", args=[system.slug]),
        message=lambda updated: (
            f"{'Reactivated' if is_active else 'Deactivated'} place {updated.name}."
        ),
        done_reply=lambda updated, message: _reply(
            request,
            PLACES,
            "place-row",
            {"system": system, "place": updated},
            status_message=message,
        ),
    )


def _place_partners_context(
    system: System, place: Place, form: PlacePartnerAddForm | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "system": system,
        "place": place,
        "partners": selectors.console_place_partners(place=place),
        "partner_form": form
        or PlacePartnerAddForm(
            candidates=selectors.console_place_partner_candidates(place=place),
            prefix="partner",
        ),
        **extra,
    }


@login_required
@require_GET
def place_detail(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    place = selectors.console_place(system=system, pk=pk)
    context = _place_partners_context(
        system, place, **_place_people_context(request, system, place)
    )
    if htmx_target(request) == "place-people":
        return render(request, "partners/place_people.html", context)
    return _render(request, PLACE, "place-partners", context)


def _place_people_context(request: HttpRequest, system: System, place: Place) -> dict[str, Any]:
    return {
        "people_url": reverse("console:place", args=[system.slug, place.pk]),
        "people_list_url": reverse("console:people", args=[system.slug]),
        **paginate(request, selectors.place_people(place=place), PEOPLE_PER_PAGE),
    }


@login_required
@require_POST
def place_partner_add(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    place = get_object_or_404(Place, system=system, pk=pk)
    place_url = reverse("console:place", args=[system.slug, place.pk])
    form = PlacePartnerAddForm(
        request.POST,
        candidates=selectors.console_place_partner_candidates(place=place),
        prefix="partner",
    )
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            services.place_partner_add(
                actor=_actor(request), place=place, organisation=organisation
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            message = f"Added {organisation.name} as a partner in {place.name}."
            return _done(
                request,
                message,
                place_url,
                lambda: _reply(
                    request,
                    PLACE,
                    "place-partners",
                    _place_partners_context(system, place),
                    status_message=message,
                ),
            )
    context = _place_partners_context(
        system, place, form, **_place_people_context(request, system, place)
    )
    return _render(request, PLACE, "place-partners", context)


@login_required
@require_POST
def place_partner_remove(
    request: HttpRequest, system_slug: str, pk: int, partner_pk: int
) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    place = get_object_or_404(Place, system=system, pk=pk)
    partner = get_object_or_404(
        PlacePartner.objects.select_related("organisation", "place"), place=place, pk=partner_pk
    )
    return _row_action(
        request,
        act=lambda: services.place_partner_remove(actor=_actor(request), partner=partner),
        list_url=reverse("console:place", args=[system.slug, place.pk]),
        refused_reply=lambda problem: _reply(
            request,
            PLACE,
            "place-partners",
            _place_partners_context(system, place, partner_error=problem, error_partner=partner.pk),
        ),
        message=lambda _: f"Removed {partner.organisation.name} from {place.name}.",
        done_reply=lambda _, message: _reply(
            request,
            PLACE,
            "place-partners",
            _place_partners_context(system, place),
            status_message=message,
        ),
    )


# Organisations ----------------------------------------------------------------------------


def _organisations_context(request: HttpRequest, system: System, **extra: Any) -> dict[str, Any]:
    return _list_context(
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


def _organisation_row(system: System, organisation: Organisation, **extra: Any) -> dict[str, Any]:
    return {"system": system, "organisation": organisation, **extra}


@login_required
@require_GET
def organisations(request: HttpRequest, system_slug: str) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    return _render(
        request, ORGANISATIONS, "organisation-results", _organisations_context(request, system)
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_add(request: HttpRequest, system_slug: str) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    list_url = reverse("console:organisations", args=[system.slug])
    if request.GET.get("cancel"):
        return _render(
            request, ORGANISATIONS, "organisation-add", _organisations_context(request, system)
        )
    form = OrganisationForm(request.POST or None, prefix="new-organisation")
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                actor=_actor(request), system=system, **_organisation_form_data(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            message = f"Added organisation {organisation.name}."
            return _done(
                request,
                message,
                list_url,
                lambda: _reply(
                    request,
                    ORGANISATIONS,
                    "organisation-add",
                    {"system": system},
                    status_message=message,
                    out_of_band=(
                        (
                            f"{ORGANISATIONS}#organisation-results",
                            _organisations_context(request, system, highlight=organisation.pk),
                        ),
                    ),
                ),
            )
    return _render(
        request,
        ORGANISATIONS,
        "organisation-add",
        _organisations_context(request, system, add_form=form),
    )


@login_required
@require_GET
def organisation_row(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    organisation = selectors.console_organisation(system=system, pk=pk)
    if not wants_partial(request):
        return redirect("console:organisations", system.slug)
    return _render(
        request, ORGANISATIONS, "organisation-row", _organisation_row(system, organisation)
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    organisation = selectors.console_organisation(system=system, pk=pk)
    prefix = f"organisation-{organisation.pk}"
    if request.method == "POST":
        form = OrganisationForm(request.POST, prefix=prefix)
        if form.is_valid():
            try:
                services.organisation_update(
                    actor=_actor(request),
                    organisation=organisation,
                    expected_version=form.cleaned_data["version"] or None,
                    **_organisation_form_data(form),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                updated = selectors.console_organisation(system=system, pk=organisation.pk)
                message = f"Saved organisation {updated.name}."
                return _done(
                    request,
                    message,
                    reverse("console:organisations", args=[system.slug]),
                    lambda: _reply(
                        request,
                        ORGANISATIONS,
                        "organisation-row",
                        _organisation_row(system, updated),
                        status_message=message,
                    ),
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
                "version": services.record_version(organisation),
            },
        )
    context = {
        **_organisation_row(system, organisation),
        "form": form,
        "list_url": reverse("console:organisations", args=[system.slug]),
        "form_partial": f"{ORGANISATIONS}#organisation-form",
        "wrapper": "table",
        "heading": f"Edit {organisation.name}",
    }
    if wants_partial(request):
        return _render(request, ORGANISATIONS, "organisation-form", context)
    return render(request, EDIT, context)


@login_required
@require_POST
def organisation_active(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    organisation = get_object_or_404(Organisation, system=system, pk=pk)
    is_active = _flag(request, "is_active")

    def act() -> Organisation:
        services.organisation_update(
            actor=_actor(request), organisation=organisation, is_active=is_active
        )
        return selectors.console_organisation(system=system, pk=organisation.pk)

    return _row_action(
        request,
        act=act,
        list_url=reverse("console:organisations", args=[system.slug]),
        message=lambda updated: (
            f"{'Reactivated' if is_active else 'Deactivated'} organisation {updated.name}."
        ),
        done_reply=lambda updated, message: _reply(
            request,
            ORGANISATIONS,
            "organisation-row",
            _organisation_row(system, updated),
            status_message=message,
        ),
    )


@login_required
@require_POST
def organisation_delete(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    organisation = selectors.console_organisation(system=system, pk=pk)
    name = organisation.name
    return _row_action(
        request,
        act=lambda: services.organisation_delete(actor=_actor(request), organisation=organisation),
        list_url=reverse("console:organisations", args=[system.slug]),
        refused_reply=lambda problem: _reply(
            request,
            ORGANISATIONS,
            "organisation-row",
            _organisation_row(system, organisation, row_error=problem),
        ),
        message=lambda _: f"Deleted organisation {name}.",
        done_reply=lambda _, message: _reply(
            request,
            ORGANISATIONS,
            "organisation-deleted",
            {"system": system, "name": name, "pk": pk},
            status_message=message,
        ),
    )


def _aliases_context(
    system: System, organisation: Organisation, form: AliasForm | None = None
) -> dict[str, Any]:
    return {
        "system": system,
        "organisation": organisation,
        # With a form in the context the mini-form stays open, to add another.
        "alias_form": form or AliasForm(prefix=f"alias-{organisation.pk}"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def organisation_alias_add(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    """POST adds an alias. GET opens the form on demand: for HTMX just the form, into the row
    (rows show a link instead of embedding a form each), otherwise a page of its own."""
    system = get_system_for_admin(request, system_slug)
    organisation = get_object_or_404(Organisation, system=system, pk=pk)
    if request.method == "GET" and wants_partial(request):
        return _render(
            request,
            ORGANISATIONS,
            "organisation-alias-add",
            {**_aliases_context(system, organisation), "focus_form": True},
        )
    form = AliasForm(request.POST or None, prefix=f"alias-{organisation.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            alias = services.organisation_alias_add(
                actor=_actor(request), organisation=organisation, alias=form.cleaned_data["alias"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            updated = selectors.console_organisation(system=system, pk=organisation.pk)
            message = f"Added alias “{alias.alias}” to {organisation.name}."
            return _done(
                request,
                message,
                reverse("console:organisations", args=[system.slug]),
                lambda: _reply(
                    request,
                    ORGANISATIONS,
                    "organisation-aliases",
                    _aliases_context(system, updated),
                    status_message=message,
                ),
            )
    updated = selectors.console_organisation(system=system, pk=organisation.pk)
    if wants_partial(request):
        return _render(
            request, ORGANISATIONS, "organisation-aliases", _aliases_context(system, updated, form)
        )
    # Without JavaScript, show the form (with its error, if any) on a page of its own.
    return render(
        request,
        EDIT,
        {
            **_aliases_context(system, updated, form),
            "list_url": reverse("console:organisations", args=[system.slug]),
            "form_partial": f"{ORGANISATIONS}#organisation-aliases",
            "wrapper": "div",
            "heading": f"Aliases of {organisation.name}",
        },
    )


@login_required
@require_POST
def organisation_alias_remove(
    request: HttpRequest, system_slug: str, pk: int, alias_pk: int
) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    organisation = get_object_or_404(Organisation, system=system, pk=pk)
    alias = get_object_or_404(
        OrganisationAlias.objects.select_related("organisation__system"),
        organisation=organisation,
        pk=alias_pk,
    )

    def act() -> Organisation:
        services.organisation_alias_remove(actor=_actor(request), alias=alias)
        return selectors.console_organisation(system=system, pk=organisation.pk)

    return _row_action(
        request,
        act=act,
        list_url=reverse("console:organisations", args=[system.slug]),
        message=lambda _: f"Removed alias “{alias.alias}” from {organisation.name}.",
        done_reply=lambda updated, message: _reply(
            request,
            ORGANISATIONS,
            "organisation-aliases",
            _aliases_context(system, updated),
            status_message=message,
        ),
    )


# People and memberships ---------------------------------------------------------------------


def _people_context(request: HttpRequest, system: System, **extra: Any) -> dict[str, Any]:
    return _list_context(
        request,
        system,
        url_name="console:people",
        rows=selectors.console_people,
        choice_filter=("role", Role.choices),
        **extra,
    )


def _person_row(system: System, person: User, **extra: Any) -> dict[str, Any]:
    return {"system": system, "person": person, **extra}


@login_required
@require_GET
def people(request: HttpRequest, system_slug: str) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    return _render(request, PEOPLE, "person-results", _people_context(request, system))


@login_required
@require_http_methods(["GET", "POST"])
def person_invite(request: HttpRequest, system_slug: str) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    list_url = reverse("console:people", args=[system.slug])
    if request.GET.get("cancel"):
        return _render(request, PEOPLE, "person-invite", _people_context(request, system))
    form = PersonInviteForm(request.POST or None, system=system, prefix="invite")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.person_invite(
                actor=_actor(request),
                system=system,
                email=data["email"],
                full_name=data["full_name"],
                job_title=data["job_title"],
                role=data["role"],
                place=data["place"],
                organisation=data["organisation"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            person = membership.user
            if person.has_usable_password():
                message = f"Added {person} as {membership.get_role_display().lower()}."
            else:
                message = f"Invited {person}: an e-mail is on its way to {person.email}."
            return _done(
                request,
                message,
                list_url,
                lambda: _reply(
                    request,
                    PEOPLE,
                    "person-invite",
                    {"system": system},
                    status_message=message,
                    out_of_band=(
                        (
                            f"{PEOPLE}#person-results",
                            _people_context(request, system, highlight=person.pk),
                        ),
                    ),
                ),
            )
    return _render(
        request, PEOPLE, "person-invite", _people_context(request, system, invite_form=form)
    )


@login_required
@require_GET
def person_row(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    person = selectors.console_person(system=system, pk=pk)
    if not wants_partial(request):
        return redirect("console:people", system.slug)
    return _render(request, PEOPLE, "person-row", _person_row(system, person))


@login_required
@require_http_methods(["GET", "POST"])
def person_membership_add(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    person = selectors.console_person(system=system, pk=pk)
    list_url = reverse("console:people", args=[system.slug])
    form = MembershipAddForm(request.POST or None, system=system, prefix=f"person-{person.pk}")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.membership_create(
                actor=_actor(request),
                user=person,
                system=system,
                role=data["role"],
                place=data["place"],
                organisation=data["organisation"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            updated = selectors.console_person(system=system, pk=person.pk)
            message = (
                f"{person} is now {membership.get_role_display().lower()}"
                f"{f' in {membership.place.name}' if membership.place else ''}."
            )

            def reply() -> HttpResponse:
                response = _reply(
                    request,
                    PEOPLE,
                    "person-row",
                    _person_row(system, updated),
                    status_message=message,
                )
                return reswap(retarget(response, f"#person-{person.pk}"), "outerHTML")

            return _done(request, message, list_url, reply)
    context = {
        **_person_row(system, person),
        "membership_form": form,
        "list_url": list_url,
        "form_partial": f"{PEOPLE}#membership-add",
        "wrapper": "div",
        "heading": f"Add a role for {person}",
    }
    if wants_partial(request):
        return _render(request, PEOPLE, "membership-add", context)
    return render(request, EDIT, context)


@login_required
@require_POST
def person_resend_invitation(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    person = selectors.console_person(system=system, pk=pk)
    list_url = reverse("console:people", args=[system.slug])
    return _row_action(
        request,
        act=lambda: services.person_invitation_resend(
            actor=_actor(request), system=system, user=person
        ),
        list_url=list_url,
        refused_reply=lambda problem: _reply(
            request, PEOPLE, "person-row", _person_row(system, person, row_error=problem)
        ),
        message=lambda _: f"Sent a new invitation to {person} ({person.email}).",
        done_reply=lambda _, message: _reply(
            request,
            PEOPLE,
            "person-row",
            _person_row(system, person, invitation_sent=True),
            status_message=message,
        ),
    )


def _person_action(
    request: HttpRequest,
    system_slug: str,
    pk: int,
    change: Callable[[System, User], object],
    done: Callable[[User], str],
) -> HttpResponse:
    """A button on a person's row: make the change, then answer with the row (HTMX) or the
    list and a message; a refusal shows on the row."""
    system = get_system_for_admin(request, system_slug)
    person = selectors.console_person(system=system, pk=pk)

    def act() -> User:
        change(system, person)
        return selectors.console_person(system=system, pk=person.pk)

    return _row_action(
        request,
        act=act,
        list_url=reverse("console:people", args=[system.slug]),
        refused_reply=lambda problem: _reply(
            request, PEOPLE, "person-row", _person_row(system, person, row_error=problem)
        ),
        message=lambda _: done(person),
        done_reply=lambda updated, message: _reply(
            request, PEOPLE, "person-row", _person_row(system, updated), status_message=message
        ),
    )


@login_required
@require_POST
def person_deactivate(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    return _person_action(
        request,
        system_slug,
        pk,
        lambda system, person: services.person_deactivate_in_system(
            actor=_actor(request), system=system, user=person
        ),
        lambda person: f"Deactivated {person}: they can no longer sign in.",
    )


@login_required
@require_POST
def person_two_factor_reset(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    return _person_action(
        request,
        system_slug,
        pk,
        lambda system, person: two_factor.two_factor_reset(
            actor=_actor(request), system=system, user=person
        ),
        lambda person: (
            f"Reset the two-factor sign-in of {person}: they set up a new "
            "authenticator app when they next sign in."
        ),
    )


def _membership_context(system: System, membership: Membership, **extra: Any) -> dict[str, Any]:
    return {"system": system, "membership": membership, "person": membership.user, **extra}


@login_required
@require_GET
def membership_item(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    membership = selectors.console_membership(system=system, pk=pk)
    if not wants_partial(request):
        return redirect("console:people", system.slug)
    return _render(request, PEOPLE, "membership", _membership_context(system, membership))


@login_required
@require_http_methods(["GET", "POST"])
def membership_edit(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    membership = selectors.console_membership(system=system, pk=pk)
    if not membership.is_current:
        raise Http404("This role has ended.")
    list_url = reverse("console:people", args=[system.slug])
    prefix = f"membership-{membership.pk}"
    if request.method == "POST":
        form = MembershipChangeForm(request.POST, membership=membership, prefix=prefix)
        if form.is_valid():
            try:
                services.membership_update(
                    actor=_actor(request),
                    membership=membership,
                    role=form.cleaned_data["role"],
                    organisation=form.cleaned_data["organisation"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                updated = selectors.console_membership(system=system, pk=membership.pk)
                message = (
                    f"{updated.user} is now {updated.get_role_display().lower()}"
                    f"{f' in {updated.place.name}' if updated.place else ''}."
                )
                return _done(
                    request,
                    message,
                    list_url,
                    lambda: _reply(
                        request,
                        PEOPLE,
                        "membership",
                        _membership_context(system, updated),
                        status_message=message,
                    ),
                )
    else:
        form = MembershipChangeForm(
            membership=membership,
            prefix=prefix,
            initial={"role": membership.role, "organisation": membership.organisation_id},
        )
    context = {
        **_membership_context(system, membership),
        "membership_form": form,
        "list_url": list_url,
        "form_partial": f"{PEOPLE}#membership-form",
        "wrapper": "list",
        "heading": f"Change the role of {membership.user}",
    }
    if wants_partial(request):
        return _render(request, PEOPLE, "membership-form", context)
    return render(request, EDIT, context)


@login_required
@require_POST
def membership_end(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    membership = selectors.console_membership(system=system, pk=pk)
    list_url = reverse("console:people", args=[system.slug])

    def act() -> Membership:
        ended = services.membership_end(actor=_actor(request), membership=membership)
        return selectors.console_membership(system=system, pk=ended.pk)

    return _row_action(
        request,
        act=act,
        list_url=list_url,
        refused_reply=lambda problem: _reply(
            request,
            PEOPLE,
            "membership",
            _membership_context(system, membership, membership_error=problem),
        ),
        message=lambda ended: (
            f"Removed {ended.user} as {ended.get_role_display().lower()}"
            f"{f' of {ended.place.name}' if ended.place else ''}."
        ),
        done_reply=lambda ended, message: _reply(
            request,
            PEOPLE,
            "membership",
            _membership_context(system, ended),
            status_message=message,
        ),
    )
