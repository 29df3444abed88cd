"""A place's bodies, under /places/<place>/committees/: the list, a body's page, and adding,
changing and making a body inactive. Access rules are in governance.structures.access.

Each form works without JavaScript (POST, then redirect with a message); with HTMX the same
view answers with the partial its target needs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import add_service_errors
from core.htmx import change_done, change_refused, render_page_or_partial
from core.locking import ConcurrentEditError
from core.requests import signed_in_user
from governance.structures import access, committees, selectors
from governance.structures.forms import CommitteeForm, MemberForm
from governance.structures.models import Committee
from governance.structures.tor_sections import decision_sentences, quorum_sentence
from partners.models import Place

LIST = "governance/committees/list.html"
COMMITTEE = "governance/committees/committee.html"
COMMITTEE_FORM = "governance/committees/committee_form.html"


@login_required
@require_GET
def committee_list(request: HttpRequest, place_pk: int) -> HttpResponse:
    place = access.place_to_read(request, place_pk)
    return render_page_or_partial(
        request,
        LIST,
        "committees",
        {
            "place": place,
            "rows": selectors.committee_rows(place=place),
            "can_edit": access.can_edit(request, place),
            "urls": access.page_urls(place),
        },
    )


def committee_context(
    request: HttpRequest, place: Place, committee: Committee, **extra: Any
) -> dict[str, Any]:
    """What a body's page shows; `extra` replaces or adds to it (a form with errors, a
    status message)."""
    editable = access.can_edit(request, place)
    context: dict[str, Any] = {
        "place": place,
        "committee": committee,
        "seats": selectors.committee_seats(committee),
        "versions": selectors.committee_versions(committee),
        "quorum_words": quorum_sentence(committee),
        "decision_words": " ".join(decision_sentences(committee)),
        "open_tor": selectors.committee_open_tor(committee),
        "approved_tor": selectors.committee_approved_tor(committee),
        "review_overdue": selectors.committee_review_overdue(committee),
        "can_edit": editable,
        "urls": access.page_urls(place, committee),
    }
    if editable and "member_form" not in extra:
        context["member_form"] = MemberForm(committee=committee)
    context.update(extra)
    return context


@login_required
@require_GET
def committee_page(request: HttpRequest, place_pk: int, pk: int) -> HttpResponse:
    place = access.place_to_read(request, place_pk)
    committee = access.committee_of(place, pk)
    return render_page_or_partial(
        request, COMMITTEE, "members", committee_context(request, place, committee)
    )


def _committee_form_page(
    request: HttpRequest, place: Place, form: CommitteeForm, action: str, **extra: Any
) -> HttpResponse:
    return render_page_or_partial(
        request,
        COMMITTEE_FORM,
        "committee-form",
        {
            "place": place,
            "form": form,
            "committee": form.committee,
            "urls": access.page_urls(place, form.committee),
            "action": action,
            **extra,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def committee_add(request: HttpRequest, place_pk: int) -> HttpResponse:
    place = access.place_to_read(request, place_pk)
    if (answer := access.editors_only(request, place, access.page_urls(place)["list"])) is not None:
        return answer
    form = CommitteeForm(access.posted(request), place=place)
    if request.method == "POST" and form.is_valid():
        try:
            committee = form.save(actor=signed_in_user(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            to = access.page_urls(place, committee)["committee"]
            return change_done(request, f"Added {committee.name}.", to)
    return _committee_form_page(request, place, form, reverse("committees:add", args=[place.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def committee_edit(request: HttpRequest, place_pk: int, pk: int) -> HttpResponse:
    place = access.place_to_read(request, place_pk)
    committee = access.committee_of(place, pk)
    urls = access.page_urls(place, committee)
    if (answer := access.editors_only(request, place, urls["committee"])) is not None:
        return answer
    form = CommitteeForm(access.posted(request), place=place, committee=committee)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            committee = form.save(actor=signed_in_user(request))
        except ConcurrentEditError as error:
            conflict = Committee.objects.get(pk=committee.pk)
            add_service_errors(form, error)
            form.start_from(conflict.version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return change_done(request, f"Saved {committee.name}.", urls["committee"])
    action = reverse("committees:edit", args=[place.pk, committee.pk])
    return _committee_form_page(request, place, form, action, conflict=conflict)


@login_required
@require_http_methods(["GET", "POST"])
def committee_deactivate(request: HttpRequest, place_pk: int, pk: int) -> HttpResponse:
    """GET asks for confirmation on a page of its own (a body cannot be made active again);
    POST makes it inactive."""
    place = access.place_to_read(request, place_pk)
    committee = access.committee_of(place, pk)
    to = access.page_urls(place, committee)["committee"]
    if (answer := access.editors_only(request, place, to)) is not None:
        return answer
    if request.method == "GET":
        return render(
            request,
            "governance/committees/confirm.html",
            {
                "place": place,
                "committee": committee,
                "caption": place.name,
                "question": f"Make {committee.name} inactive?",
                "consequences": [
                    f"{committee.name} stays on {place.name}'s list of bodies, marked "
                    "inactive, with its members and terms of reference.",
                    "No other body can be made accountable to it.",
                    "It cannot be made active again: to have it back, add it as a new body.",
                ],
                "refusal": "" if committee.is_active else f"{committee.name} is already inactive.",
                "button": "Make inactive",
                "action": request.path,
                "cancel_url": to,
            },
        )
    try:
        committees.committee_deactivate(actor=signed_in_user(request), committee=committee)
    except ValidationError as error:
        return change_refused(request, error, to)
    return change_done(request, f"{committee.name} is now inactive.", to)
