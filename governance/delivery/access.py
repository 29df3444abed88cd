"""Who may read or change how a place delivers care, checked on every request, as for the
place's bodies (governance.structures.access):

- readers: the place's members and leads, and the ICB governance admins of its system;
  everyone else gets 404, as for the place itself;
- editors: the place's leads and the ICB governance admins of its system. A reader who is
  not an editor is refused any change (403); opening an edit page takes them back to the
  overview they can read, with a message saying why."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from partners.access import can_edit_place, get_place_for, place_editors_only
from partners.access import posted as access_posted
from partners.models import Place

can_edit = can_edit_place
posted = access_posted


def place_to_read(request: HttpRequest, place_pk: int) -> Place:
    """The place if the person may read it; 404 otherwise."""
    return get_place_for(request, place_pk)


def editors_only(request: HttpRequest, place: Place) -> HttpResponse | None:
    """For an edit page: a reader who may not edit is sent back to the overview (GET) or
    refused (POST); None for an editor."""
    return place_editors_only(request, place, overview_url(place))


def overview_url(place: Place, fragment: str = "") -> str:
    url = reverse("delivery:overview", args=[place.pk])
    return f"{url}#{fragment}" if fragment else url
