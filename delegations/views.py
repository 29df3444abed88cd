"""The read-only page of a place's schemes of delegation, for the place's readers: the lines
of the schemes in force of its partner organisations that apply to it. Schemes are written in
the ICB admin console."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from delegations import selectors
from partners.access import get_place_for

PLACE = "delegations/place.html"


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
