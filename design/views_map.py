"""The governance map of a place: its committees and delegate roles, the partner
organisations' boards, who answers to whom and who holds delegated authority from whom, as
a diagram with a text equivalent. Place readers only; anyone else gets 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from core.htmx import render_page_or_partial
from design.map import governance_map
from partners.access import get_place_for

PAGE = "governance/map/map.html"


@login_required
@require_GET
def place_map(request: HttpRequest, place_pk: int) -> HttpResponse:
    place = get_place_for(request, place_pk)
    context = {"place": place, "map": governance_map(place=place)}
    return render_page_or_partial(request, PAGE, "map", context)
