"""Places: the list (search, add, edit and deactivate in place) and a place's page with its
partner organisations, people, and how many of its bodies' terms of reference are overdue for
review (the console lists no bodies itself, so it links to the place's own pages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from console.decorators import console_view
from console.lists import EditableList, RowUrl
from console.replies import confirm_page, form_sent, page_or_partial, row_action
from core.htmx import change_done, htmx_target, reply_with_partial
from core.pagination import paginate
from core.requests import signed_in_user
from governance.structures.selectors import overdue_reviews
from partners import selectors, services
from partners.forms import PlaceForm, PlacePartnerAddForm
from partners.models import Organisation, Place, PlacePartner, System, User

PLACE = "console/places/place.html"


def _place_update(actor: User, place: Place, **changes: Any) -> Place:
    return services.place_update(actor=actor, place=place, **changes)


def _place_edit_form(data: QueryDict | None, place: Place) -> PlaceForm:
    initial = {name: getattr(place, name) for name in (*PLACES.fields, "version")}
    return PlaceForm(data, prefix=f"place-{place.pk}", initial=initial)


def _place_urls(system: System) -> Callable[[Any], None]:
    """What puts a place's row's URLs on it (`place.urls`)."""
    page, edit = RowUrl("console:place", system), RowUrl("console:place_edit", system)
    active = RowUrl("console:place_active", system)

    def add_urls(place: Any) -> None:
        place.urls = {"page": page(place.pk), "edit": edit(place.pk), "active": active(place.pk)}

    return add_urls


PLACES = EditableList(
    template="console/places/list.html",
    url_name="console:places",
    rows=selectors.console_places,
    one=selectors.console_place,
    item="place",
    fields=("name", "population", "local_authority_footprint"),
    create=services.place_create,
    add_form=lambda data, system: PlaceForm(data, prefix="new-place"),
    update=_place_update,
    edit_form=_place_edit_form,
    urls=_place_urls,
)
places = PLACES.page_view()
place_add = PLACES.add_view()
place_row = PLACES.row_view()
place_edit = PLACES.edit_view()
place_active = PLACES.active_view()


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
        **paginate(request, selectors.place_people(place=place)),
    }


def _page_context(
    request: HttpRequest, system: System, place: Place, form: PlacePartnerAddForm | None = None
) -> dict[str, Any]:
    """Everything the whole page shows."""
    return _partners_context(
        system,
        place,
        form,
        overdue_reviews=overdue_reviews(place=place),
        **_people_context(request, system, place),
    )


def _partners_reply(
    request: HttpRequest, system: System, place: Place, message: str = "", **extra: Any
) -> HttpResponse:
    context = _partners_context(system, place, **extra)
    return reply_with_partial(request, PLACE, "place-partners", context, status_message=message)


@console_view("GET")
def place_detail(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    place = selectors.console_place(system=system, pk=pk)
    context = _page_context(request, system, place)
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

    def save(data: dict[str, Any]) -> Organisation:
        services.place_partner_add(
            actor=signed_in_user(request), place=place, organisation=data["organisation"]
        )
        return data["organisation"]

    def added(organisation: Organisation) -> HttpResponse:
        message = f"Added {organisation.name} as a partner in {place.name}."
        return change_done(
            request,
            message,
            reverse("console:place", args=[system.slug, place.pk]),
            lambda: _partners_reply(request, system, place, message),
        )

    def again() -> HttpResponse:
        context = _page_context(request, system, place, form)
        return page_or_partial(request, PLACE, "place-partners", context)

    return form_sent(request, form, save=save, done=added, again=again)


@console_view("GET", "POST")
def place_partner_remove(
    request: HttpRequest, system: System, pk: int, partner_pk: int
) -> HttpResponse:
    """GET asks for confirmation on a page of its own; POST removes the partner (refused,
    with the reason, while people still represent it in the place)."""
    place = get_object_or_404(Place, system=system, pk=pk)
    partner = get_object_or_404(
        PlacePartner.objects.select_related("organisation", "place"), place=place, pk=partner_pk
    )
    place_url = reverse("console:place", args=[system.slug, place.pk])
    if request.method == "GET":
        name = partner.organisation.name
        return confirm_page(
            request,
            system,
            question=f"Remove {name} from {place.name}?",
            consequences=[
                f"{name} will no longer be listed as a partner of {place.name}, and "
                f"{place.name}'s pages will no longer show its schemes of delegation. Its "
                "schemes of delegation are kept.",
                f"If people still represent {name} in {place.name}, it will not be removed: "
                "you will be asked to end or change their roles first.",
                f"To make it a partner of {place.name} again, add it again.",
            ],
            button="Remove partner",
            cancel_url=place_url,
            list_label=place.name,
        )
    return row_action(
        request,
        act=lambda: services.place_partner_remove(actor=signed_in_user(request), partner=partner),
        list_url=place_url,
        refused_reply=lambda problem: _partners_reply(
            request, system, place, partner_error=problem, error_partner=partner.pk
        ),
        message=lambda _: f"Removed {partner.organisation.name} from {place.name}.",
        done_reply=lambda _, message: _partners_reply(request, system, place, message),
    )
