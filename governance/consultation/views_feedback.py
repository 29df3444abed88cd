"""Anonymised feedback summaries: the ICB admin's pages to compile, review, release and
download a round's summary (under the console), and the advisory group's pages to read and
download released summaries.

Who may do what, checked on every request:
- console pages: ICB governance admins of the system (`get_system_for_admin`), for a round
  of that system; everyone else gets 404;
- advisory pages: advisory group members of the system (READ_RELEASED_SUMMARIES) and its
  ICB admins, for RELEASED summaries only; an unreleased summary does not exist there.

The advisory pages render only the summary's content, which is anonymised when it is
compiled: nothing here adds a place, a person or a response's raw text to them.

The console summary page's state panel is one partial: while a compilation is queued or
running it polls its own `progress/` URL every two seconds and replaces itself; once the
compilation ends the panel it returns no longer polls. Without JavaScript it has a Refresh
link, and every button is an ordinary form (POST, then redirect with a message)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from core.htmx import wants_partial
from governance.consultation import feedback
from governance.consultation.models import (
    ConsultationRound,
    ExportFormat,
    FeedbackSummary,
    JobState,
    RedactionDecision,
    RedactionKind,
    ResponseStatus,
    SummaryExport,
)
from partners.access import has_object_permission
from partners.console_views import get_system_for_admin
from partners.forms import NHSForm, add_service_errors
from partners.models import Place, System, User
from partners.permissions import ADMINISTER_SYSTEM, READ_RELEASED_SUMMARIES

ADMIN_SUMMARY = "governance/feedback/admin_summary.html"
ADMIN_REVIEW = "governance/feedback/admin_review.html"
SUMMARIES = "governance/feedback/summaries.html"
SUMMARY = "governance/feedback/summary.html"
STATUS = "console/shared.html#status"
TIMELINE = "governance/_round_timeline.html"

FORMAT_ORDER = [choice.value for choice in ExportFormat]

# What each kind of removed text is, in words, for the review page (the colour of a
# highlight repeats it; it is never the only cue).
KIND_LABELS = {
    "place": "place name",
    "organisation": "organisation name",
    "person": "person’s name",
    "email": "e-mail address",
    "phone": "telephone number",
    "postcode": "postcode",
    "url": "web address",
    "nhs_number": "NHS number",
    "redacted": "phrase redacted on review",
}
COUNT_LABELS = {
    "place": "Place names",
    "organisation": "Organisation names",
    "person": "People’s names",
    "email": "E-mail addresses",
    "phone": "Telephone numbers",
    "postcode": "Postcodes",
    "url": "Web addresses",
    "nhs_number": "NHS numbers",
    "redacted": "Phrases redacted on review",
}
# A "keep" choice undoes a false positive among names; e-mails, telephone numbers and the
# like are always removed (see governance.consultation.anonymise.scrub).
KEEPABLE_KINDS = frozenset({"place", "organisation", "person"})


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _optional_url(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def _exports(summary: FeedbackSummary) -> list[SummaryExport]:
    """The summary's files without their bytes, in the order the formats are listed."""
    rows = list(SummaryExport.objects.filter(summary=summary).defer("data"))
    return sorted(rows, key=lambda row: FORMAT_ORDER.index(row.format))


def _file_response(request: HttpRequest, export: SummaryExport) -> FileResponse:
    """A stored summary file as a download that no cache keeps and no browser sniffs; each
    download is audited."""
    feedback.export_download_record(actor=_actor(request), export=export)
    response = FileResponse(
        io.BytesIO(bytes(export.data)),
        as_attachment=True,
        filename=export.filename,
        content_type=export.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _export_or_404(summary: FeedbackSummary, fmt: str) -> SummaryExport:
    if fmt not in ExportFormat.values:
        raise Http404("No such format.")
    export = (
        SummaryExport.objects.select_related("summary__round__system")
        .filter(summary=summary, format=fmt)
        .first()
    )
    if export is None:
        raise Http404("No such file.")
    return export


# Console: loading ------------------------------------------------------------------------------


@dataclass
class AdminContext:
    system: System
    round: ConsultationRound

    def url(self, name: str, *args: Any) -> str:
        return reverse(f"summary_admin:{name}", args=[self.system.slug, self.round.pk, *args])

    @cached_property
    def urls(self) -> dict[str, str]:
        names = ("summary", "progress", "compile", "release", "withdraw", "review")
        urls = {name: self.url(name) for name in names}
        urls["redaction_add"] = self.url("redaction_add")
        # The round's own console page, where there is one (else the console's overview).
        urls["round_page"] = _optional_url("console:round", self.system.slug, self.round.pk) or ""
        urls["rounds"] = _optional_url("console:rounds", self.system.slug) or ""
        urls["dashboard"] = reverse("console:dashboard", args=[self.system.slug])
        return urls


def _load_admin(request: HttpRequest, system_slug: str, round_pk: int) -> AdminContext:
    system = get_system_for_admin(request, system_slug)  # 404 unless ADMINISTER_SYSTEM
    consultation = get_object_or_404(
        ConsultationRound.objects.select_related("system", "framework"),
        pk=round_pk,
        system=system,
    )
    return AdminContext(system=system, round=consultation)


def _summary(ctx: AdminContext) -> FeedbackSummary | None:
    summary = feedback.summary_for_round(round=ctx.round)
    if summary is not None:
        summary.round = ctx.round  # already loaded: no second query for the round
    return summary


# Console: the summary page and its state panel ---------------------------------------------------


def _panel_context(ctx: AdminContext, *, error: str = "") -> dict[str, Any]:
    summary = _summary(ctx)
    context: dict[str, Any] = {
        "system": ctx.system,
        "round": ctx.round,
        "summary": summary,
        "urls": ctx.urls,
        "error": error,
        "compile_refusal": None,
        "release_refusal": None,
        "stale": False,
        "exports": [],
        "redaction_counts": [],
        "decision_count": 0,
    }
    if summary is None or not summary.is_busy:
        context["compile_refusal"] = feedback.compile_refusal(round=ctx.round)
    if summary is not None and summary.state == JobState.COMPLETE and summary.has_content:
        context["stale"] = feedback.summary_is_stale(summary)
        context["release_refusal"] = feedback.release_refusal(summary)
        context["exports"] = _exports(summary)
        context["redaction_counts"] = [
            (COUNT_LABELS.get(kind, kind), count)
            for kind, count in (summary.redaction_counts or {}).items()
            if count
        ]
        context["redaction_total"] = sum((summary.redaction_counts or {}).values())
        context["decision_count"] = RedactionDecision.objects.filter(round=ctx.round).count()
    return context


def _panel_reply(
    request: HttpRequest, ctx: AdminContext, *, error: str = "", status_message: str = ""
) -> HttpResponse:
    """The state panel alone, plus the polite status message (out of band) saying what
    happened."""
    html: str = render_to_string(
        f"{ADMIN_SUMMARY}#panel", _panel_context(ctx, error=error), request
    )
    if status_message:
        status = render_to_string(STATUS, {"status_message": status_message, "oob": True})
        html += f"<template>{status}</template>"
    response = HttpResponse(html)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_GET
def summary_page(request: HttpRequest, system_slug: str, round_pk: int) -> HttpResponse:
    ctx = _load_admin(request, system_slug, round_pk)
    if wants_partial(request):
        return _panel_reply(request, ctx)
    response = render(request, ADMIN_SUMMARY, _panel_context(ctx))
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_GET
def progress(request: HttpRequest, system_slug: str, round_pk: int) -> HttpResponse:
    """The state panel only: what the panel polls while a compilation is under way."""
    ctx = _load_admin(request, system_slug, round_pk)
    return _panel_reply(request, ctx)


def _after_action(
    request: HttpRequest, ctx: AdminContext, *, error: str = "", message: str = ""
) -> HttpResponse:
    if wants_partial(request):
        return _panel_reply(request, ctx, error=error, status_message=message)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, message)
    return redirect(ctx.url("summary"))


@login_required
@require_POST
def compile_summary(request: HttpRequest, system_slug: str, round_pk: int) -> HttpResponse:
    ctx = _load_admin(request, system_slug, round_pk)
    try:
        summary = feedback.summary_request_compile(actor=_actor(request), round=ctx.round)
    except ValidationError as error:
        return _after_action(request, ctx, error=error.messages[0])
    # Without a task broker the job has already run by now; with one, it is under way.
    summary.refresh_from_db(fields=["state"])
    return _after_action(
        request,
        ctx,
        message="Compiled the feedback summary. Review it before you release it."
        if summary.state == JobState.COMPLETE
        else "Compiling the feedback summary. This page shows its progress.",
    )


@login_required
@require_POST
def release(request: HttpRequest, system_slug: str, round_pk: int) -> HttpResponse:
    ctx = _load_admin(request, system_slug, round_pk)
    summary = _summary(ctx)
    if summary is None:
        return _after_action(request, ctx, error="The summary has not been compiled yet.")
    try:
        feedback.summary_release(actor=_actor(request), summary=summary)
    except ValidationError as error:
        return _after_action(request, ctx, error=error.messages[0])
    return _after_action(
        request, ctx, message="Released the summary. The advisory group can now read it."
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, system_slug: str, round_pk: int) -> HttpResponse:
    ctx = _load_admin(request, system_slug, round_pk)
    summary = _summary(ctx)
    if summary is None or not summary.is_released:
        return _after_action(request, ctx, error="The summary is not released.")
    feedback.summary_withdraw(actor=_actor(request), summary=summary)
    return _after_action(
        request, ctx, message="Withdrew the summary. The advisory group can no longer read it."
    )


@login_required
@require_GET
def admin_download(request: HttpRequest, system_slug: str, round_pk: int, fmt: str) -> FileResponse:
    ctx = _load_admin(request, system_slug, round_pk)
    summary = _summary(ctx)
    if summary is None or not summary.has_content:
        raise Http404("No summary.")
    return _file_response(request, _export_or_404(summary, fmt))


# Console: the redaction review -----------------------------------------------------------------


class RedactionForm(NHSForm):
    kind = forms.ChoiceField(choices=RedactionKind.choices, widget=forms.HiddenInput)
    phrase = forms.CharField(
        label="Phrase to redact",
        max_length=feedback.PHRASE_MAX_LENGTH,
        help_text="Every appearance of this phrase, in every place’s response, becomes "
        "“[redacted]”. Case and punctuation do not matter.",
    )
    note = forms.CharField(
        label="Why (optional)",
        max_length=300,
        required=False,
        help_text="For other reviewers: for example, “names a local landmark”.",
    )


def _place_filter(request: HttpRequest, ctx: AdminContext) -> tuple[list[Place], Place | None]:
    """The places that submitted a response (the review's filter) and the one chosen."""
    places = list(
        Place.objects.filter(
            responses__round=ctx.round, responses__status=ResponseStatus.SUBMITTED
        ).order_by("name")
    )
    raw = request.POST.get("place") if request.method == "POST" else request.GET.get("place")
    chosen = next((place for place in places if str(place.pk) == (raw or "")), None)
    return places, chosen


def _review_items(ctx: AdminContext, place: Place | None) -> list[dict[str, Any]]:
    items = []
    for item in feedback.review_items(round=ctx.round, place_id=place.pk if place else None):
        items.append(
            {
                "place_name": item.place_name,
                "where": item.where,
                "scrubbed": item.scrubbed,
                "removed": len(item.spans),
                "pieces": [
                    {
                        "kind": kind,
                        "text": text,
                        "label": KIND_LABELS.get(kind, kind),
                        "keepable": kind in KEEPABLE_KINDS,
                    }
                    for kind, text in item.pieces
                ],
            }
        )
    return items


def _review_context(
    request: HttpRequest,
    ctx: AdminContext,
    *,
    form: RedactionForm | None = None,
    keep_error: str = "",
) -> dict[str, Any]:
    places, chosen = _place_filter(request, ctx)
    summary = _summary(ctx)
    decisions = list(
        RedactionDecision.objects.filter(round=ctx.round)
        .select_related("created_by")
        .order_by("kind", "phrase")
    )
    return {
        "system": ctx.system,
        "round": ctx.round,
        "urls": ctx.urls,
        "summary": summary,
        "stale": bool(summary and feedback.summary_is_stale(summary)),
        "places": places,
        "chosen_place": chosen,
        "items": _review_items(ctx, chosen),
        "redactions": [d for d in decisions if d.kind == RedactionKind.REDACT],
        "keeps": [d for d in decisions if d.kind == RedactionKind.KEEP],
        "form": form or RedactionForm(initial={"kind": RedactionKind.REDACT}),
        "keep_error": keep_error,
    }


def _review_reply(
    request: HttpRequest, ctx: AdminContext, context: dict[str, Any], *, status_message: str = ""
) -> HttpResponse:
    if wants_partial(request):
        html = render_to_string(f"{ADMIN_REVIEW}#review-body", context, request)
        status = render_to_string(STATUS, {"status_message": status_message, "oob": True})
        response = HttpResponse(html + f"<template>{status}</template>")
    else:
        response = render(request, ADMIN_REVIEW, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _review_url(ctx: AdminContext, place: Place | None) -> str:
    return ctx.url("review") + (f"?place={place.pk}" if place else "")


@login_required
@require_GET
def review(request: HttpRequest, system_slug: str, round_pk: int) -> HttpResponse:
    ctx = _load_admin(request, system_slug, round_pk)
    return _review_reply(request, ctx, _review_context(request, ctx))


@login_required
@require_POST
def redaction_add(request: HttpRequest, system_slug: str, round_pk: int) -> HttpResponse:
    ctx = _load_admin(request, system_slug, round_pk)
    form = RedactionForm(request.POST)
    keeping = request.POST.get("kind") == RedactionKind.KEEP
    if form.is_valid():
        try:
            feedback.redaction_add(
                actor=_actor(request),
                round=ctx.round,
                kind=form.cleaned_data["kind"],
                phrase=form.cleaned_data["phrase"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            phrase = " ".join(form.cleaned_data["phrase"].split())
            message = (
                f"“{phrase}” will be kept as written. Recompile the summary for this to take "
                "effect."
                if keeping
                else f"“{phrase}” will be redacted everywhere. Recompile the summary for this "
                "to take effect."
            )
            if wants_partial(request):
                return _review_reply(
                    request, ctx, _review_context(request, ctx), status_message=message
                )
            messages.success(request, message)
            return redirect(_review_url(ctx, _place_filter(request, ctx)[1]))
    if keeping:
        # A "Keep this" button has no visible field: say what went wrong above the texts,
        # and leave the redaction form as it was.
        problems = [text for errors in form.errors.values() for text in errors]
        return _review_reply(
            request,
            ctx,
            _review_context(request, ctx, keep_error=" ".join(problems)),
        )
    return _review_reply(request, ctx, _review_context(request, ctx, form=form))


@login_required
@require_POST
def redaction_remove(
    request: HttpRequest, system_slug: str, round_pk: int, pk: int
) -> HttpResponse:
    ctx = _load_admin(request, system_slug, round_pk)
    decision = get_object_or_404(RedactionDecision, pk=pk, round=ctx.round)
    phrase, kind = decision.phrase, decision.kind
    feedback.redaction_remove(actor=_actor(request), decision=decision)
    message = (
        f"“{phrase}” is no longer "
        f"{'redacted by hand' if kind == RedactionKind.REDACT else 'kept as written'}. "
        "Recompile the summary for this to take effect."
    )
    if wants_partial(request):
        return _review_reply(request, ctx, _review_context(request, ctx), status_message=message)
    messages.success(request, message)
    return redirect(_review_url(ctx, _place_filter(request, ctx)[1]))


# Advisory group: released summaries --------------------------------------------------------------


def _system_for_reader(request: HttpRequest, system_slug: str) -> System:
    """404 unless the person is an advisory group member or an ICB admin of the system."""
    system = get_object_or_404(System, slug=system_slug)
    if not (
        has_object_permission(request, READ_RELEASED_SUMMARIES, system)
        or has_object_permission(request, ADMINISTER_SYSTEM, system)
    ):
        raise Http404("No such system.")
    return system


def _released_summary(system: System, round_pk: int) -> FeedbackSummary:
    """A released summary of the system's round; an unreleased one does not exist here."""
    return get_object_or_404(
        FeedbackSummary.objects.select_related("round__system", "round__framework"),
        round_id=round_pk,
        round__system=system,
        released_at__isnull=False,
        state=JobState.COMPLETE,
        compiled_generation__gt=0,
    )


def _milestones(content: dict[str, Any]) -> list[dict[str, Any]]:
    milestones = []
    for milestone in content.get("milestones") or []:
        try:
            due_on: date | None = date.fromisoformat(milestone.get("due_on", ""))
        except (TypeError, ValueError):
            due_on = None
        milestones.append({**milestone, "due_on": due_on})
    return sorted(milestones, key=lambda m: (m["due_on"] is None, m["due_on"] or date.min))


@login_required
@require_GET
def summaries(request: HttpRequest, system_slug: str) -> HttpResponse:
    system = _system_for_reader(request, system_slug)
    rows = (
        FeedbackSummary.objects.filter(
            round__system=system, released_at__isnull=False, state=JobState.COMPLETE
        )
        .select_related("round")
        .defer("content", "redaction_counts")
        .order_by("-released_at")
    )
    return render(request, SUMMARIES, {"system": system, "summaries": list(rows)})


@login_required
@require_GET
def summary(request: HttpRequest, system_slug: str, round_pk: int) -> HttpResponse:
    system = _system_for_reader(request, system_slug)
    released = _released_summary(system, round_pk)
    content = released.content or {}
    context = {
        "system": system,
        "summary": released,
        "round": released.round,
        "content": content,
        "milestones": _milestones(content),
        "timeline_template": TIMELINE if _template_exists(TIMELINE) else "",
        "exports": _exports(released),
        "is_admin": has_object_permission(request, ADMINISTER_SYSTEM, system),
    }
    return render(request, SUMMARY, context)


@login_required
@require_GET
def download(request: HttpRequest, system_slug: str, round_pk: int, fmt: str) -> FileResponse:
    system = _system_for_reader(request, system_slug)
    released = _released_summary(system, round_pk)
    return _file_response(request, _export_or_404(released, fmt))
