"""The redaction review of a round's feedback summary: the places' texts, a page at a time
(filtered by place, and by whether something was removed or may still be a name), each as
written beside its anonymised form; a phrase to redact everywhere; and, each on a page of its
own, a name to keep as written, with the reason why, and the removal of a review choice.

Every action returns the reviewer to the place, filter and page they were on."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from console.decorators import console_view
from console.forms import KeepForm, RedactionForm
from console.replies import confirm_page, form_sent
from console.views.summaries import SummaryPages, summary_pages
from core.htmx import change_done, render_page_or_partial, reply_with_partial, wants_partial
from core.requests import signed_in_user
from governance.consultation import anonymise, feedback_review
from governance.consultation.models import (
    ConsultationRound,
    FeedbackSummary,
    RedactionDecision,
    RedactionKind,
    RemovedText,
    ReviewText,
)
from partners.models import System

REVIEW = "console/summaries/review.html"
KEEP = "console/summaries/keep.html"

# What each kind of highlighted text is, in words (the colour of a highlight repeats it; it
# is never the only cue).
KIND_LABELS = {kind.value: kind.label_one for kind in RemovedText} | {
    anonymise.POSSIBLE: "possible name"
}
KEEPABLE_KINDS = frozenset(kind.value for kind in RemovedText if kind.keepable)


@dataclass(frozen=True)
class ReviewState:
    """Where the reviewer is: one place or all, the filter, the page."""

    place_id: int | None = None
    show: str = feedback_review.SHOW_EVERY
    page: int = 1

    @classmethod
    def of(cls, data: QueryDict) -> ReviewState:
        place, page = data.get("place", ""), data.get("page", "")
        show = data.get("show", "")
        return cls(
            place_id=int(place) if place.isdigit() else None,
            show=show if show in feedback_review.SHOW_CHOICES else feedback_review.SHOW_EVERY,
            page=max(int(page), 1) if page.isdigit() else 1,
        )

    @property
    def fields(self) -> list[tuple[str, str]]:
        """What a form posts to come back here: what differs from the first page of every
        text."""
        return self._without_defaults(
            {"place": self.place_id or "", "show": self.show, "page": self.page}
        )

    def query(self, **changes: Any) -> str:
        fields = self._without_defaults(dict(self.fields) | changes)
        return f"?{urlencode(fields)}" if fields else ""

    @staticmethod
    def _without_defaults(values: dict[str, Any]) -> list[tuple[str, str]]:
        return [
            (name, str(value))
            for name, value in values.items()
            if value and not (name == "page" and str(value) == "1")
        ]


def _urls(pages: SummaryPages) -> dict[str, str]:
    keep = reverse("console:redaction_keep", args=[pages.system.slug, pages.round.pk])
    return {**pages.urls, "redaction_keep": keep}


def _review_pages(system: System, round_pk: int) -> tuple[SummaryPages, FeedbackSummary | None]:
    """The round, of this system only (404 otherwise), and its summary without the content the
    review never reads (for a 200-place round, megabytes of JSON), in one query."""
    consultation = get_object_or_404(
        ConsultationRound.objects.select_related("system", "framework", "feedback_summary").defer(
            "feedback_summary__content", "feedback_summary__redaction_counts"
        ),
        pk=round_pk,
        system=system,
    )
    try:
        summary: FeedbackSummary | None = consultation.feedback_summary
    except FeedbackSummary.DoesNotExist:
        summary = None
    return SummaryPages(system=system, round=consultation), summary


def _decisions(round: ConsultationRound) -> list[RedactionDecision]:
    """The round's review choices, in the order the summary's fingerprint takes them."""
    return list(
        RedactionDecision.objects.filter(round=round)
        .select_related("created_by")
        .order_by("kind", "phrase")
    )


@dataclass(frozen=True)
class _PieceWriter:
    """Writes a text as written, a piece at a time: what stays as it is; what is removed, with
    what it was taken for and, for a name, a link to keep it (to its confirmation, which
    brings the reviewer back to this page); a possible name, with a form to redact it. Written
    here rather than by a template partial per piece: a page has hundreds of pieces, and the
    partial took two thirds of the page's rendering."""

    keep_url: str
    redact_url: str
    state: ReviewState
    csrf_token: str

    def html(self, pieces: list[tuple[str, str]]) -> SafeString:
        return mark_safe("".join(self._piece(kind, text) for kind, text in pieces))  # noqa: S308

    def _piece(self, kind: str, text: str) -> str:
        if not kind:
            return escape(text)
        if kind == anonymise.POSSIBLE:
            return format_html(
                '<mark class="app-possible"><span class="nhsuk-u-visually-hidden">[possible '
                'name, left in: </span>{}<span class="nhsuk-u-visually-hidden">]</span><span '
                'class="app-possible__label" aria-hidden="true">possible name</span></mark> '
                '<form class="app-keep" method="post" action="{}" hx-post="{}" '
                'hx-target="#review-body" hx-swap="outerHTML">{}{}<input type="hidden" '
                'name="phrase" value="{}"><button class="app-link-button app-keep__button" '
                'type="submit">Redact this<span class="nhsuk-u-visually-hidden">: “{}”, '
                "everywhere</span></button></form>",
                text,
                self.redact_url,
                self.redact_url,
                self._csrf_input,
                self._state_inputs,
                text,
                text,
            )
        label = KIND_LABELS.get(kind, kind)
        removed = format_html(
            '<mark class="app-redaction app-redaction--{}"><span class="nhsuk-u-visually-hidden">'
            "[removed ({}): </span>{}<span "
            'class="nhsuk-u-visually-hidden">]</span><span class="app-redaction__kind" '
            'aria-hidden="true">{}</span></mark>',
            kind,
            label,
            text,
            label,
        )
        if kind not in KEEPABLE_KINDS:
            return removed
        keep_url = self.keep_url + "?" + urlencode({"phrase": text, **dict(self.state.fields)})
        return removed + format_html(
            ' <a class="app-keep app-keep__button" href="{}">Keep this<span '
            'class="nhsuk-u-visually-hidden">: “{}”</span></a>',
            keep_url,
            text,
        )

    @cached_property
    def _csrf_input(self) -> SafeString:
        return format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', self.csrf_token
        )

    @cached_property
    def _state_inputs(self) -> SafeString:
        return format_html_join("", '<input type="hidden" name="{}" value="{}">', self.state.fields)


def _page_links(page: Page[ReviewText], state: ReviewState, review_url: str) -> dict[str, Any]:
    """The NHS numbered pagination's links, each keeping the place and the filter."""

    def link(number: int) -> str:
        return review_url + state.query(page=number)

    return {
        "page_links": [
            {"number": number, "url": link(number)} if isinstance(number, int) else {}
            for number in page.paginator.get_elided_page_range(
                page.number, on_each_side=1, on_ends=1
            )
        ],
        "previous_url": link(page.previous_page_number()) if page.has_previous() else "",
        "next_url": link(page.next_page_number()) if page.has_next() else "",
    }


def _texts_context(
    request: HttpRequest,
    pages: SummaryPages,
    summary: FeedbackSummary,
    state: ReviewState,
    choices: tuple[list[str], list[str]],
) -> dict[str, Any]:
    """One page of the summary's indexed texts, scrubbed live with the current choices."""
    places = feedback_review.review_places(summary=summary)
    chosen = next((place for place in places if place.pk == state.place_id), None)
    state = ReviewState(chosen.pk if chosen else None, state.show, state.page)
    counts = feedback_review.counts_of(places, chosen)
    rows = feedback_review.review_texts(summary=summary, place_id=state.place_id, show=state.show)
    paginator = Paginator(rows, feedback_review.REVIEW_PAGE_SIZE)
    # Already counted with the places: the paginator need not count the rows again.
    paginator.count = counts[state.show]
    page = paginator.get_page(state.page)
    state = ReviewState(state.place_id, state.show, page.number)
    redact, keep = choices
    items = feedback_review.review_items(
        round=pages.round,
        rows=list(page.object_list),
        place_names={place.pk: place.name for place in places},
        redact=redact,
        keep=keep,
    )
    writer = _PieceWriter(
        keep_url=_urls(pages)["redaction_keep"],
        redact_url=pages.urls["redaction_add"],
        state=state,
        csrf_token=get_token(request),
    )
    return {
        "state": state,
        "places": places,
        "chosen_place": chosen,
        "show_options": [
            {"value": value, "label": label, "count": counts[value]}
            for value, label in feedback_review.SHOW_CHOICES.items()
        ],
        "show_label": feedback_review.SHOW_CHOICES[state.show],
        "page_obj": page,
        **_page_links(page, state, pages.urls["review"]),
        "items": [
            {
                "place_name": item.place_name,
                "where": item.where,
                "scrubbed": item.scrubbed,
                "removed": len(item.spans),
                "written": writer.html(item.pieces),
            }
            for item in items
        ],
    }


def _review_context(
    request: HttpRequest,
    pages: SummaryPages,
    summary: FeedbackSummary | None,
    state: ReviewState,
    *,
    decisions: list[RedactionDecision] | None = None,
    form: RedactionForm | None = None,
) -> dict[str, Any]:
    """The review page's context; `decisions`, when the caller has just read them, saves
    reading them again."""
    if decisions is None:
        decisions = _decisions(pages.round)
    choices = feedback_review.choices_of((d.kind, d.phrase) for d in decisions)
    context: dict[str, Any] = {
        "system": pages.system,
        "round": pages.round,
        "urls": _urls(pages),
        "summary": summary,
        "compiled": bool(summary and summary.has_content),
        "stale": False,
        "state": state,
        "page_size": feedback_review.REVIEW_PAGE_SIZE,
        "redactions": [d for d in decisions if d.kind == RedactionKind.REDACT],
        "keeps": [d for d in decisions if d.kind == RedactionKind.KEEP],
        "form": form or RedactionForm(),
    }
    if summary is not None and context["compiled"]:
        context["stale"] = feedback_review.fingerprint_of(*choices) != (
            summary.redaction_fingerprint
        )
        context |= _texts_context(request, pages, summary, state, choices)
    return context


def _review(request: HttpRequest, context: dict[str, Any], message: str = "") -> HttpResponse:
    """The page, or for htmx its body; the status region always says what happened (or is
    emptied, so the last message cannot mislead)."""
    if message and wants_partial(request):
        return reply_with_partial(request, REVIEW, "review-body", context, status_message=message)
    return render_page_or_partial(
        request, REVIEW, "review-body", context, clear_status_on_post=True
    )


def _changed(
    request: HttpRequest,
    pages: SummaryPages,
    summary: FeedbackSummary | None,
    state: ReviewState,
    message: str,
    decisions: list[RedactionDecision] | None = None,
) -> HttpResponse:
    """After a review choice was added or removed: the body again, or the page it was on."""

    def body_again() -> HttpResponse:
        context = _review_context(request, pages, summary, state, decisions=decisions)
        return _review(request, context, message)

    return change_done(request, message, pages.urls["review"] + state.query(), body_again)


@console_view("GET")
def summary_review(request: HttpRequest, system: System, round_pk: int) -> HttpResponse:
    pages, summary = _review_pages(system, round_pk)
    return _review(request, _review_context(request, pages, summary, ReviewState.of(request.GET)))


def _decide(
    request: HttpRequest, pages: SummaryPages, kind: RedactionKind, phrase: str, note: str
) -> RedactionDecision:
    """The signed-in admin's review choice on a phrase, for the whole round: redact or keep."""
    return feedback_review.redaction_add(
        actor=signed_in_user(request), round=pages.round, kind=kind, phrase=phrase, note=note
    )


@console_view("POST")
def redaction_add(request: HttpRequest, system: System, round_pk: int) -> HttpResponse:
    """Redact a phrase everywhere: typed into the form, or a possible name's "Redact this"."""
    pages, summary = _review_pages(system, round_pk)
    state = ReviewState.of(request.POST)
    form = RedactionForm(request.POST)
    return form_sent(
        request,
        form,
        save=lambda data: _decide(
            request, pages, RedactionKind.REDACT, data["phrase"], data["note"]
        ),
        done=lambda decision: _changed(
            request,
            pages,
            summary,
            state,
            f"“{decision.phrase}” will be redacted everywhere. "
            "Recompile the summary for this to take effect.",
        ),
        again=lambda: _review(request, _review_context(request, pages, summary, state, form=form)),
    )


@console_view("GET", "POST")
def redaction_keep(request: HttpRequest, system: System, round_pk: int) -> HttpResponse:
    """Keep a removed name as written: GET asks to confirm, with what it is, how often it
    occurs and why it matters; POST, with a reason, keeps it."""
    pages = summary_pages(system, round_pk)
    data = request.POST if request.method == "POST" else request.GET
    state = ReviewState.of(data)
    back = pages.urls["review"] + state.query()
    phrase = feedback_review.clean_phrase(data.get("phrase", ""))
    if not phrase:
        return redirect(back)
    form = KeepForm(request.POST if request.method == "POST" else None)

    def again() -> HttpResponse:
        kind = feedback_review.phrase_kind(system=system, phrase=phrase)
        return render(
            request,
            KEEP,
            {
                "system": system,
                "round": pages.round,
                "urls": _urls(pages),
                "back_url": back,
                "state": state,
                "phrase": phrase,
                "kind_label": KIND_LABELS.get(kind, ""),
                "text_count": feedback_review.texts_with_phrase(round=pages.round, phrase=phrase),
                "form": form,
            },
        )

    return form_sent(
        request,
        form,
        # The phrase as cleaned above, the one the page showed; the form only carries it back.
        save=lambda data: _decide(request, pages, RedactionKind.KEEP, phrase, data["note"]),
        done=lambda decision: change_done(
            request,
            f"“{decision.phrase}” will be kept as written. Recompile the summary for this to "
            "take effect; another ICB admin must then approve it before it is released.",
            back,
        ),
        again=again,
    )


def _remove_confirmation(
    request: HttpRequest, pages: SummaryPages, decision: RedactionDecision, state: ReviewState
) -> HttpResponse:
    """The page confirming that a review choice is removed, which returns the reviewer to
    the place, filter and page they were on."""
    phrase = decision.phrase
    if decision.kind == RedactionKind.REDACT:
        question = f"Remove “{phrase}” from the redactions?"
        consequences = [
            f"Once you recompile the summary, “{phrase}” is no longer redacted by hand: it "
            "appears as written wherever it occurs, unless it is removed for another reason, "
            "such as being found to be a name.",
            "This choice and its note are deleted. To redact the phrase again, enter it "
            "under “Redact a phrase everywhere”.",
        ]
        button = "Remove redaction"
    else:
        question = f"Remove “{phrase}” from the kept phrases?"
        consequences = [
            f"Once you recompile the summary, “{phrase}” is removed again wherever it was "
            "found, and is no longer kept as written.",
            "This choice and the reason given for it are deleted. To keep the phrase again, "
            "choose “Keep this” beside it and give the reason again.",
        ]
        button = "Remove from kept phrases"
    return confirm_page(
        request,
        pages.system,
        question=question,
        consequences=consequences,
        button=button,
        cancel_url=pages.urls["review"] + state.query(),
        list_label="Review what was removed",
        hidden=state.fields,
    )


@console_view("GET", "POST")
def redaction_remove(request: HttpRequest, system: System, round_pk: int, pk: int) -> HttpResponse:
    """GET asks for confirmation on a page of its own; POST removes the review choice."""
    if request.method == "GET":
        pages = summary_pages(system, round_pk)
        decision = get_object_or_404(RedactionDecision, pk=pk, round=pages.round)
        return _remove_confirmation(request, pages, decision, ReviewState.of(request.GET))
    pages, summary = _review_pages(system, round_pk)
    # Every choice of the round is read, the one removed among them: the review body shows
    # the others afterwards, already in order, without reading them again.
    decisions = _decisions(pages.round)
    removed = next((d for d in decisions if d.pk == pk), None)
    if removed is None:
        raise Http404("No such review choice in this round.")
    removed.round = pages.round  # its system is loaded too, for the audit row
    phrase, kind = removed.phrase, removed.kind
    feedback_review.redaction_remove(actor=signed_in_user(request), decision=removed)
    return _changed(
        request,
        pages,
        summary,
        ReviewState.of(request.POST),
        f"“{phrase}” is no longer "
        f"{'redacted by hand' if kind == RedactionKind.REDACT else 'kept as written'}. "
        "Recompile the summary for this to take effect.",
        decisions=[d for d in decisions if d is not removed],
    )
