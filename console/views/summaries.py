"""A round's anonymised feedback summary: its page, compiling, a second admin's approval,
releasing and withdrawing each part, and downloading it.

The page's state panel is one partial: while a compilation is queued or running it polls its
own `progress/` URL every two seconds and replaces itself; once the compilation ends the
panel it returns no longer polls. Without JavaScript it has a Refresh link.

What cannot be taken back goes through a page of its own that says what will happen (GET)
and a button that does it (POST, then back to the summary page with a message): recompiling,
approving, releasing and withdrawing a part. Only the first compilation, which replaces
nothing, starts from the summary page itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from console.decorators import console_view
from core.htmx import change_done, change_refused, render_page_or_partial, reply_with_partial
from core.requests import signed_in_user
from governance.consultation import feedback, summary_release
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
    RedactionKind,
    RemovedText,
    SummaryPart,
)
from governance.consultation.summary_release import audiences_in_words, part_name
from partners.models import System, User

SUMMARY = "console/summaries/summary.html"
CONFIRM = "console/summaries/confirm.html"
APPROVE = "console/summaries/approve.html"

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
            "approve": "summary_approve",
            "review": "summary_review",
            "redaction_add": "redaction_add",
            "round_page": "round",
            "round_edit": "round_edit",
        }
        self.urls = {key: reverse(f"console:{name}", args=args) for key, name in names.items()}
        self.urls["rounds"] = reverse("console:rounds", args=[self.system.slug])
        self.urls["dashboard"] = reverse("console:dashboard", args=[self.system.slug])

    def part_url(self, action: str, part: str) -> str:
        """The page that releases or withdraws `part`."""
        return reverse(f"console:summary_{action}", args=[self.system.slug, self.round.pk, part])

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


def _part_rows(
    pages: SummaryPages, summary: FeedbackSummary, choices: list[RedactionDecision]
) -> list[dict[str, Any]]:
    """Each part: whether and when it was released, to whom, its milestone and files."""
    milestones = {m.releases: m for m in pages.round.milestones.exclude(releases="")}
    exports = summary_exports(summary)
    rows = []
    for part in SummaryPart:
        released_at = summary.released_at_of(part)
        rows.append(
            {
                "part": part.value,
                "label": part.label,
                "released_at": released_at,
                "released_by": getattr(summary, f"{part.value}_released_by")
                if released_at
                else None,
                "audiences": audiences_in_words(pages.round.audiences_of(part)),
                "milestone": milestones.get(part.value),
                "refusal": summary_release.release_refusal(summary, part, choices=choices),
                "release_url": pages.part_url("release", part),
                "withdraw_url": pages.part_url("withdraw", part),
                "exports": [export for export in exports if export.part == part],
            }
        )
    return rows


def _approval(
    summary: FeedbackSummary, user: User | None, choices: list[RedactionDecision]
) -> dict[str, Any]:
    needed = summary_release.approval_needed(summary, choices=choices)
    return {
        "needed": needed,
        "approved": summary.is_approved,
        "refusal": summary_release.approval_refusal(summary, actor=user, choices=choices)
        if needed
        else None,
    }


def _panel_context(
    pages: SummaryPages, *, user: User | None = None, error: str = ""
) -> dict[str, Any]:
    summary = pages.summary()
    context: dict[str, Any] = {
        "system": pages.system,
        "round": pages.round,
        "summary": summary,
        "urls": pages.urls,
        "error": error,
        "compile_refusal": None,
        "stale": False,
        "part_rows": [],
        "exports": [],
        "redaction_counts": [],
        "decision_count": 0,
    }
    if summary is None or not summary.is_busy:
        context["compile_refusal"] = feedback.compile_refusal(round=pages.round)
    if summary is not None and summary.state == JobState.COMPLETE and summary.has_content:
        counts = summary.redaction_counts or {}
        # The round's review choices, read once for every question the panel asks of them.
        choices = summary_release.review_choices(summary)
        context["stale"] = summary_is_stale(summary, choices=choices)
        context["part_rows"] = _part_rows(pages, summary, choices)
        context["approval"] = _approval(summary, user, choices)
        context["redaction_counts"] = [
            (COUNT_LABELS.get(kind, kind), count) for kind, count in counts.items() if count
        ]
        context["redaction_total"] = sum(counts.values())
        context["decision_count"] = len(choices)
    return context


def _panel(request: HttpRequest, pages: SummaryPages, *, error: str = "") -> HttpResponse:
    """The state panel alone (what it polls, or the reply to the first compilation)."""
    context = _panel_context(pages, user=signed_in_user(request), error=error)
    message = "" if error else _compiled_message(context["summary"])
    return reply_with_partial(request, SUMMARY, "panel", context, status_message=message)


def _compiled_message(summary: FeedbackSummary | None) -> str:
    # Without a task broker the job has already run by now; with one, it is under way.
    if summary is not None and summary.state == JobState.COMPLETE:
        return "Compiled the feedback summary. Review it before you release it."
    return "Compiling the feedback summary. This page shows its progress."


@console_view("GET")
def summary_page(request: HttpRequest, system: System, round_pk: int) -> HttpResponse:
    pages = summary_pages(system, round_pk)
    context = _panel_context(pages, user=signed_in_user(request))
    return render_page_or_partial(request, SUMMARY, "panel", context)


@console_view("GET")
def summary_progress(request: HttpRequest, system: System, round_pk: int) -> HttpResponse:
    """The state panel only: what the panel polls while a compilation is under way."""
    pages = summary_pages(system, round_pk)
    context = _panel_context(pages, user=signed_in_user(request))
    return reply_with_partial(request, SUMMARY, "panel", context)


def _confirm(
    request: HttpRequest, pages: SummaryPages, *, refusal: str | None = None, **page: Any
) -> HttpResponse:
    """A page of its own that says what an action will do, with the button that does it."""
    context = {"system": pages.system, "round": pages.round, "urls": pages.urls, **page}
    context["refusal"] = refusal
    return render(request, CONFIRM, context)


def _acted(request: HttpRequest, pages: SummaryPages, action: Any, message: str) -> HttpResponse:
    """Carry out a confirmed action; back to the summary page with what happened."""
    try:
        action()
    except ValidationError as error:
        return change_refused(request, error, pages.urls["summary"])
    return change_done(request, message, pages.urls["summary"])


def _recompile_consequences(summary: FeedbackSummary) -> list[str]:
    consequences = [
        "Every submitted response is read again, with the review choices as they are now.",
        "Places get new labels: Place A in this compilation may be Place C in the next.",
    ]
    released = [part_name(part) for part in summary.released_parts]
    if released:
        consequences.append(
            f"{' and '.join(released).capitalize()} will be withdrawn from "
            "their readers until you release them again."
        )
    if summary_release.approval_needed(summary):
        consequences.append(
            "Another ICB governance admin will need to approve the new compilation before "
            "it can be released."
        )
    return consequences


@console_view("GET", "POST")
def summary_compile(request: HttpRequest, system: System, round_pk: int) -> HttpResponse:
    """The first compilation starts at once; a recompilation is confirmed on its own page."""
    pages = summary_pages(system, round_pk)
    summary = pages.summary()
    first = summary is None or summary.state == JobState.FAILED
    if request.method == "POST" and (first or request.POST.get("confirmed")):
        # The first compilation (or a retry of a failed one) replaces nothing released, so it
        # starts from the summary page itself and replies with the panel over htmx.
        in_place = (lambda: _panel(request, pages)) if first else None
        try:
            feedback.summary_request_compile(actor=signed_in_user(request), round=pages.round)
        except ValidationError as error:
            refused = error.messages[0]
            return change_refused(
                request,
                error,
                pages.urls["summary"],
                (lambda: _panel(request, pages, error=refused)) if first else None,
            )
        return change_done(
            request, _compiled_message(pages.summary()), pages.urls["summary"], in_place
        )
    if first or summary is None:
        return redirect(pages.urls["summary"])
    return _confirm(
        request,
        pages,
        refusal=feedback.compile_refusal(round=pages.round)
        or ("A compilation is already under way." if summary.is_busy else None),
        heading="Recompile the summary",
        consequences=_recompile_consequences(summary),
        action=pages.urls["compile"],
        button="Recompile the summary",
        confirmed=True,
    )


@console_view("GET", "POST")
def summary_approve(request: HttpRequest, system: System, round_pk: int) -> HttpResponse:
    """A second ICB admin checks the review choices and approves the compilation."""
    pages = summary_pages(system, round_pk)
    summary = pages.summary()
    if summary is None:
        raise Http404("No summary.")
    user = signed_in_user(request)
    if request.method == "POST":
        return _acted(
            request,
            pages,
            lambda: summary_release.summary_approve(actor=user, summary=summary),
            "Approved the review choices. The summary can now be released.",
        )
    choices = summary_release.review_choices(summary)
    context = {
        "system": pages.system,
        "round": pages.round,
        "urls": pages.urls,
        "heading": "Approve the review choices",
        "choice_groups": [
            {
                "heading": heading,
                "id": f"{kind}-choices",
                "by": by,
                "choices": [c for c in choices if c.kind == kind],
            }
            for kind, heading, by in (
                (RedactionKind.KEEP, "Names kept as written", "Kept by"),
                (RedactionKind.REDACT, "Phrases redacted by hand", "Redacted by"),
            )
        ],
        "consequences": [
            "Your approval is recorded in the audit trail with your name.",
            "The summary can then be released, part by part.",
            "If it is recompiled, it will need approving again.",
        ],
        "action": pages.urls["approve"],
        "button": "Approve these choices",
        "refusal": summary_release.approval_refusal(summary, actor=user),
    }
    return render(request, APPROVE, context)


def _part_or_404(part: str) -> SummaryPart:
    if part not in SummaryPart.values:
        raise Http404("No such part.")
    return SummaryPart(part)


def _compiled_summary_or_404(pages: SummaryPages) -> FeedbackSummary:
    summary = pages.summary()
    if summary is None or not summary.has_content:
        raise Http404("No summary.")
    return summary


def _release_page(summary: FeedbackSummary, part: SummaryPart, audiences: str) -> dict[str, Any]:
    """What releasing a part will do, or why it cannot be released now."""
    consequences = [
        f"{audiences.capitalize()} will be able to read {part_name(part)} and download its files.",
        "Every download is recorded with who and when.",
        "You can withdraw it later, but not from anyone who has already downloaded it.",
    ]
    if milestone := summary_release.release_milestone(summary, part):
        consequences.insert(
            0, f"It is due at the milestone “{milestone.title}” on {milestone.due_on:%-d %B %Y}."
        )
    if summary.released_at_of(part) is not None:
        refusal: str | None = f"{part_name(part).capitalize()} is already released."
    else:
        refusal = summary_release.release_refusal(summary, part)
    return {"consequences": consequences, "refusal": refusal}


def _withdraw_page(summary: FeedbackSummary, part: SummaryPart, audiences: str) -> dict[str, Any]:
    """What withdrawing a part will do, or why there is nothing to withdraw."""
    return {
        "consequences": [
            f"{audiences.capitalize()} will no longer be able to read {part_name(part)} or "
            "download its files.",
            "Copies already downloaded cannot be taken back.",
            "You can release it again later.",
        ],
        "refusal": None
        if summary.released_at_of(part)
        else f"{part_name(part).capitalize()} is not released.",
        "warning": True,
    }


@dataclass(frozen=True)
class PartAction:
    """Releasing or withdrawing one part of a summary: its page, its change, what is said."""

    verb: str
    change: Callable[..., FeedbackSummary]
    page: Callable[[FeedbackSummary, SummaryPart, str], dict[str, Any]]
    done: Callable[[str, str], str]  # (the part, its readers) → the message


RELEASE = PartAction(
    "release",
    summary_release.summary_release,
    _release_page,
    lambda part, readers: f"Released {part} to {readers}.",
)
WITHDRAW = PartAction(
    "withdraw",
    summary_release.summary_withdraw,
    _withdraw_page,
    lambda part, readers: f"Withdrew {part}. {readers.capitalize()} can no longer read it.",
)


def _part_action(
    request: HttpRequest, system: System, round_pk: int, part: str, action: PartAction
) -> HttpResponse:
    """GET: the page that says what `action` will do to the part; POST: do it."""
    pages = summary_pages(system, round_pk)
    chosen = _part_or_404(part)
    summary = _compiled_summary_or_404(pages)
    readers = audiences_in_words(pages.round.audiences_of(chosen))
    if request.method == "POST":
        user = signed_in_user(request)
        return _acted(
            request,
            pages,
            lambda: action.change(actor=user, summary=summary, part=chosen),
            action.done(part_name(chosen), readers),
        )
    title = f"{action.verb.capitalize()} {part_name(chosen)}"
    return _confirm(
        request,
        pages,
        heading=title,
        action=pages.part_url(action.verb, chosen),
        button=title,
        **action.page(summary, chosen, readers),
    )


@console_view("GET", "POST")
def summary_release_part(
    request: HttpRequest, system: System, round_pk: int, part: str
) -> HttpResponse:
    return _part_action(request, system, round_pk, part, RELEASE)


@console_view("GET", "POST")
def summary_withdraw_part(
    request: HttpRequest, system: System, round_pk: int, part: str
) -> HttpResponse:
    return _part_action(request, system, round_pk, part, WITHDRAW)


@console_view("GET")
def summary_download(
    request: HttpRequest, system: System, round_pk: int, part: str, fmt: str
) -> FileResponse:
    summary = _compiled_summary_or_404(summary_pages(system, round_pk))
    return export_download(request, summary_export_or_404(summary, part, fmt))
