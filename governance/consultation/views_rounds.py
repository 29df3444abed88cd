"""The ICB admin console's consultation rounds: the list, setting a round up and changing it,
the round page with its progress board (refreshed by HTMX), more time for a place, and
closing a round early.

Every view goes through `get_system_for_admin` (404 unless the person administers the
system) and finds the round within that system. Views parse forms, call governance.consultation.rounds and
render; every form works without JavaScript (POST, then redirect with a message)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core.htmx import wants_partial
from governance.consultation import feedback, rounds
from governance.consultation.forms import (
    NEW_MILESTONE_SLOTS,
    CloseForm,
    ExtensionForm,
    MilestoneForm,
    QuestionForm,
    RoundForm,
    add_round_errors,
    milestone_forms,
    new_round_initial,
    question_forms,
    question_specs,
    round_form_initial,
    uk_parts,
)
from governance.consultation.models import ConsultationRound, RoundStatus
from governance.consultation.services import DEFAULT_QUESTIONS, UK, uk_datetime
from partners.console_views import (
    _actor,
    _done,
    _list_context,
    _render,
    _reply,
    get_system_for_admin,
)
from partners.models import System
from partners.services import ConcurrentEditError

ROUNDS = "console/rounds/list.html"
ROUND = "console/rounds/round.html"
ROUND_FORM = "console/rounds/form.html"
CLOSE = "console/rounds/close.html"
EDIT_MILESTONE_SLOTS = 2


def _round(system: System, pk: int) -> ConsultationRound:
    try:
        return rounds.console_round(system=system, pk=pk)
    except ConsultationRound.DoesNotExist as error:
        raise Http404("No such round.") from error


def _round_url(system: System, consultation: ConsultationRound, anchor: str = "") -> str:
    return reverse("console:round", args=[system.slug, consultation.pk]) + anchor


def _error_list(forms: list[BaseForm]) -> list[tuple[str, str]]:
    """Every error of the page's forms, with the id of the field to fix (for the summary)."""
    errors: list[tuple[str, str]] = []
    for form in forms:
        for name, messages_ in form.errors.items():
            anchor = form[name].auto_id if name in form.fields else f"{form.prefix or 'form'}-top"
            errors.extend((anchor, str(message)) for message in messages_)
    return errors


# The list -------------------------------------------------------------------------------------


@login_required
@require_GET
def rounds_list(request: HttpRequest, system_slug: str) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    context = _list_context(request, system, url_name="console:rounds", rows=rounds.console_rounds)
    return _render(request, ROUNDS, "round-results", context)


# Setting up and changing a round ------------------------------------------------------------


def _form_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    forms = [context["form"], *context.get("question_forms", []), *context["milestone_forms"]]
    context["errors"] = _error_list(forms)
    return render(request, ROUND_FORM, context)


def _all_valid(forms: list[BaseForm]) -> bool:
    return all([form.is_valid() for form in forms])  # noqa: C419 (validate every form)


def _question_list(slots: list[QuestionForm]) -> list[dict[str, Any]]:
    return [spec for slot in slots if (spec := slot.spec) is not None]


def _milestone_specs(slots: list[MilestoneForm]) -> list[dict[str, Any]]:
    return [
        {
            "title": slot.cleaned_data["title"],
            "due_on": slot.cleaned_data["due_on"],
            "description": slot.cleaned_data.get("description", ""),
        }
        for slot in slots
        if not slot.is_blank
    ]


@login_required
@require_http_methods(["GET", "POST"])
def round_add(request: HttpRequest, system_slug: str) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    data = request.POST if request.method == "POST" else None
    form = RoundForm(data, system=system, initial=new_round_initial(system=system), prefix="round")
    questions = question_forms(data, DEFAULT_QUESTIONS)
    milestones = milestone_forms(data, [], NEW_MILESTONE_SLOTS)
    if data is not None and _all_valid([form, *questions, *milestones]):
        cleaned = form.cleaned_data
        try:
            consultation = rounds.round_setup(
                actor=_actor(request),
                system=system,
                framework=cleaned["framework"],
                title=cleaned["title"],
                purpose=cleaned["purpose"],
                opens_at=cleaned["opens_at"],
                closes_at=cleaned["closes_at"],
                invited_places=cleaned["invited_places"],
                reminder_days=cleaned["reminder_days"],
                suppression_threshold=cleaned["suppression_threshold"],
                questions=_question_list(questions),
                milestones=_milestone_specs(milestones),
            )
        except ValidationError as error:
            add_round_errors(form, error)
        else:
            opened = consultation.status == RoundStatus.OPEN
            messages.success(
                request,
                f"Set up {consultation.title}. "
                + (
                    "It is open now: the place leads are being e-mailed."
                    if opened
                    else f"It opens at {uk_datetime(consultation.opens_at)}, when the place "
                    "leads are e-mailed."
                ),
            )
            return redirect(_round_url(system, consultation))
    return _form_page(
        request,
        {
            "system": system,
            "form": form,
            "question_forms": questions,
            "milestone_forms": milestones,
            "heading": "Set up a consultation round",
            "action": reverse("console:round_add", args=[system.slug]),
            "cancel_url": reverse("console:rounds", args=[system.slug]),
            "submit_label": "Set up the round",
        },
    )


def _same_minute(current: datetime, typed: datetime | None) -> datetime | None:
    """The stored moment when the form shows it unchanged (forms carry minutes only)."""
    if typed is not None and uk_parts(current) == uk_parts(typed):
        return current
    return typed


def _apply_milestones(
    request: HttpRequest, consultation: ConsultationRound, slots: list[MilestoneForm]
) -> None:
    actor = _actor(request)
    for slot in slots:
        data = slot.cleaned_data
        try:
            if slot.milestone is not None and data.get("remove"):
                rounds.milestone_remove(actor=actor, milestone=slot.milestone)
            elif slot.milestone is not None:
                rounds.milestone_update(
                    actor=actor,
                    milestone=slot.milestone,
                    title=data["title"],
                    due_on=data["due_on"],
                    description=data.get("description", ""),
                )
            elif not slot.is_blank:
                rounds.milestone_add(
                    actor=actor,
                    round=consultation,
                    title=data["title"],
                    due_on=data["due_on"],
                    description=data.get("description", ""),
                )
        except ValidationError as error:
            raise ValidationError(
                {
                    "milestones": [
                        f"Milestone “{data.get('title', '')}”: {m}" for m in error.messages
                    ]
                }
            ) from error


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    consultation = _round(system, pk)
    opened = rounds.round_has_opened(consultation)
    closed = consultation.phase == RoundStatus.CLOSED  # type: ignore[attr-defined]
    data = request.POST.copy() if request.method == "POST" else None
    form = RoundForm(
        data,
        system=system,
        consultation=consultation,
        opened=opened,
        initial=round_form_initial(consultation),
        prefix="round",
    )
    if closed:
        for name in ("closes_on", "closes_time"):
            form.fields[name].disabled = True
        form.fields["closes_on"].help_text = "The round has closed, so this cannot change."
    existing_questions = list(consultation.questions.all())
    questions = [] if opened else question_forms(data, question_specs(existing_questions))
    milestones = milestone_forms(data, consultation.milestones.all(), EDIT_MILESTONE_SLOTS)
    conflict = None
    if data is not None and _all_valid([form, *questions, *milestones]):
        cleaned = form.cleaned_data
        try:
            with transaction.atomic():  # all of it, or nothing
                rounds.round_update(
                    actor=_actor(request),
                    round=consultation,
                    version=cleaned.get("version") or 0,
                    title=cleaned["title"],
                    purpose=cleaned["purpose"],
                    opens_at=_same_minute(consultation.opens_at, cleaned["opens_at"]),  # type: ignore[arg-type]
                    closes_at=_same_minute(consultation.closes_at, cleaned["closes_at"]),  # type: ignore[arg-type]
                    reminder_days=cleaned["reminder_days"],
                    suppression_threshold=cleaned["suppression_threshold"],
                    invited_places=cleaned["invited_places"],
                )
                if not opened:
                    rounds.round_questions_replace(
                        actor=_actor(request),
                        round=consultation,
                        questions=_question_list(questions),
                    )
                _apply_milestones(request, consultation, milestones)
        except ConcurrentEditError as error:
            conflict = _round(system, pk)
            add_round_errors(form, error)
            # Saving again now replaces their version with what is on the form.
            data[f"{form.prefix}-version"] = str(conflict.version)
        except ValidationError as error:
            add_round_errors(form, error)
        else:
            messages.success(request, f"Saved {cleaned['title'].strip()}.")
            return redirect(_round_url(system, consultation))
    return _form_page(
        request,
        {
            "system": system,
            "round": consultation,
            "form": form,
            "opened": opened,
            "existing_questions": existing_questions,
            "question_forms": questions,
            "milestone_forms": milestones,
            "conflict": conflict,
            "heading": f"Change {consultation.title}",
            "action": reverse("console:round_edit", args=[system.slug, consultation.pk]),
            "cancel_url": _round_url(system, consultation),
            "submit_label": "Save changes",
        },
    )


# The round page -------------------------------------------------------------------------------


def _progress_context(system: System, consultation: ConsultationRound) -> dict[str, Any]:
    progress = rounds.round_progress(round=consultation)
    return {
        "system": system,
        "round": consultation,
        "progress": progress,
        "submitted_count": sum(row.has_submitted for row in progress),
        "refreshed_at": timezone.localtime(timezone.now(), UK),
    }


def _extend_context(
    system: System, consultation: ConsultationRound, form: ExtensionForm | None = None
) -> dict[str, Any]:
    return {
        "system": system,
        "round": consultation,
        "extend_form": form or ExtensionForm(consultation=consultation, prefix="extend"),
    }


def _round_context(
    system: System, consultation: ConsultationRound, form: ExtensionForm | None = None
) -> dict[str, Any]:
    today = timezone.localtime(timezone.now(), UK).date()
    milestones = list(consultation.milestones.all())
    upcoming = next((m for m in milestones if m.due_on >= today), None)
    return {
        **_progress_context(system, consultation),
        **_extend_context(system, consultation, form),
        "milestones": milestones,
        "next_milestone": upcoming,
        "today": today,
        "questions": list(consultation.questions.all()),
        "opened": rounds.round_has_opened(consultation),
        "summary": feedback.summary_for_round(round=consultation),
    }


@login_required
@require_GET
def round_detail(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    system = get_system_for_admin(request, system_slug)
    consultation = _round(system, pk)
    if wants_partial(request):
        return _render(request, ROUND, "progress", _progress_context(system, consultation))
    return render(request, ROUND, _round_context(system, consultation))


@login_required
@require_GET
def round_progress(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    """The progress board alone, which the round page polls; without HTMX, the page."""
    system = get_system_for_admin(request, system_slug)
    consultation = _round(system, pk)
    if not wants_partial(request):
        return redirect(_round_url(system, consultation, "#progress"))
    return _render(request, ROUND, "progress", _progress_context(system, consultation))


@login_required
@require_http_methods(["GET", "POST"])
def round_extend(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    """POST gives a place more time; GET shows the form (on the round page)."""
    system = get_system_for_admin(request, system_slug)
    consultation = _round(system, pk)
    if request.method == "GET":
        if wants_partial(request):
            return _render(request, ROUND, "extend", _extend_context(system, consultation))
        return redirect(_round_url(system, consultation, "#more-time"))
    form = ExtensionForm(request.POST, consultation=consultation, prefix="extend")
    if form.is_valid():
        place = form.cleaned_data["place"]
        try:
            extension = rounds.deadline_extend(
                actor=_actor(request),
                round=consultation,
                place=place,
                closes_at=form.cleaned_data["closes_at"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_round_errors(form, error)
        else:
            message = f"{place.name} now has until {uk_datetime(extension.closes_at)} to respond."
            updated = _round(system, consultation.pk)
            return _done(
                request,
                message,
                _round_url(system, consultation, "#progress"),
                lambda: _reply(
                    request,
                    ROUND,
                    "extend",
                    _extend_context(system, updated),
                    status_message=message,
                    out_of_band=((f"{ROUND}#progress", _progress_context(system, updated)),),
                ),
            )
    if wants_partial(request):
        return _render(request, ROUND, "extend", _extend_context(system, consultation, form))
    return render(request, ROUND, _round_context(system, consultation, form))


@login_required
@require_http_methods(["GET", "POST"])
def round_close(request: HttpRequest, system_slug: str, pk: int) -> HttpResponse:
    """GET asks for confirmation (a page of its own, no JavaScript needed); POST closes."""
    system = get_system_for_admin(request, system_slug)
    consultation = _round(system, pk)
    round_url = _round_url(system, consultation)
    form = CloseForm(request.POST or None, prefix="close")
    if request.method == "POST" and form.is_valid():
        try:
            rounds.round_close_now(
                actor=_actor(request), round=consultation, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(
                request,
                f"Closed {consultation.title} for every place. Responses can no longer change.",
            )
        return redirect(round_url)
    refusal = ""
    if not rounds.round_has_opened(consultation):
        refusal = (
            f"This round has not opened yet (it opens at {uk_datetime(consultation.opens_at)}). "
            "Change its dates instead."
        )
    elif consultation.phase == RoundStatus.CLOSED:  # type: ignore[attr-defined]
        refusal = "This round has already closed."
    return render(
        request,
        CLOSE,
        {
            "system": system,
            "round": consultation,
            "form": form,
            "refusal": refusal,
            "not_submitted": sum(
                not row.has_submitted for row in rounds.round_progress(round=consultation)
            ),
            "round_url": round_url,
        },
    )
