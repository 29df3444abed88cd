"""A place's design pages, under /places/<place>/design/: the design checklist (what is missing
or unworkable in the place's governance, and where to fix it) and the decision router ("who
may take this decision?"). Both are read-only, for the place's readers; anyone else gets 404.

The router is a GET form, so an answer's address is a link anyone who may read the place can
follow to see the same answer; over HTMX only the answer is swapped and the address updated."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from core.htmx import render_page_or_partial
from delegations import selectors
from delegations.matters import MatterTree
from delegations.router import RouteResult, route_decision
from design.forms import DecisionForm
from design.validator import FAIL, PASS, WARNING, Fix, design_review, summary_counts
from partners.access import get_place_for, has_object_permission
from partners.models import Place
from partners.neighbourhoods import active_neighbourhoods
from partners.permissions import ADMINISTER_SYSTEM

CHECK = "governance/design/check.html"
DECIDE = "governance/design/decide.html"


def _fix_href(request: HttpRequest, place: Place, fix: Fix | None) -> str | None:
    """The page that fixes an item, if it exists and the reader may use it."""
    if fix is None:
        return None
    if fix.name.startswith("console:") and not has_object_permission(
        request, ADMINISTER_SYSTEM, place.system
    ):
        return None
    try:
        url = reverse(fix.name, args=fix.args)
    except NoReverseMatch:
        return None
    return f"{url}#{fix.fragment}" if fix.fragment else url


@login_required
@require_GET
def check(request: HttpRequest, place_pk: int) -> HttpResponse:
    place = get_place_for(request, place_pk)
    review = design_review(place=place)
    # A passed item offers no fix, so only the others' pages are looked up.
    rows = [
        (item, None if item.passed else _fix_href(request, place, item.fix_url))
        for item in review.items
    ]
    return render(
        request,
        CHECK,
        {
            "place": place,
            "rows": rows,
            "review": review,
            "counts": summary_counts(review.items),
            "PASS": PASS,
            "WARNING": WARNING,
            "FAIL": FAIL,
        },
    )


@login_required
@require_GET
def decide(request: HttpRequest, place_pk: int) -> HttpResponse:
    place = get_place_for(request, place_pk)
    tree = MatterTree.load(place.system_id)
    organisations, schemes = selectors.organisations_and_schemes_in_force(place=place)
    submitted = any(
        key in request.GET for key in ("matter", "value", "organisations", "neighbourhood")
    )
    form = DecisionForm(
        request.GET if submitted else None,
        tree=tree,
        organisations=organisations,
        neighbourhoods=list(active_neighbourhoods(place=place)),
        initial={"organisations": [o.pk for o in organisations]},
    )
    result: RouteResult | None = None
    if submitted and form.is_valid():
        result = route_decision(
            place=place,
            matter=form.chosen_matter(place.system_id),
            value=form.cleaned_data["value"],
            organisations=form.chosen_organisations(),
            tree=tree,
            schemes_in_force=schemes,
            neighbourhood=form.chosen_neighbourhood(),
        )
    url = reverse("design:decide", args=[place.pk])
    context = {
        "place": place,
        "form": form,
        "result": result,
        "url": url,
        "share_url": request.build_absolute_uri(f"{url}?{request.GET.urlencode()}")
        if result
        else None,
        "has_organisations": bool(organisations),
    }
    return render_page_or_partial(request, DECIDE, "decision-result", context)
