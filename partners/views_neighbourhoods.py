"""A place's neighbourhoods, under /places/<place>/neighbourhoods/: the list, adding and
changing one, and making one inactive (after a page confirming it). The rules are in
partners.neighbourhoods.

Who may do what, checked on every request, as on the place's committee pages:

- readers: anyone who may see the place (its members and leads, and the ICB governance
  admins of its system); everyone else gets 404, as for the place itself;
- editors: the place's leads and the ICB governance admins of its system. A reader who is
  not an editor is refused any change (403); opening a form just takes them back to the
  list they can read.

Each form works without JavaScript (POST, then redirect with a message); with HTMX the same
view answers with the partial its target needs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import add_service_errors
from core.htmx import change_done, change_refused, render_page_or_partial
from core.locking import ConcurrentEditError
from core.requests import signed_in_user
from partners import neighbourhoods
from partners.access import can_edit_place, get_place_for, place_editors_only, posted
from partners.forms import NeighbourhoodForm
from partners.models import Neighbourhood, Place

LIST = "partners/neighbourhoods/list.html"
FORM = "partners/neighbourhoods/form.html"
CONFIRM = "partners/neighbourhoods/confirm.html"
EDITORS_ONLY = "Only the place's leads and ICB governance admins can change its neighbourhoods."


def _editors_only(request: HttpRequest, place: Place) -> HttpResponse | None:
    """For a form: a reader who may not edit is sent back to the list (GET) or refused
    (POST); None for an editor."""
    return place_editors_only(request, place, list_url(place), EDITORS_ONLY)


def list_url(place: Place) -> str:
    return reverse("neighbourhoods:list", args=[place.pk])


def _neighbourhood_of(place: Place, pk: int) -> Neighbourhood:
    found = (
        Neighbourhood.objects.select_related("lead_organisation").filter(place=place, pk=pk).first()
    )
    if found is None:
        raise Http404("No such neighbourhood.")
    found.place = place
    return found


@login_required
@require_GET
def neighbourhood_list(request: HttpRequest, place_pk: int) -> HttpResponse:
    place = get_place_for(request, place_pk)
    rows = neighbourhoods.place_neighbourhoods(place=place)
    return render(
        request,
        LIST,
        {
            "place": place,
            "neighbourhoods": rows,
            "totals": neighbourhoods.population_total(place, rows),
            "typical_hint": neighbourhoods.TYPICAL_HINT,
            "can_edit": can_edit_place(request, place),
        },
    )


def _form_page(
    request: HttpRequest, place: Place, form: NeighbourhoodForm, **extra: Any
) -> HttpResponse:
    return render_page_or_partial(
        request,
        FORM,
        "neighbourhood-form",
        {
            "place": place,
            "form": form,
            "neighbourhood": form.neighbourhood,
            "action": request.path,
            "list_url": list_url(place),
            **extra,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def neighbourhood_add(request: HttpRequest, place_pk: int) -> HttpResponse:
    place = get_place_for(request, place_pk)
    if (answer := _editors_only(request, place)) is not None:
        return answer
    form = NeighbourhoodForm(posted(request), place=place)
    if request.method == "POST" and form.is_valid():
        try:
            added = form.save(actor=signed_in_user(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return change_done(request, f"Added {added.name}.", list_url(place))
    return _form_page(request, place, form)


@login_required
@require_http_methods(["GET", "POST"])
def neighbourhood_edit(request: HttpRequest, place_pk: int, pk: int) -> HttpResponse:
    place = get_place_for(request, place_pk)
    neighbourhood = _neighbourhood_of(place, pk)
    if (answer := _editors_only(request, place)) is not None:
        return answer
    if not neighbourhood.is_active:
        return change_refused(
            request,
            ValidationError(f"{neighbourhood.name} is inactive, so it cannot be changed."),
            list_url(place),
        )
    form = NeighbourhoodForm(posted(request), place=place, neighbourhood=neighbourhood)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save(actor=signed_in_user(request))
        except ConcurrentEditError as error:
            conflict = _neighbourhood_of(place, pk)
            add_service_errors(form, error)
            form.start_from(conflict.version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return change_done(request, f"Saved {saved.name}.", list_url(place))
    return _form_page(request, place, form, conflict=conflict)


@login_required
@require_http_methods(["GET", "POST"])
def neighbourhood_deactivate(request: HttpRequest, place_pk: int, pk: int) -> HttpResponse:
    """GET asks for confirmation on a page of its own (a neighbourhood cannot be made active
    again); POST makes it inactive."""
    place = get_place_for(request, place_pk)
    neighbourhood = _neighbourhood_of(place, pk)
    to = list_url(place)
    if (answer := _editors_only(request, place)) is not None:
        return answer
    name = neighbourhood.name
    if request.method == "GET":
        return render(
            request,
            CONFIRM,
            {
                "place": place,
                "caption": place.name,
                "question": f"Make {name} inactive?",
                "consequences": [
                    f"{name} stays on {place.name}'s list of neighbourhoods, marked inactive, "
                    "with its population and lead.",
                    "Lines of schemes of delegation that name it keep it, so their history "
                    "still reads; no new line can name it, and the decision router no longer "
                    "asks about it.",
                    "It cannot be made active again: to have it back, add it as a new "
                    "neighbourhood with another name.",
                ],
                "refusal": "" if neighbourhood.is_active else f"{name} is already inactive.",
                "button": "Make inactive",
                "action": request.path,
                "cancel_url": to,
            },
        )
    try:
        neighbourhoods.neighbourhood_deactivate(
            actor=signed_in_user(request), neighbourhood=neighbourhood
        )
    except ValidationError as error:
        return change_refused(request, error, to)
    return change_done(request, f"{name} is now inactive.", to)
