"""The pages a member starts from: their places (home) and a place's page, which brings
together its partners, people and consultation rounds."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from core.htmx import render_page_or_partial, wants_partial
from core.pagination import paginate
from core.requests import signed_in_user
from governance.consultation.models import RoundStatus
from governance.consultation.selectors import (
    HomeRound,
    rounds_for_home,
    rounds_for_place,
    rounds_needing_action,
    summaries_released_to,
)
from partners.access import get_place_for, has_object_permission
from partners.context_processors import Navigation
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
    """What the person should do next, for each of their roles: a place's open rounds and
    its response (with what a lead must still complete), the feedback summaries released to
    an advisory or oversight group member, and the rounds that need an ICB admin."""
    user = signed_in_user(request)
    # The page's own navigation, so that the header and the page read the person's systems
    # once between them.
    roles = Navigation(request)
    places = list(places_for_home(user=user))
    led = {
        place.pk
        for place in places
        if any(lead.user_id == user.pk for lead in place.leads)  # type: ignore[attr-defined]
    }
    by_place: dict[int, list[HomeRound]] = {}
    for item in rounds_for_home(places=places, led_place_ids=led):
        by_place.setdefault(item.place.pk, []).append(item)
    for place in places:
        rounds = by_place.get(place.pk, [])
        place.current_rounds = [r for r in rounds if r.phase != RoundStatus.SCHEDULED]  # type: ignore[attr-defined]
        place.coming_rounds = [r for r in rounds if r.phase == RoundStatus.SCHEDULED]  # type: ignore[attr-defined]
    context = {
        "navigation": roles,
        "places": places,
        # Roles other systems have offered the person, waiting for their answer.
        "offers": list(offers_waiting_for(user=user)),
        "rounds_to_act": rounds_needing_action(user=user) if roles.console_systems else [],
        "released": summaries_released_to(user=user) if roles.advisory_systems else [],
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
        **paginate(request, place_people(place=place, search=search)),
    }
    if not wants_partial(request):  # the rest of the page
        context["partners_by_sector"] = place_partners_by_sector(place=place)
        context["is_lead"] = has_object_permission(request, LEAD_PLACE, place)
        context["rounds"] = list(rounds_for_place(place=place))
    return render_page_or_partial(request, PLACE, "place-people", context)
