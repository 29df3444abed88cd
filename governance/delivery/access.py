"""Who may read or change how a place delivers care, checked on every request, as for the
place's bodies (governance.structures.access):

- readers: the place's members and leads, and the ICB governance admins of its system;
  everyone else gets 404, as for the place itself;
- editors: the place's leads and the ICB governance admins of its system. A reader who is
  not an editor is refused any change (403); opening an edit page takes them back to the
  overview they can read, with a message saying why."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from partners.access import get_place_for, has_object_permission
from partners.models import Place
from partners.permissions import ADMINISTER_SYSTEM, LEAD_PLACE

EDITORS_ONLY = "Only the place's leads and ICB governance admins can change this."


def can_edit(request: HttpRequest, place: Place) -> bool:
    return has_object_permission(request, LEAD_PLACE, place) or has_object_permission(
        request, ADMINISTER_SYSTEM, place.system
    )


def place_to_read(request: HttpRequest, place_pk: int) -> Place:
    """The place if the person may read it; 404 otherwise."""
    return get_place_for(request, place_pk)


def editors_only(request: HttpRequest, place: Place) -> HttpResponse | None:
    """For an edit page: a reader who may not edit is sent back to the overview (GET) or
    refused (POST); None for an editor."""
    if can_edit(request, place):
        return None
    if request.method == "POST":
        raise PermissionDenied(EDITORS_ONLY)
    messages.info(request, EDITORS_ONLY)
    return redirect(overview_url(place))


def overview_url(place: Place, fragment: str = "") -> str:
    url = reverse("delivery:overview", args=[place.pk])
    return f"{url}#{fragment}" if fragment else url


def posted(request: HttpRequest) -> object:
    """The posted data for a bound form (even when empty), or None for a GET."""
    return request.POST if request.method == "POST" else None
