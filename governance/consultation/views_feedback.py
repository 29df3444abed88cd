"""The advisory group's pages: a system's released, anonymised feedback summaries, to read
and to download. ICB admins compile, review and release them in the console.

Advisory group members of the system (READ_RELEASED_SUMMARIES) and its ICB admins may read
RELEASED summaries only; an unreleased summary does not exist here. The pages render only the
summary's content, which is anonymised when it is compiled: nothing here adds a place, a
person or a response's raw text to them."""

from __future__ import annotations

from datetime import date
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
from governance.consultation.models import FeedbackSummary
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
        FeedbackSummary.objects.released().select_related("round__system", "round__framework"),
        round_id=round_pk,
        round__system=system,
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
        FeedbackSummary.objects.released()
        .filter(round__system=system)
        .select_related("round")
        .defer("content", "redaction_counts")
        .order_by("-high_level_released_at")
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
        "exports": summary_exports(released),
        "is_admin": has_object_permission(request, ADMINISTER_SYSTEM, system),
    }
    return render(request, SUMMARY, context)


@login_required
@require_GET
def download(request: HttpRequest, system_slug: str, round_pk: int, fmt: str) -> FileResponse:
    system = _system_for_reader(request, system_slug)
    released = _released_summary(system, round_pk)
    return export_download(request, summary_export_or_404(released, fmt))
