"""A place's committees and their terms of reference, under /places/<place>/committees/.

Who may do what, checked on every request:
- readers: anyone who may see the place (its members and leads, and the ICB governance
  admins of its system); everyone else gets 404, as for the place itself;
- editors: the place's leads and the ICB governance admins of its system. A reader who is
  not an editor is refused any change (403); opening an edit form just takes them back to
  the page they can read.

Each form works without JavaScript (POST, then redirect with a message); with HTMX the same
view answers with the partial its target needs."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.htmx import wants_partial
from governance.structures import committees as services
from governance.structures import tor_documents
from governance.structures.models import (
    TOR_SECTIONS,
    Committee,
    CommitteeKind,
    CommitteeMember,
    DecisionRule,
    Frequency,
    MemberPosition,
    TermsOfReference,
    TorStatus,
)
from partners.access import get_place_for, has_object_permission
from partners.forms import NHSForm, add_service_errors
from partners.models import Membership, Organisation, Place, Sector, User
from partners.permissions import ADMINISTER_SYSTEM, LEAD_PLACE
from partners.services import ConcurrentEditError

LIST = "governance/committees/list.html"
COMMITTEE = "governance/committees/committee.html"
COMMITTEE_FORM = "governance/committees/committee_form.html"
MEMBER_FORM = "governance/committees/member_form.html"
TOR = "governance/committees/tor.html"
TOR_EDIT = "governance/committees/tor_edit.html"
TOR_APPROVE = "governance/committees/tor_approve.html"
TOR_DIFF = "governance/committees/tor_diff.html"

DOWNLOADS = {
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        tor_documents.tor_docx,
    ),
    "pdf": ("application/pdf", tor_documents.tor_pdf),
}


# Access ---------------------------------------------------------------------------------------


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def can_edit(request: HttpRequest, place: Place) -> bool:
    return has_object_permission(request, LEAD_PLACE, place) or has_object_permission(
        request, ADMINISTER_SYSTEM, place.system
    )


def _place(request: HttpRequest, place_pk: int, *, edit: bool = False) -> Place:
    """The place if the person may read it (404 otherwise); with `edit`, a reader who may
    not change its bodies is refused (403)."""
    place = get_place_for(request, place_pk)
    if edit and not can_edit(request, place):
        raise PermissionDenied("Only the place's leads and ICB governance admins can change this.")
    return place


def _committee(place: Place, pk: int) -> Committee:
    committee = services.committee_for_place(place=place, pk=pk)
    if committee is None:
        raise Http404("No such committee.")
    return committee


def _tor(committee: Committee, number: int) -> TermsOfReference:
    tor = get_object_or_404(
        TermsOfReference.objects.select_related("updated_by", "created_by"),
        committee=committee,
        number=number,
    )
    tor.committee = committee
    return tor


def _read_only(request: HttpRequest, place: Place, to: str) -> HttpResponse | None:
    """For a GET of an edit form by a reader who may not edit: back to the page they can read."""
    if request.method == "GET" and not can_edit(request, place):
        messages.info(request, "Only the place's leads and ICB governance admins can change this.")
        return redirect(to)
    if request.method == "POST" and not can_edit(request, place):
        raise PermissionDenied("Only the place's leads and ICB governance admins can change this.")
    return None


def _posted(request: HttpRequest) -> Any:
    """The posted data for a bound form (even when empty), or None for a GET."""
    return request.POST if request.method == "POST" else None


def _done(request: HttpRequest, message: str, to: str) -> HttpResponse:
    """After a change: redirect (HTMX follows HX-Redirect) with a message."""
    messages.success(request, message)
    if wants_partial(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = to
        return response
    return redirect(to)


def _refused(request: HttpRequest, error: ValidationError, to: str) -> HttpResponse:
    for text in error.messages:
        messages.error(request, text)
    if wants_partial(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = to
        return response
    return redirect(to)


def _render(
    request: HttpRequest, template: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    name = f"{template}#{partial}" if wants_partial(request) else template
    response = render(request, name, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _urls(place: Place, committee: Committee | None = None) -> dict[str, str]:
    urls = {"list": reverse("committees:list", args=[place.pk])}
    if committee is not None:
        urls["committee"] = reverse("committees:committee", args=[place.pk, committee.pk])
    return urls


# Forms ----------------------------------------------------------------------------------------


class CommitteeForm(NHSForm):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(label="Kind of body", choices=CommitteeKind.choices)
    accountable_to_committee = forms.ModelChoiceField(
        label="Answers to another body of the place",
        queryset=Committee.objects.none(),
        required=False,
        empty_label="Not another body",
    )
    accountable_to_organisation = forms.ModelChoiceField(
        label="Or answers to the board of a partner organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Not an organisation's board",
        help_text="Choose one line of accountability: a body of the place or an "
        "organisation's board, not both.",
    )
    frequency = forms.ChoiceField(label="How often it meets", choices=Frequency.choices)
    meets_in_public = forms.BooleanField(label="Meets in public", required=False)
    quorum_minimum = forms.IntegerField(
        label="Quorum: voting members present", min_value=1, max_value=100
    )
    quorum_sectors = forms.MultipleChoiceField(
        label="Quorum: sectors that must have a voting member present",
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    decision_rule = forms.ChoiceField(label="How decisions are made", choices=DecisionRule.choices)
    single_partner_veto = forms.BooleanField(
        label="Any single partner organisation can veto", required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, place: Place, committee: Committee | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        others = Committee.objects.filter(place=place, is_active=True)
        if committee is not None:
            others = others.exclude(pk=committee.pk)
        self.fields["accountable_to_committee"].queryset = others  # type: ignore[attr-defined]
        self.fields["accountable_to_organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            place_partnerships__place=place
        ).order_by("name")


class MemberForm(NHSForm):
    organisation = forms.ModelChoiceField(
        label="Partner organisation",
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
    )
    role_title = forms.CharField(
        label="Role",
        max_length=200,
        help_text="The post that holds the seat, such as Director of Finance.",
    )
    person = forms.ModelChoiceField(
        label="Person (optional)",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not named",
    )
    position = forms.ChoiceField(choices=MemberPosition.choices)
    voting = forms.BooleanField(label="Voting member", required=False)
    deputy_allowed = forms.BooleanField(label="May send a deputy", required=False)
    independent = forms.BooleanField(label="Independent or non-executive", required=False)

    def __init__(self, *args: Any, place: Place, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            place_partnerships__place=place
        ).order_by("name")
        people = Membership.objects.current().filter(system_id=place.system_id).values("user_id")
        self.fields["person"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=people, is_active=True
        ).order_by("full_name")


class TorEditForm(NHSForm):
    review_date = forms.DateField(
        label="Review date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in TOR_SECTIONS:
            self.fields[key] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 6})
            )
        # Sections first, then the review date.
        self.order_fields([key for key, _ in TOR_SECTIONS] + ["review_date"])
        self.style_fields()


class TorApproveForm(NHSForm):
    approved_by = forms.CharField(
        label="Approving body", max_length=200, help_text="For example, the ICB board."
    )
    approved_on = forms.DateField(
        label="Date approved", widget=forms.DateInput(attrs={"type": "date"})
    )


# Committees -----------------------------------------------------------------------------------


def _decorate(committee: Committee) -> Committee:
    committee.chair_seat = services.committee_chair(committee)  # type: ignore[attr-defined]
    committee.approved_tor = services.committee_approved_tor(committee)  # type: ignore[attr-defined]
    committee.open_tor = services.committee_open_tor(committee)  # type: ignore[attr-defined]
    return committee


@login_required
@require_GET
def committee_list(request: HttpRequest, place_pk: int) -> HttpResponse:
    place = _place(request, place_pk)
    committees = [_decorate(c) for c in services.committees_for_place(place=place)]
    return _render(
        request,
        LIST,
        "committees",
        {
            "place": place,
            "committees": committees,
            "can_edit": can_edit(request, place),
            "urls": _urls(place),
        },
    )


def _committee_changes(form: CommitteeForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("version", None)
    return data


@login_required
@require_http_methods(["GET", "POST"])
def committee_add(request: HttpRequest, place_pk: int) -> HttpResponse:
    place = _place(request, place_pk)
    if (answer := _read_only(request, place, _urls(place)["list"])) is not None:
        return answer
    form = CommitteeForm(
        _posted(request),
        place=place,
        initial={
            "frequency": Frequency.MONTHLY,
            "quorum_minimum": 3,
            "decision_rule": DecisionRule.CONSENSUS,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.committee_create(
                actor=_actor(request), place=place, **_committee_changes(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, f"Added {committee.name}.", _urls(place, committee)["committee"])
    return _render(
        request,
        COMMITTEE_FORM,
        "committee-form",
        {
            "place": place,
            "form": form,
            "committee": None,
            "urls": _urls(place),
            "action": reverse("committees:add", args=[place.pk]),
        },
    )


@login_required
@require_GET
def committee_page(request: HttpRequest, place_pk: int, pk: int) -> HttpResponse:
    place = _place(request, place_pk)
    committee = _decorate(_committee(place, pk))
    return _render(request, COMMITTEE, "members", _committee_context(request, place, committee))


def _committee_context(
    request: HttpRequest, place: Place, committee: Committee, **extra: Any
) -> dict[str, Any]:
    editable = can_edit(request, place)
    context: dict[str, Any] = {
        "place": place,
        "committee": committee,
        "seats": committee.seats,  # type: ignore[attr-defined]
        "versions": committee.tor_versions,  # type: ignore[attr-defined]
        "quorum_words": services.quorum_in_words(committee),
        "decision_words": services.decision_rule_in_words(committee),
        "open_tor": services.committee_open_tor(committee),
        "can_edit": editable,
        "urls": _urls(place, committee),
    }
    if editable and "member_form" not in extra:
        context["member_form"] = MemberForm(
            place=place, prefix="new", initial={"voting": True, "deputy_allowed": True}
        )
    context.update(extra)
    return context


@login_required
@require_http_methods(["GET", "POST"])
def committee_edit(request: HttpRequest, place_pk: int, pk: int) -> HttpResponse:
    place = _place(request, place_pk)
    committee = _committee(place, pk)
    urls = _urls(place, committee)
    if (answer := _read_only(request, place, urls["committee"])) is not None:
        return answer
    initial = {name: getattr(committee, name) for name in services.COMMITTEE_FIELDS}
    initial["version"] = committee.version
    form = CommitteeForm(_posted(request), place=place, committee=committee, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.committee_update(
                actor=_actor(request),
                committee=committee,
                version=form.cleaned_data.get("version") or committee.version,
                **_committee_changes(form),
            )
        except ConcurrentEditError as error:
            conflict = Committee.objects.get(pk=committee.pk)
            add_service_errors(form, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, f"Saved {committee.name}.", urls["committee"])
    if conflict is not None:
        # Keep what was typed; the next save starts from the version now saved.
        data = request.POST.copy()
        data["version"] = str(conflict.version)
        form.data = data
    return _render(
        request,
        COMMITTEE_FORM,
        "committee-form",
        {
            "place": place,
            "form": form,
            "committee": committee,
            "conflict": conflict,
            "urls": urls,
            "action": reverse("committees:edit", args=[place.pk, committee.pk]),
        },
    )


@login_required
@require_POST
def committee_deactivate(request: HttpRequest, place_pk: int, pk: int) -> HttpResponse:
    place = _place(request, place_pk, edit=True)
    committee = _committee(place, pk)
    urls = _urls(place, committee)
    try:
        services.committee_deactivate(actor=_actor(request), committee=committee)
    except ValidationError as error:
        return _refused(request, error, urls["committee"])
    return _done(request, f"{committee.name} is now inactive.", urls["committee"])


# Members --------------------------------------------------------------------------------------


def _member_values(form: MemberForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


def _members_reply(
    request: HttpRequest, place: Place, committee_pk: int, message: str = "", **extra: Any
) -> HttpResponse:
    committee = _decorate(_committee(place, committee_pk))
    context = _committee_context(request, place, committee, status_message=message, **extra)
    return _render(request, COMMITTEE, "members", context)


def _member_saved(
    request: HttpRequest,
    place: Place,
    committee: Committee,
    form: MemberForm,
    save: Callable[[dict[str, Any]], CommitteeMember],
    verb: str,
) -> HttpResponse | None:
    """Saves a seat through `save`; the reply once saved, or None with the service's errors
    on the form."""
    try:
        member = save(_member_values(form))
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    text = f"{verb} {member.role_title}, {member.organisation.name}."
    if wants_partial(request):
        return _members_reply(request, place, committee.pk, text)
    messages.success(request, text)
    return redirect(_urls(place, committee)["committee"])


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, place_pk: int, pk: int) -> HttpResponse:
    place = _place(request, place_pk)
    committee = _committee(place, pk)
    urls = _urls(place, committee)
    if (answer := _read_only(request, place, urls["committee"])) is not None:
        return answer
    form = MemberForm(
        _posted(request),
        place=place,
        prefix="new",
        initial={"voting": True, "deputy_allowed": True},
    )
    if request.method == "POST" and form.is_valid():
        saved = _member_saved(
            request,
            place,
            committee,
            form,
            lambda values: services.committee_member_add(
                actor=_actor(request), committee=committee, **values
            ),
            "Added",
        )
        if saved is not None:
            return saved
    if wants_partial(request):
        return _members_reply(request, place, committee.pk, member_form=form)
    return render(
        request,
        MEMBER_FORM,
        {
            "place": place,
            "committee": committee,
            "form": form,
            "member": None,
            "urls": urls,
            "action": reverse("committees:member_add", args=[place.pk, committee.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, place_pk: int, pk: int, member_pk: int) -> HttpResponse:
    place = _place(request, place_pk)
    committee = _committee(place, pk)
    member = get_object_or_404(
        CommitteeMember.objects.select_related("organisation", "person"),
        committee=committee,
        pk=member_pk,
    )
    urls = _urls(place, committee)
    if (answer := _read_only(request, place, urls["committee"])) is not None:
        return answer
    initial = {name: getattr(member, name) for name in services.MEMBER_FIELDS}
    form = MemberForm(_posted(request), place=place, prefix=f"seat-{member.pk}", initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _member_saved(
            request,
            place,
            committee,
            form,
            lambda values: services.committee_member_update(
                actor=_actor(request), member=member, **values
            ),
            "Saved",
        )
        if saved is not None:
            return saved
    if wants_partial(request):
        return _members_reply(request, place, committee.pk, editing=member.pk, edit_form=form)
    return render(
        request,
        MEMBER_FORM,
        {
            "place": place,
            "committee": committee,
            "form": form,
            "member": member,
            "urls": urls,
            "action": reverse("committees:member_edit", args=[place.pk, committee.pk, member.pk]),
        },
    )


@login_required
@require_POST
def member_remove(request: HttpRequest, place_pk: int, pk: int, member_pk: int) -> HttpResponse:
    place = _place(request, place_pk, edit=True)
    committee = _committee(place, pk)
    member = get_object_or_404(
        CommitteeMember.objects.select_related("organisation"), committee=committee, pk=member_pk
    )
    text = f"Removed {member.role_title}, {member.organisation.name}."
    try:
        services.committee_member_remove(actor=_actor(request), member=member)
    except ValidationError as error:
        return _refused(request, error, _urls(place, committee)["committee"])
    if wants_partial(request):
        return _members_reply(request, place, committee.pk, text)
    messages.success(request, text)
    return redirect(_urls(place, committee)["committee"])


# Terms of reference ---------------------------------------------------------------------------


def _tor_url(place: Place, committee: Committee, tor: TermsOfReference, name: str = "tor") -> str:
    return reverse(f"committees:{name}", args=[place.pk, committee.pk, tor.number])


@login_required
@require_POST
def tor_new(request: HttpRequest, place_pk: int, pk: int) -> HttpResponse:
    place = _place(request, place_pk, edit=True)
    committee = _committee(place, pk)
    try:
        tor = services.tor_create_draft(actor=_actor(request), committee=committee)
    except ValidationError as error:
        return _refused(request, error, _urls(place, committee)["committee"])
    return _done(
        request,
        f"Started version {tor.number} as a draft.",
        _tor_url(place, committee, tor, "tor_edit"),
    )


@login_required
@require_GET
def tor_page(request: HttpRequest, place_pk: int, pk: int, number: int) -> HttpResponse:
    place = _place(request, place_pk)
    committee = _committee(place, pk)
    tor = _tor(committee, number)
    versions = committee.tor_versions  # type: ignore[attr-defined]
    previous = next((v for v in versions if v.number < tor.number), None)
    return render(
        request,
        TOR,
        {
            "place": place,
            "committee": committee,
            "tor": tor,
            "sections": tor_documents.document_sections(tor),
            "previous": previous,
            "open_tor": services.committee_open_tor(committee),
            "can_edit": can_edit(request, place),
            "urls": _urls(place, committee),
            "approve_form": TorApproveForm(prefix="approve"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def tor_edit(request: HttpRequest, place_pk: int, pk: int, number: int) -> HttpResponse:
    place = _place(request, place_pk)
    committee = _committee(place, pk)
    tor = _tor(committee, number)
    page_url = _tor_url(place, committee, tor)
    if (answer := _read_only(request, place, page_url)) is not None:
        return answer
    if tor.status != TorStatus.DRAFT:
        messages.info(
            request,
            f"Version {tor.number} is {tor.get_status_display().lower()}: "
            "only a draft can be changed.",
        )
        return redirect(page_url)
    initial: dict[str, Any] = {key: getattr(tor, key) for key, _ in TOR_SECTIONS}
    initial.update(review_date=tor.review_date, version=tor.version)
    form = TorEditForm(_posted(request), initial=initial)
    theirs = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            tor = services.tor_update(actor=_actor(request), tor=tor, version=version, **data)
        except ConcurrentEditError as error:
            theirs = TermsOfReference.objects.select_related("updated_by").get(pk=tor.pk)
            add_service_errors(form, error)
            # Keep what was typed; saving again replaces the version now saved.
            posted = request.POST.copy()
            posted["version"] = str(theirs.version)
            form.data = posted
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, f"Saved version {tor.number}.", page_url)
    conflicts = []
    if theirs is not None:
        conflicts = [
            {
                "label": label,
                "theirs": getattr(theirs, key),
                "yours": form.cleaned_data.get(key, ""),
            }
            for key, label in TOR_SECTIONS
            if getattr(theirs, key) != (form.cleaned_data.get(key) or "").replace("\r\n", "\n")
        ]
    return render(
        request,
        TOR_EDIT,
        {
            "place": place,
            "committee": committee,
            "tor": tor,
            "form": form,
            "theirs": theirs,
            "conflicts": conflicts,
            "page_url": page_url,
            "urls": _urls(place, committee),
        },
    )


def _tor_move(
    request: HttpRequest,
    place_pk: int,
    pk: int,
    number: int,
    move: Callable[..., Any],
    done: str,
) -> HttpResponse:
    """Moves a version along its approval path (service `move`), or says why it cannot."""
    place = _place(request, place_pk, edit=True)
    committee = _committee(place, pk)
    tor = _tor(committee, number)
    page_url = _tor_url(place, committee, tor)
    try:
        move(actor=_actor(request), tor=tor)
    except ValidationError as error:
        return _refused(request, error, page_url)
    return _done(request, done.format(number=tor.number), page_url)


@login_required
@require_POST
def tor_submit(request: HttpRequest, place_pk: int, pk: int, number: int) -> HttpResponse:
    return _tor_move(
        request,
        place_pk,
        pk,
        number,
        services.tor_submit,
        "Version {number} is ready for approval.",
    )


@login_required
@require_POST
def tor_return(request: HttpRequest, place_pk: int, pk: int, number: int) -> HttpResponse:
    return _tor_move(
        request,
        place_pk,
        pk,
        number,
        services.tor_return_to_draft,
        "Version {number} is a draft again.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def tor_approve(request: HttpRequest, place_pk: int, pk: int, number: int) -> HttpResponse:
    place = _place(request, place_pk)
    committee = _committee(place, pk)
    tor = _tor(committee, number)
    page_url = _tor_url(place, committee, tor)
    if (answer := _read_only(request, place, page_url)) is not None:
        return answer
    form = TorApproveForm(_posted(request), prefix="approve")
    if request.method == "POST" and form.is_valid():
        try:
            services.tor_approve(actor=_actor(request), tor=tor, **form.cleaned_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _refused(request, error, page_url)
            add_service_errors(form, error)
        else:
            return _done(request, f"Recorded the approval of version {tor.number}.", page_url)
    return _render(
        request,
        TOR_APPROVE,
        "approve-form",
        {
            "place": place,
            "committee": committee,
            "tor": tor,
            "form": form,
            "page_url": page_url,
            "urls": _urls(place, committee),
        },
    )


@login_required
@require_GET
def tor_diff(request: HttpRequest, place_pk: int, pk: int) -> HttpResponse:
    place = _place(request, place_pk)
    committee = _committee(place, pk)
    versions = committee.tor_versions  # type: ignore[attr-defined]
    numbers = [v.number for v in versions]

    def chosen(name: str, default: int | None) -> int | None:
        raw = request.GET.get(name, "")
        return int(raw) if raw.isdigit() and int(raw) in numbers else default

    new_number = chosen("new", numbers[0] if numbers else None)
    old_default = next((n for n in numbers if new_number is not None and n < new_number), None)
    old_number = chosen("old", old_default)
    sections = None
    old = new = None
    if old_number is not None and new_number is not None:
        old, new = _tor(committee, old_number), _tor(committee, new_number)
        sections = services.tor_diff(old=old, new=new)
    return render(
        request,
        TOR_DIFF,
        {
            "place": place,
            "committee": committee,
            "versions": versions,
            "old": old,
            "new": new,
            "old_number": old_number,
            "new_number": new_number,
            "sections": sections,
            "urls": _urls(place, committee),
        },
    )


@login_required
@require_GET
def tor_download(
    request: HttpRequest, place_pk: int, pk: int, number: int, fmt: str
) -> FileResponse:
    place = _place(request, place_pk)
    committee = _committee(place, pk)
    if fmt not in DOWNLOADS:
        raise Http404("No such format.")
    tor = _tor(committee, number)
    content_type, render_file = DOWNLOADS[fmt]
    data = render_file(tor)
    services.tor_download_record(actor=_actor(request), tor=tor, fmt=fmt)
    filename = f"{slugify(committee.name) or 'committee'}-terms-of-reference-v{tor.number}.{fmt}"
    response = FileResponse(
        io.BytesIO(data), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
