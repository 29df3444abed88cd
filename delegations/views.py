"""The read-only page of a place's schemes of delegation, for the place's readers: the lines
of the schemes in force of its partner organisations that apply to it. Schemes are written in
the ICB admin console."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from core.htmx import render_page_or_partial
from delegations import selectors
from delegations.templatetags.delegation_lines import COLUMNS as LINE_COLUMNS
from partners.access import get_place_for

PLACE = "delegations/place.html"
TABLE_HEAD = "nhsuk/table_head.html"  # the template of core's {% table_head %}
RESULTS = "delegation-schemes"  # the partial, and the id of the element it replaces

# A place can have dozens of partners with hundreds of lines between them: a page of
# organisations keeps the page quick to draw and to read, each scheme whole on one page.
SCHEMES_PER_PAGE = 10
SEARCH_LENGTH = 100  # longer than any organisation's name


@login_required
@require_GET
def place_delegations(request: HttpRequest, place_pk: int) -> HttpResponse:
    place = get_place_for(request, place_pk)
    search = request.GET.get("q", "").strip()[:SEARCH_LENGTH]
    paginator = Paginator(
        selectors.place_in_force_schemes(place=place, search=search), SCHEMES_PER_PAGE
    )
    page = paginator.get_page(request.GET.get("page"))
    selectors.add_place_lines(page.object_list, place=place)
    context = {
        "place": place,
        "search": search,
        "page_obj": page,
        "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
        "list_url": request.path,
        "results_id": RESULTS,
        # Every scheme's table has the same head: drawn once, not once a table.
        "line_table_head": render_to_string(
            TABLE_HEAD, {"headings": LINE_COLUMNS, "actions": False}, request
        ),
    }
    return render_page_or_partial(request, PLACE, RESULTS, context)
