"""The seats of a body, on its page under /places/<place>/committees/<committee>/members/:
adding, changing and removing a seat. With HTMX adding and changing swap the members section
in place and say what happened; without, they redirect to the body's page with a message.
Removing a seat cannot be taken back, so it is confirmed on a page of its own first."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from core.forms import add_service_errors
from core.htmx import change_done, change_refused, render_page_or_partial, wants_partial
from core.requests import signed_in_user
from governance.structures import access, committees
from governance.structures.forms import MemberForm
from governance.structures.models import Committee, CommitteeMember
from governance.structures.views_committees import COMMITTEE, committee_context
from partners.models import Place

MEMBER_FORM = "governance/committees/member_form.html"
CONFIRM = "governance/committees/confirm.html"


def _members(
    request: HttpRequest, place: Place, committee: Committee, **extra: Any
) -> HttpResponse:
    """The members section of the body's page, read afresh."""
    committee = access.committee_of(place, committee.pk)
    context = committee_context(request, place, committee, **extra)
    return render_page_or_partial(request, COMMITTEE, "members", context)


def _seat_changed(
    request: HttpRequest, place: Place, committee: Committee, message: str
) -> HttpResponse:
    return change_done(
        request,
        message,
        access.page_urls(place, committee)["committee"],
        reply=lambda: _members(request, place, committee, status_message=message),
    )


def _seat_form(
    request: HttpRequest, place: Place, form: MemberForm, action: str, **in_place: Any
) -> HttpResponse:
    """The seat form again (with its errors): in the members section for HTMX, else on a
    page of its own."""
    if wants_partial(request):
        return _members(request, place, form.committee, **in_place)
    return render(
        request,
        MEMBER_FORM,
        {
            "place": place,
            "committee": form.committee,
            "form": form,
            "member": form.member,
            "urls": access.page_urls(place, form.committee),
            "action": action,
        },
    )


def _save_seat(request: HttpRequest, form: MemberForm) -> CommitteeMember | None:
    """The seat saved through the form, or None with the service's errors on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return form.save(actor=signed_in_user(request))
    except ValidationError as error:
        add_service_errors(form, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, place_pk: int, pk: int) -> HttpResponse:
    place = access.place_to_read(request, place_pk)
    committee = access.committee_of(place, pk)
    if (
        answer := access.editors_only(
            request, place, access.page_urls(place, committee)["committee"]
        )
    ) is not None:
        return answer
    form = MemberForm(access.posted(request), committee=committee)
    if (member := _save_seat(request, form)) is not None:
        text = f"Added {member.role_title}, {member.organisation.name}."
        return _seat_changed(request, place, committee, text)
    action = reverse("committees:member_add", args=[place.pk, committee.pk])
    return _seat_form(request, place, form, action, member_form=form)


def _seat_of(
    request: HttpRequest, place_pk: int, pk: int, member_pk: int
) -> tuple[Place, Committee, CommitteeMember]:
    """The place the person may read, its committee and the committee's seat; 404 for any
    that is not theirs to see."""
    place = access.place_to_read(request, place_pk)
    committee = access.committee_of(place, pk)
    seat = get_object_or_404(
        CommitteeMember.objects.select_related("organisation", "person"),
        committee=committee,
        pk=member_pk,
    )
    return place, committee, seat


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, place_pk: int, pk: int, member_pk: int) -> HttpResponse:
    place, committee, seat = _seat_of(request, place_pk, pk, member_pk)
    if (
        answer := access.editors_only(
            request, place, access.page_urls(place, committee)["committee"]
        )
    ) is not None:
        return answer
    form = MemberForm(access.posted(request), committee=committee, member=seat)
    if (member := _save_seat(request, form)) is not None:
        text = f"Saved {member.role_title}, {member.organisation.name}."
        return _seat_changed(request, place, committee, text)
    action = reverse("committees:member_edit", args=[place.pk, committee.pk, seat.pk])
    return _seat_form(request, place, form, action, editing=seat.pk, edit_form=form)


def _seat_holder(seat: CommitteeMember) -> str:
    """Who holds the seat, as the confirmation names them: "Dr A Patel (Chair, Ashford
    Council)", or the seat alone when nobody is named."""
    seat_name = f"{seat.role_title}, {seat.organisation.name}"
    return f"{seat.person} ({seat_name})" if seat.person else seat_name


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, place_pk: int, pk: int, member_pk: int) -> HttpResponse:
    """GET asks for confirmation on a page of its own (no JavaScript needed); POST removes."""
    place, committee, seat = _seat_of(request, place_pk, pk, member_pk)
    committee_url = access.page_urls(place, committee)["committee"]
    if (answer := access.editors_only(request, place, committee_url)) is not None:
        return answer
    if request.method == "GET":
        named = "They" if seat.person else "The seat"
        return render(
            request,
            CONFIRM,
            {
                "place": place,
                "committee": committee,
                "caption": committee.name,
                "question": f"Remove {_seat_holder(seat)} from {committee.name}?",
                "consequences": [
                    f"{named} will no longer be listed as a member of {committee.name}.",
                    "Approved versions of its terms of reference keep the seat as it was; a "
                    "draft not yet approved will no longer list it.",
                    "To have the seat again, add it as a new member.",
                ],
                "button": "Remove member",
                "action": request.path,
                "cancel_url": committee_url,
            },
        )
    text = f"Removed {_seat_holder(seat)} from {committee.name}."
    try:
        committees.committee_member_remove(actor=signed_in_user(request), member=seat)
    except ValidationError as error:
        return change_refused(request, error, committee_url)
    return _seat_changed(request, place, committee, text)
