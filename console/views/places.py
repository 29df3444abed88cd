"""Places: the list (search, add, edit and deactivate in place) and a place's page with its
partner organisations and people."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
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
from core.htmx import change_done, htmx_target, reply_with_partial
from core.pagination import PEOPLE_PER_PAGE, paginate
from core.requests import signed_in_user
from partners import selectors, services
from partners.forms import PlaceForm, PlacePartnerAddForm
from partners.models import Place, PlacePartner, System

PLACES = "console/places/list.html"
PLACE = "console/places/place.html"


def _places_url(system: System) -> str:
    return reverse("console:places", args=[system.slug])


def _places_context(request: HttpRequest, system: System, **extra: Any) -> dict[str, Any]:
    return list_context(
        request, system, url_name="console:places", rows=selectors.console_places, **extra
    )


def _row_reply(request: HttpRequest, system: System, place: Place, message: str) -> HttpResponse:
    return reply_with_partial(
        request, PLACES, "place-row", {"system": system, "place": place}, status_message=message
    )


@console_view("GET")
def places(request: HttpRequest, system: System) -> HttpResponse:
    return page_or_partial(request, PLACES, "place-results", _places_context(request, system))


@console_view("GET", "POST")
def place_add(request: HttpRequest, system: System) -> HttpResponse:
    if request.GET.get("cancel"):
        return page_or_partial(request, PLACES, "place-add", _places_context(request, system))
    form = PlaceForm(request.POST or None, prefix="new-place")
    if request.method == "POST" and form.is_valid():
        try:
            place = services.place_create(
                actor=signed_in_user(request),
                system=system,
                name=form.cleaned_data["name"],
                population=form.cleaned_data["population"],
                local_authority_footprint=form.cleaned_data["local_authority_footprint"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return added_to_list(
                request,
                template=PLACES,
                panel="place-add",
                results="place-results",
                results_context=lambda: _places_context(request, system, highlight=place.pk),
                system=system,
                message=f"Added place {place.name}.",
                list_url=_places_url(system),
            )
    context = _places_context(request, system, add_form=form)
    return page_or_partial(request, PLACES, "place-add", context)


@console_view("GET")
def place_row(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    place = selectors.console_place(system=system, pk=pk)
    context = {"system": system, "place": place}
    return row_alone(request, PLACES, "place-row", context, _places_url(system))


@console_view("GET", "POST")
def place_edit(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    place = get_object_or_404(Place, system=system, pk=pk)
    prefix = f"place-{place.pk}"
    if request.method == "POST":
        form = PlaceForm(request.POST, prefix=prefix)
        if form.is_valid():
            try:
                services.place_update(
                    actor=signed_in_user(request),
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
                return change_done(
                    request,
                    message,
                    _places_url(system),
                    lambda: _row_reply(request, system, updated, message),
                )
    else:
        form = PlaceForm(
            prefix=prefix,
            initial={
                "name": place.name,
                "population": place.population,
                "local_authority_footprint": place.local_authority_footprint,
                "version": place.version,
            },
        )
    return inline_form(
        request,
        PLACES,
        "place-form",
        {"system": system, "place": place, "form": form},
        back_url=_places_url(system),
        heading=f"Edit {place.name}",
        wrapper="table",
    )


@console_view("POST")
def place_active(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    place = get_object_or_404(Place, system=system, pk=pk)
    is_active = posted_flag(request, "is_active")

    def act() -> Place:
        services.place_update(actor=signed_in_user(request), place=place, is_active=is_active)
        return selectors.console_place(system=system, pk=place.pk)

    return row_action(
        request,
        act=act,
        list_url=_places_url(system),
        message=lambda updated: (
            f"{'Reactivated' if is_active else 'Deactivated'} place {updated.name}."
        ),
        done_reply=lambda updated, message: _row_reply(request, system, updated, message),
    )


# A place's page ---------------------------------------------------------------------------


def _partners_context(
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


def _people_context(request: HttpRequest, system: System, place: Place) -> dict[str, Any]:
    return {
        "people_url": reverse("console:place", args=[system.slug, place.pk]),
        "people_list_url": reverse("console:people", args=[system.slug]),
        **paginate(request, selectors.place_people(place=place), PEOPLE_PER_PAGE),
    }


def _partners_reply(
    request: HttpRequest, system: System, place: Place, message: str = "", **extra: Any
) -> HttpResponse:
    context = _partners_context(system, place, **extra)
    return reply_with_partial(request, PLACE, "place-partners", context, status_message=message)


@console_view("GET")
def place_detail(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    place = selectors.console_place(system=system, pk=pk)
    context = _partners_context(system, place, **_people_context(request, system, place))
    if htmx_target(request) == "place-people":
        return render(request, "partners/place_people.html", context)
    return page_or_partial(request, PLACE, "place-partners", context)


@console_view("POST")
def place_partner_add(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    place = get_object_or_404(Place, system=system, pk=pk)
    form = PlacePartnerAddForm(
        request.POST,
        candidates=selectors.console_place_partner_candidates(place=place),
        prefix="partner",
    )
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            services.place_partner_add(
                actor=signed_in_user(request), place=place, organisation=organisation
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            message = f"Added {organisation.name} as a partner in {place.name}."
            return change_done(
                request,
                message,
                reverse("console:place", args=[system.slug, place.pk]),
                lambda: _partners_reply(request, system, place, message),
            )
    context = _partners_context(system, place, form, **_people_context(request, system, place))
    return page_or_partial(request, PLACE, "place-partners", context)


@console_view("POST")
def place_partner_remove(
    request: HttpRequest, system: System, pk: int, partner_pk: int
) -> HttpResponse:
    place = get_object_or_404(Place, system=system, pk=pk)
    partner = get_object_or_404(
        PlacePartner.objects.select_related("organisation", "place"), place=place, pk=partner_pk
    )
    return row_action(
        request,
        act=lambda: services.place_partner_remove(actor=signed_in_user(request), partner=partner),
        list_url=reverse("console:place", args=[system.slug, place.pk]),
        refused_reply=lambda problem: _partners_reply(
            request, system, place, partner_error=problem, error_partner=partner.pk
        ),
        message=lambda _: f"Removed {partner.organisation.name} from {place.name}.",
        done_reply=lambda _, message: _partners_reply(request, system, place, message),
    )
