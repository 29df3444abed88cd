"""A round's anonymised feedback summary: its page, compiling, releasing, withdrawing and
downloading it.

The page's state panel is one partial: while a compilation is queued or running it polls its
own `progress/` URL every two seconds and replaces itself; once the compilation ends the
panel it returns no longer polls. Without JavaScript it has a Refresh link, and every button
is an ordinary form (POST, then redirect with a message)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from console.decorators import console_view
from core.htmx import change_done, change_refused, render_page_or_partial, reply_with_partial
from core.requests import signed_in_user
from governance.consultation import feedback
from governance.consultation.downloads import (
    export_download,
    summary_export_or_404,
    summary_exports,
)
from governance.consultation.feedback_review import summary_is_stale
from governance.consultation.models import (
    ConsultationRound,
    FeedbackSummary,
    JobState,
    RedactionDecision,
    RemovedText,
)
from partners.models import System

SUMMARY = "console/summaries/summary.html"

# What each kind of removed text is, counted, on the summary page.
COUNT_LABELS = {kind.value: str(kind.label) for kind in RemovedText}


@dataclass
class SummaryPages:
    """A round of the administered system and the addresses of its summary's pages."""

    system: System
    round: ConsultationRound
    urls: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        args = [self.system.slug, self.round.pk]
        names = {
            "summary": "summary",
            "progress": "summary_progress",
            "compile": "summary_compile",
            "release": "summary_release",
            "withdraw": "summary_withdraw",
            "review": "summary_review",
            "redaction_add": "redaction_add",
            "round_page": "round",
        }
        self.urls = {key: reverse(f"console:{name}", args=args) for key, name in names.items()}
        self.urls["rounds"] = reverse("console:rounds", args=[self.system.slug])
        self.urls["dashboard"] = reverse("console:dashboard", args=[self.system.slug])

    def summary(self) -> FeedbackSummary | None:
        summary = feedback.summary_for_round(round=self.round)
        if summary is not None:
            summary.round = self.round  # already loaded: no second query for the round
        return summary


def summary_pages(system: System, round_pk: int) -> SummaryPages:
    """The round, of this system only (404 otherwise)."""
    consultation = get_object_or_404(
        ConsultationRound.objects.select_related("system", "framework"),
        pk=round_pk,
        system=system,
    )
    return SummaryPages(system=system, round=consultation)


def _panel_context(pages: SummaryPages, *, error: str = "") -> dict[str, Any]:
    summary = pages.summary()
    context: dict[str, Any] = {
        "system": pages.system,
        "round": pages.round,
        "summary": summary,
        "urls": pages.urls,
        "error": error,
        "compile_refusal": None,
        "release_refusal": None,
        "stale": False,
        "exports": [],
        "redaction_counts": [],
        "decision_count": 0,
    }
    if summary is None or not summary.is_busy:
        context["compile_refusal"] = feedback.compile_refusal(round=pages.round)
    if summary is not None and summary.state == JobState.COMPLETE and summary.has_content:
        counts = summary.redaction_counts or {}
        context["stale"] = summary_is_stale(summary)
        context["release_refusal"] = feedback.release_refusal(summary)
        context["exports"] = summary_exports(summary)
        context["redaction_counts"] = [
            (COUNT_LABELS.get(kind, kind), count) for kind, count in counts.items() if count
        ]
        context["redaction_total"] = sum(counts.values())
        context["decision_count"] = RedactionDecision.objects.filter(round=pages.round).count()
    return context


def _panel(
    request: HttpRequest, pages: SummaryPages, *, error: str = "", message: str = ""
) -> HttpResponse:
    """The state panel alone, and the polite status message saying what happened."""
    context = _panel_context(pages, error=error)
    return reply_with_partial(request, SUMMARY, "panel", context, status_message=message)


def _after_action(
    request: HttpRequest, pages: SummaryPages, *, error: str = "", message: str = ""
) -> HttpResponse:
    """The panel again (htmx), or the page with the error or the message."""
    reply = lambda: _panel(request, pages, error=error, message=message)  # noqa: E731
    if error:
        return change_refused(request, ValidationError(error), pages.urls["summary"], reply)
    return change_done(request, message, pages.urls["summary"], reply)


@console_view("GET")
def summary_page(request: HttpRequest, system: System, round_pk: int) -> HttpResponse:
    pages = summary_pages(system, round_pk)
    return render_page_or_partial(request, SUMMARY, "panel", _panel_context(pages))


@console_view("GET")
def summary_progress(request: HttpRequest, system: System, round_pk: int) -> HttpResponse:
    """The state panel only: what the panel polls while a compilation is under way."""
    return _panel(request, summary_pages(system, round_pk))


@console_view("POST")
def summary_compile(request: HttpRequest, system: System, round_pk: int) -> HttpResponse:
    pages = summary_pages(system, round_pk)
    try:
        summary = feedback.summary_request_compile(actor=signed_in_user(request), round=pages.round)
    except ValidationError as error:
        return _after_action(request, pages, error=error.messages[0])
    # Without a task broker the job has already run by now; with one, it is under way.
    summary.refresh_from_db(fields=["state"])
    return _after_action(
        request,
        pages,
        message="Compiled the feedback summary. Review it before you release it."
        if summary.state == JobState.COMPLETE
        else "Compiling the feedback summary. This page shows its progress.",
    )


@console_view("POST")
def summary_release(request: HttpRequest, system: System, round_pk: int) -> HttpResponse:
    pages = summary_pages(system, round_pk)
    summary = pages.summary()
    if summary is None:
        return _after_action(request, pages, error="The summary has not been compiled yet.")
    try:
        feedback.summary_release(actor=signed_in_user(request), summary=summary)
    except ValidationError as error:
        return _after_action(request, pages, error=error.messages[0])
    return _after_action(
        request, pages, message="Released the summary. The advisory group can now read it."
    )


@console_view("POST")
def summary_withdraw(request: HttpRequest, system: System, round_pk: int) -> HttpResponse:
    pages = summary_pages(system, round_pk)
    summary = pages.summary()
    if summary is None or not summary.is_released:
        return _after_action(request, pages, error="The summary is not released.")
    feedback.summary_withdraw(actor=signed_in_user(request), summary=summary)
    return _after_action(
        request, pages, message="Withdrew the summary. The advisory group can no longer read it."
    )


@console_view("GET")
def summary_download(request: HttpRequest, system: System, round_pk: int, fmt: str) -> FileResponse:
    summary = summary_pages(system, round_pk).summary()
    if summary is None or not summary.has_content:
        raise Http404("No summary.")
    return export_download(request, summary_export_or_404(summary, fmt))
