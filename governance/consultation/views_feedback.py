"""The readers' pages: a system's released, anonymised feedback summaries, to read and to
download. ICB admins compile, review and release them in the console.

A summary has two parts, each released on its own to the round's audiences for it: the
high-level summary (by default to the advisory and oversight groups) and the detailed review
(by default to the advisory group). A member of an audience (READ_RELEASED_SUMMARIES, and the
role that puts them in the audience) reads the parts released to their audiences; the
system's ICB admins read every released part. A part not released to a reader does not exist
for them: its page section and files are not shown, and its downloads are 404. The pages
render only the summary's content, which is anonymised when it is compiled: nothing here adds
a place, a person or a response's raw text to them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.views.decorators.http import require_GET

from governance.consultation.downloads import (
    export_download,
    summary_export_or_404,
    summary_exports,
)
from governance.consultation.models import FeedbackSummary, SummaryPart
from governance.consultation.selectors import readable_parts, reader_audiences
from partners.access import has_object_permission
from partners.models import System
from partners.permissions import ADMINISTER_SYSTEM, READ_RELEASED_SUMMARIES

SUMMARIES = "governance/feedback/summaries.html"
SUMMARY = "governance/feedback/summary.html"
TIMELINE = "governance/_round_timeline.html"


def _template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def _system_for_reader(request: HttpRequest, system_slug: str) -> System:
    """404 unless the person reads released summaries of the system or administers it."""
    system = get_object_or_404(System, slug=system_slug)
    if not (
        has_object_permission(request, READ_RELEASED_SUMMARIES, system)
        or has_object_permission(request, ADMINISTER_SYSTEM, system)
    ):
        raise Http404("No such system.")
    return system


def _parts_for(request: HttpRequest, system: System) -> Callable[[FeedbackSummary], list[str]]:
    """What this reader may read of a summary of `system`: the released parts of it."""
    is_admin = has_object_permission(request, ADMINISTER_SYSTEM, system)
    audiences = set() if is_admin else reader_audiences(user=request.user, system=system)  # type: ignore[arg-type]
    return lambda summary: readable_parts(summary, audiences=audiences, is_admin=is_admin)


def _released_summary(
    request: HttpRequest, system: System, round_pk: int
) -> tuple[FeedbackSummary, list[str]]:
    """A summary of the system's round with a part released to this reader, and those parts;
    404 if there is none."""
    summary = get_object_or_404(
        FeedbackSummary.objects.released().select_related("round__system", "round__framework"),
        round_id=round_pk,
        round__system=system,
    )
    parts = _parts_for(request, system)(summary)
    if not parts:
        raise Http404("No such summary.")
    return summary, parts


def _milestones(content: dict[str, Any]) -> list[dict[str, Any]]:
    milestones = []
    for milestone in content.get("milestones") or []:
        try:
            due_on: date | None = date.fromisoformat(milestone.get("due_on", ""))
        except (TypeError, ValueError):
            due_on = None
        milestones.append({**milestone, "due_on": due_on})
    return sorted(milestones, key=lambda m: (m["due_on"] is None, m["due_on"] or date.min))


def _last_released(summary: FeedbackSummary, parts: list[str]) -> datetime:
    return max(at for part in parts if (at := summary.released_at_of(part)) is not None)


@login_required
@require_GET
def summaries(request: HttpRequest, system_slug: str) -> HttpResponse:
    system = _system_for_reader(request, system_slug)
    parts_of = _parts_for(request, system)
    rows: list[dict[str, Any]] = []
    for summary in (
        FeedbackSummary.objects.released()
        .filter(round__system=system)
        .select_related("round")
        .defer("content", "redaction_counts")
    ):
        parts = parts_of(summary)
        if parts:
            rows.append(
                {
                    "summary": summary,
                    "parts": [SummaryPart(part).label for part in parts],
                    "released_at": _last_released(summary, parts),
                }
            )
    rows.sort(key=lambda row: row["released_at"], reverse=True)
    return render(request, SUMMARIES, {"system": system, "rows": rows})


@login_required
@require_GET
def summary(request: HttpRequest, system_slug: str, round_pk: int) -> HttpResponse:
    system = _system_for_reader(request, system_slug)
    released, parts = _released_summary(request, system, round_pk)
    content = released.content or {}
    context = {
        "system": system,
        "summary": released,
        "round": released.round,
        "content": content,
        "parts": parts,
        "part_names": [SummaryPart(part).label for part in parts],
        "released_at": _last_released(released, parts),
        "milestones": _milestones(content),
        "timeline_template": TIMELINE if _template_exists(TIMELINE) else "",
        "exports": summary_exports(released, parts),
        "is_admin": has_object_permission(request, ADMINISTER_SYSTEM, system),
    }
    return render(request, SUMMARY, context)


@login_required
@require_GET
def download(
    request: HttpRequest, system_slug: str, round_pk: int, part: str, fmt: str
) -> FileResponse:
    system = _system_for_reader(request, system_slug)
    released, parts = _released_summary(request, system, round_pk)
    if part not in parts:
        raise Http404("No such file.")
    return export_download(request, summary_export_or_404(released, part, fmt))
