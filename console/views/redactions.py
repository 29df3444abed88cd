"""The redaction review of a round's feedback summary: every submitted text as written beside
its anonymised form; a phrase to redact everywhere, or a false positive to keep."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from console.decorators import console_view
from console.forms import RedactionForm
from console.replies import form_sent
from console.views.summaries import SummaryPages, summary_pages
from core.htmx import change_done, render_page_or_partial, reply_with_partial, wants_partial
from core.requests import signed_in_user
from governance.consultation import feedback_review
from governance.consultation.models import (
    RedactionDecision,
    RedactionKind,
    RemovedText,
    ResponseStatus,
)
from partners.models import Place, System

REVIEW = "console/summaries/review.html"

# What each kind of removed text is, in words (the colour of a highlight repeats it; it is
# never the only cue).
KIND_LABELS = {kind.value: kind.label_one for kind in RemovedText}
KEEPABLE_KINDS = frozenset(kind.value for kind in RemovedText if kind.keepable)


def _place_filter(request: HttpRequest, pages: SummaryPages) -> tuple[list[Place], Place | None]:
    """The places that submitted a response (the review's filter) and the one chosen."""
    places = list(
        Place.objects.filter(
            responses__round=pages.round, responses__status=ResponseStatus.SUBMITTED
        ).order_by("name")
    )
    raw = request.POST.get("place") if request.method == "POST" else request.GET.get("place")
    chosen = next((place for place in places if str(place.pk) == (raw or "")), None)
    return places, chosen


def _review_items(pages: SummaryPages, place: Place | None) -> list[dict[str, Any]]:
    return [
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
        for item in feedback_review.review_items(
            round=pages.round, place_id=place.pk if place else None
        )
    ]


def _review_context(
    request: HttpRequest,
    pages: SummaryPages,
    *,
    form: RedactionForm | None = None,
    keep_error: str = "",
) -> dict[str, Any]:
    places, chosen = _place_filter(request, pages)
    summary = pages.summary()
    decisions = list(
        RedactionDecision.objects.filter(round=pages.round)
        .select_related("created_by")
        .order_by("kind", "phrase")
    )
    return {
        "system": pages.system,
        "round": pages.round,
        "urls": pages.urls,
        "summary": summary,
        "stale": bool(summary and feedback_review.summary_is_stale(summary)),
        "places": places,
        "chosen_place": chosen,
        "items": _review_items(pages, chosen),
        "redactions": [d for d in decisions if d.kind == RedactionKind.REDACT],
        "keeps": [d for d in decisions if d.kind == RedactionKind.KEEP],
        "form": form or RedactionForm(initial={"kind": RedactionKind.REDACT}),
        "keep_error": keep_error,
    }


def _review(request: HttpRequest, context: dict[str, Any], message: str = "") -> HttpResponse:
    """The page, or for htmx its body; the status region always says what happened (or is
    emptied, so the last message cannot mislead)."""
    if message and wants_partial(request):
        return reply_with_partial(request, REVIEW, "review-body", context, status_message=message)
    return render_page_or_partial(
        request, REVIEW, "review-body", context, clear_status_on_post=True
    )


def _changed(request: HttpRequest, pages: SummaryPages, message: str) -> HttpResponse:
    """After a review choice was added or removed: the body again, or the page it was on."""
    place = _place_filter(request, pages)[1]
    back = pages.urls["review"] + (f"?place={place.pk}" if place else "")
    return change_done(
        request, message, back, lambda: _review(request, _review_context(request, pages), message)
    )


@console_view("GET")
def summary_review(request: HttpRequest, system: System, round_pk: int) -> HttpResponse:
    pages = summary_pages(system, round_pk)
    return _review(request, _review_context(request, pages))


@console_view("POST")
def redaction_add(request: HttpRequest, system: System, round_pk: int) -> HttpResponse:
    pages = summary_pages(system, round_pk)
    form = RedactionForm(request.POST)
    keeping = request.POST.get("kind") == RedactionKind.KEEP

    def added(_: object) -> HttpResponse:
        phrase = " ".join(form.cleaned_data["phrase"].split())
        if keeping:
            outcome = f"“{phrase}” will be kept as written."
        else:
            outcome = f"“{phrase}” will be redacted everywhere."
        return _changed(request, pages, f"{outcome} Recompile the summary for this to take effect.")

    def again() -> HttpResponse:
        if keeping:
            # A "Keep this" button has no visible field: say what went wrong above the texts,
            # and leave the redaction form as it was.
            problems = [text for errors in form.errors.values() for text in errors]
            context = _review_context(request, pages, keep_error=" ".join(problems))
            return _review(request, context)
        return _review(request, _review_context(request, pages, form=form))

    return form_sent(
        request,
        form,
        save=lambda data: feedback_review.redaction_add(
            actor=signed_in_user(request),
            round=pages.round,
            kind=data["kind"],
            phrase=data["phrase"],
            note=data["note"],
        ),
        done=added,
        again=again,
    )


@console_view("POST")
def redaction_remove(request: HttpRequest, system: System, round_pk: int, pk: int) -> HttpResponse:
    pages = summary_pages(system, round_pk)
    decision = get_object_or_404(RedactionDecision, pk=pk, round=pages.round)
    phrase, kind = decision.phrase, decision.kind
    feedback_review.redaction_remove(actor=signed_in_user(request), decision=decision)
    return _changed(
        request,
        pages,
        f"“{phrase}” is no longer "
        f"{'redacted by hand' if kind == RedactionKind.REDACT else 'kept as written'}. "
        "Recompile the summary for this to take effect.",
    )
