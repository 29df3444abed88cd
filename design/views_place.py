"""The pages a member starts from: their places (home) and a place's page, which brings
together its partners, people and consultation rounds."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from core.htmx import render_page_or_partial, wants_partial
from core.pagination import PEOPLE_PER_PAGE, paginate
from core.requests import signed_in_user
from governance.consultation.selectors import rounds_for_place
from partners.access import get_place_for, has_object_permission
from partners.permissions import LEAD_PLACE
from partners.selectors import (
    offers_waiting_for,
    place_partners_by_sector,
    place_people,
    places_for_home,
)

PLACE = "partners/place_detail.html"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    context = {
        "places": places_for_home(user=user),
        # Roles other systems have offered the person, waiting for their answer.
        "offers": list(offers_waiting_for(user=user)),
    }
    return render(request, "partners/home.html", context)


@login_required
def place_detail(request: HttpRequest, place_pk: int) -> HttpResponse:
    """The place's partners by sector and its people; for HTMX (search, paging) just the
    people."""
    place = get_place_for(request, place_pk)
    search = request.GET.get("q", "").strip()
    context = {
        "place": place,
        "search": search,
        "people_url": reverse("place_detail", args=[place.pk]),
        **paginate(request, place_people(place=place, search=search), PEOPLE_PER_PAGE),
    }
    if not wants_partial(request):  # the rest of the page
        context["partners_by_sector"] = place_partners_by_sector(place=place)
        context["is_lead"] = has_object_permission(request, LEAD_PLACE, place)
        context["rounds"] = list(rounds_for_place(place=place))
    return render_page_or_partial(request, PLACE, "place-people", context)
