"""What the committee pages share: who may read or change a place's bodies (checked on every
request), and finding a body or a version within the place.

- readers: anyone who may see the place (its members and leads, and the ICB governance
  admins of its system); everyone else gets 404, as for the place itself;
- editors: the place's leads and the ICB governance admins of its system. A reader who is
  not an editor is refused any change (403); opening an edit form just takes them back to
  the page they can read."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from governance.structures.models import Committee, TermsOfReference
from governance.structures.selectors import committee_for_place
from partners.access import (
    PLACE_EDITORS_ONLY,
    can_edit_place,
    get_place_for,
    place_editors_only,
)
from partners.access import posted as access_posted
from partners.models import Place

EDITORS_ONLY = PLACE_EDITORS_ONLY
can_edit = can_edit_place
posted = access_posted


def place_to_read(request: HttpRequest, place_pk: int, *, edit: bool = False) -> Place:
    """The place if the person may read it (404 otherwise); with `edit`, a reader who may
    not change its bodies is refused (403)."""
    place = get_place_for(request, place_pk)
    if edit and not can_edit(request, place):
        raise PermissionDenied(EDITORS_ONLY)
    return place


def editors_only(request: HttpRequest, place: Place, back_to: str) -> HttpResponse | None:
    return place_editors_only(request, place, back_to)


def committee_of(place: Place, pk: int) -> Committee:
    """A body of the place with its seats and versions, or 404."""
    committee = committee_for_place(place=place, pk=pk)
    if committee is None:
        raise Http404("No such committee.")
    return committee


def tor_of(committee: Committee, number: int) -> TermsOfReference:
    """A version of the body's terms of reference, or 404."""
    tor = get_object_or_404(
        TermsOfReference.objects.select_related("updated_by", "created_by"),
        committee=committee,
        number=number,
    )
    tor.committee = committee
    return tor


@dataclass(frozen=True)
class VersionPage:
    """A version of a body's terms of reference, found within its place, and its page."""

    place: Place
    committee: Committee
    tor: TermsOfReference
    url: str


def version_to_read(
    request: HttpRequest, place_pk: int, pk: int, number: int, *, edit: bool = False
) -> VersionPage:
    """The version if the person may read the place (404 otherwise); with `edit`, refused
    (403) to a reader who may not change it."""
    place = place_to_read(request, place_pk, edit=edit)
    committee = committee_of(place, pk)
    tor = tor_of(committee, number)
    return VersionPage(place, committee, tor, tor_url(place, tor))


def page_urls(place: Place, committee: Committee | None = None) -> dict[str, str]:
    """The list of the place's bodies and, with a body, its page."""
    urls = {"list": reverse("committees:list", args=[place.pk])}
    if committee is not None:
        urls["committee"] = reverse("committees:committee", args=[place.pk, committee.pk])
    return urls


def tor_url(place: Place, tor: TermsOfReference, name: str = "tor") -> str:
    return reverse(f"committees:{name}", args=[place.pk, tor.committee_id, tor.number])
