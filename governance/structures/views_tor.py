"""The terms of reference of a body, under /places/<place>/committees/<committee>/terms/:
a version's page, starting, editing, submitting, returning and approving a version, comparing
two versions, and a version's Word and PDF files. Access rules are in
governance.structures.access."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import add_service_errors
from core.htmx import change_done, change_refused, render_page_or_partial
from core.locking import ConcurrentEditError
from core.requests import signed_in_user
from governance.structures import access, selectors, terms_of_reference, tor_documents
from governance.structures.access import VersionPage, version_to_read
from governance.structures.forms import TorApproveForm, TorEditForm
from governance.structures.models import TermsOfReference, TorStatus
from governance.structures.tor_sections import tor_sections

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


def _context(page: VersionPage) -> dict[str, Any]:
    return {
        "place": page.place,
        "committee": page.committee,
        "tor": page.tor,
        "page_url": page.url,
        "urls": access.page_urls(page.place, page.committee),
    }


@login_required
@require_POST
def tor_new(request: HttpRequest, place_pk: int, pk: int) -> HttpResponse:
    place = access.place_to_read(request, place_pk, edit=True)
    committee = access.committee_of(place, pk)
    try:
        tor = terms_of_reference.tor_create_draft(
            actor=signed_in_user(request), committee=committee
        )
    except ValidationError as error:
        return change_refused(request, error, access.page_urls(place, committee)["committee"])
    to = access.tor_url(place, tor, "tor_edit")
    return change_done(request, f"Started version {tor.number} as a draft.", to)


@login_required
@require_GET
def tor_page(request: HttpRequest, place_pk: int, pk: int, number: int) -> HttpResponse:
    page = version_to_read(request, place_pk, pk, number)
    tor = page.tor
    versions = selectors.committee_versions(page.committee)
    return render(
        request,
        TOR,
        {
            **_context(page),
            "content": tor_sections(tor),
            "review_overdue": selectors.review_overdue(tor),
            "previous": next((v for v in versions if v.number < tor.number), None),
            "open_tor": selectors.committee_open_tor(page.committee),
            "can_edit": access.can_edit(request, page.place),
            "approve_form": TorApproveForm(tor=tor),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def tor_edit(request: HttpRequest, place_pk: int, pk: int, number: int) -> HttpResponse:
    page = version_to_read(request, place_pk, pk, number)
    tor, page_url = page.tor, page.url
    if (answer := access.editors_only(request, page.place, page_url)) is not None:
        return answer
    if tor.status != TorStatus.DRAFT:
        messages.info(
            request,
            f"Version {tor.number} is {tor.get_status_display().lower()}: "
            "only a draft can be changed.",
        )
        return redirect(page_url)
    form = TorEditForm(access.posted(request), tor=tor)
    theirs: TermsOfReference | None = None
    if request.method == "POST" and form.is_valid():
        try:
            tor = form.save(actor=signed_in_user(request))
        except ConcurrentEditError as error:
            theirs = TermsOfReference.objects.select_related("updated_by").get(pk=tor.pk)
            add_service_errors(form, error)
            form.start_from(theirs.version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return change_done(request, f"Saved version {tor.number}.", page_url)
    return render(
        request,
        TOR_EDIT,
        {
            **_context(page),
            "tor": tor,
            "form": form,
            "theirs": theirs,
            "conflicts": form.sections_unlike(theirs) if theirs is not None else [],
        },
    )


def _version_move(move: Callable[..., Any], done: str) -> Callable[..., HttpResponse]:
    """A view that moves a version along its approval path (service `move`) and says so with
    `done`, or says why it cannot."""

    @login_required
    @require_POST
    def view(request: HttpRequest, place_pk: int, pk: int, number: int) -> HttpResponse:
        page = version_to_read(request, place_pk, pk, number, edit=True)
        try:
            move(actor=signed_in_user(request), tor=page.tor)
        except ValidationError as error:
            return change_refused(request, error, page.url)
        return change_done(request, done.format(number=page.tor.number), page.url)

    return view


tor_submit = _version_move(terms_of_reference.tor_submit, "Version {number} is ready for approval.")
tor_return = _version_move(
    terms_of_reference.tor_return_to_draft, "Version {number} is a draft again."
)


@login_required
@require_http_methods(["GET", "POST"])
def tor_approve(request: HttpRequest, place_pk: int, pk: int, number: int) -> HttpResponse:
    page = version_to_read(request, place_pk, pk, number)
    if (answer := access.editors_only(request, page.place, page.url)) is not None:
        return answer
    form = TorApproveForm(access.posted(request), tor=page.tor)
    if request.method == "POST" and form.is_valid():
        try:
            form.save(actor=signed_in_user(request))
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return change_refused(request, error, page.url)
            add_service_errors(form, error)
        else:
            text = f"Recorded the approval of version {page.tor.number}."
            return change_done(request, text, page.url)
    context = {**_context(page), "tor": page.tor, "form": form}
    return render_page_or_partial(request, TOR_APPROVE, "approve-form", context)


@login_required
@require_GET
def tor_diff(request: HttpRequest, place_pk: int, pk: int) -> HttpResponse:
    place = access.place_to_read(request, place_pk)
    committee = access.committee_of(place, pk)
    versions = selectors.committee_versions(committee)
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
        old, new = access.tor_of(committee, old_number), access.tor_of(committee, new_number)
        sections = terms_of_reference.tor_diff(old=old, new=new)
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
            "urls": access.page_urls(place, committee),
        },
    )


@login_required
@require_GET
def tor_download(
    request: HttpRequest, place_pk: int, pk: int, number: int, fmt: str
) -> FileResponse:
    if fmt not in DOWNLOADS:
        raise Http404("No such format.")
    page = version_to_read(request, place_pk, pk, number)
    committee, tor = page.committee, page.tor
    content_type, render_file = DOWNLOADS[fmt]
    data = render_file(tor)
    terms_of_reference.tor_download_record(actor=signed_in_user(request), tor=tor, fmt=fmt)
    filename = f"{slugify(committee.name) or 'committee'}-terms-of-reference-v{tor.number}.{fmt}"
    response = FileResponse(
        io.BytesIO(data), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
