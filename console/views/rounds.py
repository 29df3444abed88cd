"""Consultation rounds: the list, setting a round up and changing it, the round page with its
progress board (refreshed by HTMX), more time for a place, and closing a round early. Every
form works without JavaScript (POST, then redirect with a message)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from console.decorators import console_view
from console.lists import list_context
from console.replies import form_sent, page_or_partial
from core.htmx import change_done, change_refused, reply_with_partial, wants_partial
from core.locking import ConcurrentEditError
from core.requests import signed_in_user
from core.uk_time import UK, uk_datetime
from governance.catalogue.models import OptionFramework
from governance.consultation import feedback, rounds, selectors
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
)
from governance.consultation.models import (
    MILESTONE_FIELDS,
    ConsultationRound,
    DeadlineExtension,
    RoundStatus,
)
from governance.consultation.questions import default_questions
from governance.consultation.round_scheduler import reminder_due_at_opening
from governance.consultation.round_setup import round_setup
from partners.models import Place, System

ROUNDS = "console/rounds/list.html"
ROUND = "console/rounds/round.html"
ROUND_FORM = "console/rounds/form.html"
CLOSE = "console/rounds/close.html"
EDIT_MILESTONE_SLOTS = 2


def _round(system: System, pk: int) -> ConsultationRound:
    try:
        return selectors.console_round(system=system, pk=pk)
    except ConsultationRound.DoesNotExist as error:
        raise Http404("No such round.") from error


def _round_url(system: System, consultation: ConsultationRound, anchor: str = "") -> str:
    return reverse("console:round", args=[system.slug, consultation.pk]) + anchor


def _how_long(opens_at: Any, closes_at: Any) -> str:
    days = (closes_at - opens_at).days
    if days < 1:
        return "less than a day"
    return f"{days} day{'s' if days != 1 else ''}"


def reminder_warning(consultation: ConsultationRound) -> str:
    """What to tell the admin when the round's reminder would fall before it opens (a 7-day
    reminder on a 3-day round): the round still saves, the page says so. "" when it is fine
    or too late to matter."""
    if consultation.phase == RoundStatus.CLOSED:  # type: ignore[attr-defined]
        return ""
    if not reminder_due_at_opening(
        opens_at=consultation.opens_at,
        closes_at=consultation.closes_at,
        reminder_days=consultation.reminder_days,
    ):
        return ""
    days = consultation.reminder_days
    return (
        f"The reminder is set for {days} day{'s' if days != 1 else ''} before the deadline, "
        f"but the round is open for only {_how_long(consultation.opens_at, consultation.closes_at)}. "
        "Place leads who have not submitted will be reminded as soon as the round opens, "
        "just after they are invited. To remind them later, change the round: set the "
        "reminder to fewer days than the round is open, or 0 for no reminder."
    )


def _saved(text: str, consultation: ConsultationRound) -> str:
    """The message after saving, pointing to the reminder warning on the round page."""
    if reminder_warning(consultation):
        return f"{text} Check its reminder: it falls before the round opens."
    return text


@console_view("GET")
def rounds_list(request: HttpRequest, system: System) -> HttpResponse:
    context = list_context(
        request, system, url_name="console:rounds", rows=selectors.console_rounds
    )
    return page_or_partial(request, ROUNDS, "round-results", context)


# Setting up and changing a round ------------------------------------------------------------


def _field_anchor(form: BaseForm, name: str) -> str:
    """The element an error summary's link goes to: the field's input (for a date, its first
    box in error), or the top of the form for an error of the form as a whole."""
    if name not in form.fields:
        return f"{form.prefix or 'form'}-top"
    field = form[name]
    # A group of checkboxes has no one input to label; its id leads to the group.
    return field.id_for_label or field.auto_id


def _error_list(forms: list[BaseForm]) -> list[tuple[str, str]]:
    """Every error of the page's forms, with the id of the field to fix (for the summary)."""
    errors: list[tuple[str, str]] = []
    for form in forms:
        for name, messages_ in form.errors.items():
            anchor = _field_anchor(form, name)
            errors.extend((anchor, str(message)) for message in messages_)
    return errors


def _form_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    forms = [context["form"], *context.get("question_forms", []), *context["milestone_forms"]]
    context["errors"] = _error_list(forms)
    return render(request, ROUND_FORM, context)


def _all_valid(forms: list[BaseForm]) -> bool:
    return all([form.is_valid() for form in forms])  # noqa: C419 (validate every form)


def _question_list(slots: list[QuestionForm]) -> list[dict[str, Any]]:
    return [spec for slot in slots if (spec := slot.spec) is not None]


def _milestone_changes(slots: list[MilestoneForm]) -> list[dict[str, Any]]:
    """What the milestone slots ask for: a change to each existing milestone (or its removal)
    and each new one written in a blank slot."""
    return [
        {
            "milestone": slot.milestone,
            "remove": bool(slot.cleaned_data.get("remove")),
            "title": slot.cleaned_data.get("title", ""),
            "due_on": slot.cleaned_data.get("due_on"),
            "description": slot.cleaned_data.get("description", ""),
            "releases": slot.cleaned_data.get("releases", ""),
        }
        for slot in slots
        if slot.milestone is not None or not slot.is_blank
    ]


def _framework_asked(request: HttpRequest, initial: dict[str, Any]) -> OptionFramework | None:
    """The framework whose default questions the set-up form starts from: the one the page's
    link names (`?framework=<id>`), else the one the form offers already chosen."""
    wanted = request.GET.get("framework", "").strip() or initial.get("framework")
    if not wanted or not str(wanted).isdigit():
        return None
    return OptionFramework.objects.filter(pk=wanted).first()


def _question_starts(
    request: HttpRequest, system: System, chosen: OptionFramework | None
) -> list[dict[str, Any]]:
    """A link per framework to start the set-up form from its default questions (shown when
    there is more than one framework)."""
    frameworks = list(OptionFramework.objects.order_by("-published_on", "name"))
    if len(frameworks) < 2:
        return []
    url = reverse("console:round_add", args=[system.slug])
    return [
        {"name": f.name, "url": f"{url}?framework={f.pk}#questions", "current": f == chosen}
        for f in frameworks
    ]


@console_view("GET", "POST")
def round_add(request: HttpRequest, system: System) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    initial = new_round_initial(system=system)
    asked = _framework_asked(request, initial)
    if asked is not None:
        initial["framework"] = asked.pk
    form = RoundForm(data, system=system, initial=initial, prefix="round")
    questions = question_forms(data, default_questions(asked))
    milestones = milestone_forms(data, [], NEW_MILESTONE_SLOTS)
    if data is not None and _all_valid([form, *questions, *milestones]):
        try:
            consultation = round_setup(
                actor=signed_in_user(request),
                system=system,
                **form.settings(),
                questions=_question_list(questions),
                milestones=[
                    {key: change[key] for key in MILESTONE_FIELDS}
                    for change in _milestone_changes(milestones)
                ],
            )
        except ValidationError as error:
            chosen = form.cleaned_data.get("framework")  # an error on it takes it away
            add_round_errors(form, error)
            if "framework" in getattr(error, "error_dict", {}):
                # The chosen framework's own questions, offered in place of the other's.
                asked = chosen
                questions = question_forms(None, default_questions(asked))
        else:
            opened = consultation.status == RoundStatus.OPEN
            return change_done(
                request,
                _saved(
                    f"Set up {consultation.title}. "
                    + (
                        "It is open now: the place leads are being e-mailed."
                        if opened
                        else f"It opens at {uk_datetime(consultation.opens_at)}, when the "
                        "place leads are e-mailed."
                    ),
                    _round(system, consultation.pk),
                ),
                _round_url(system, consultation),
            )
    return _form_page(
        request,
        {
            "system": system,
            "form": form,
            "question_forms": questions,
            "milestone_forms": milestones,
            "question_starts": _question_starts(request, system, asked),
            "heading": "Set up a consultation round",
            # The framework whose questions the slots started from, so a POST has as many.
            "action": reverse("console:round_add", args=[system.slug])
            + (f"?framework={asked.pk}" if asked is not None else ""),
            "cancel_url": reverse("console:rounds", args=[system.slug]),
            "submit_label": "Set up the round",
        },
    )


@console_view("GET", "POST")
def round_edit(request: HttpRequest, system: System, pk: int) -> HttpResponse:
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
            rounds.round_revise(
                actor=signed_in_user(request),
                round=consultation,
                **form.settings(),
                questions=None if opened else _question_list(questions),
                milestones=_milestone_changes(milestones),
            )
        except ConcurrentEditError as error:
            conflict = _round(system, pk)
            add_round_errors(form, error)
            # Saving again now replaces their version with what is on the form.
            data[f"{form.prefix}-version"] = str(conflict.version)
        except ValidationError as error:
            add_round_errors(form, error)
        else:
            return change_done(
                request,
                _saved(f"Saved {cleaned['title'].strip()}.", _round(system, pk)),
                _round_url(system, consultation),
            )
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
    progress = selectors.round_progress(round=consultation)
    return {
        "system": system,
        "round": consultation,
        "progress": progress,
        "submitted_count": sum(row.has_submitted for row in progress),
        "refreshed_at": timezone.localtime(timezone.now(), UK),
    }


def _extend_context(
    system: System,
    consultation: ConsultationRound,
    form: ExtensionForm | None = None,
    invited: list[Place] | None = None,
) -> dict[str, Any]:
    return {
        "system": system,
        "round": consultation,
        "extend_form": form
        or ExtensionForm(consultation=consultation, invited=invited, prefix="extend"),
    }


def _round_context(
    system: System, consultation: ConsultationRound, form: ExtensionForm | None = None
) -> dict[str, Any]:
    today = timezone.localtime(timezone.now(), UK).date()
    milestones = list(consultation.milestones.all())
    upcoming = next((m for m in milestones if m.due_on >= today), None)
    progress = _progress_context(system, consultation)
    invited = [row.place for row in progress["progress"]]
    return {
        **progress,
        **_extend_context(system, consultation, form, invited),
        "milestones": milestones,
        "next_milestone": upcoming,
        "today": today,
        "questions": list(consultation.questions.all()),
        "opened": rounds.round_has_opened(consultation),
        "summary": feedback.summary_for_round(round=consultation),
        "reminder_warning": reminder_warning(consultation),
    }


@console_view("GET")
def round_detail(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    consultation = _round(system, pk)
    if wants_partial(request):
        return page_or_partial(request, ROUND, "progress", _progress_context(system, consultation))
    return render(request, ROUND, _round_context(system, consultation))


@console_view("GET")
def round_progress(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    """The progress board alone, which the round page polls; without HTMX, the page."""
    consultation = _round(system, pk)
    if not wants_partial(request):
        return redirect(_round_url(system, consultation, "#progress"))
    return page_or_partial(request, ROUND, "progress", _progress_context(system, consultation))


@console_view("GET", "POST")
def round_extend(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    """POST gives a place more time; GET shows the form (on the round page)."""
    consultation = _round(system, pk)
    if request.method == "GET":
        if wants_partial(request):
            context = _extend_context(system, consultation)
            return page_or_partial(request, ROUND, "extend", context)
        return redirect(_round_url(system, consultation, "#more-time"))
    form = ExtensionForm(request.POST, consultation=consultation, prefix="extend")

    def extended(extension: DeadlineExtension) -> HttpResponse:
        place = form.cleaned_data["place"]
        message = f"{place.name} now has until {uk_datetime(extension.closes_at)} to respond."
        updated = _round(system, consultation.pk)
        return change_done(
            request,
            message,
            _round_url(system, consultation, "#progress"),
            lambda: reply_with_partial(
                request,
                ROUND,
                "extend",
                _extend_context(system, updated),
                status_message=message,
                out_of_band=((f"{ROUND}#progress", _progress_context(system, updated)),),
            ),
        )

    def again() -> HttpResponse:
        if wants_partial(request):
            context = _extend_context(system, consultation, form)
            return page_or_partial(request, ROUND, "extend", context)
        return render(request, ROUND, _round_context(system, consultation, form))

    return form_sent(
        request,
        form,
        save=lambda data: rounds.deadline_extend(
            actor=signed_in_user(request),
            round=consultation,
            place=data["place"],
            closes_at=data["closes_at"],
            reason=data["reason"],
        ),
        done=extended,
        again=again,
        refused=add_round_errors,
    )


def _closing_foresight(consultation: ConsultationRound) -> dict[str, Any]:
    """What closing now means for the summary: the places that have not submitted, and
    whether too few have for a summary ever to be released."""
    waiting = selectors.places_yet_to_submit(round=consultation)
    submitted = consultation.invited_count - len(waiting)  # type: ignore[attr-defined]
    return {
        "not_submitted": waiting,
        "submitted_count": submitted,
        "release_impossible": submitted < consultation.suppression_threshold,
    }


@console_view("GET", "POST")
def round_close(request: HttpRequest, system: System, pk: int) -> HttpResponse:
    """GET asks for confirmation (a page of its own, no JavaScript needed); POST closes."""
    consultation = _round(system, pk)
    round_url = _round_url(system, consultation)
    form = CloseForm(request.POST or None, prefix="close")
    if request.method == "POST" and form.is_valid():
        try:
            rounds.round_close_now(
                actor=signed_in_user(request),
                round=consultation,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            return change_refused(request, error, round_url)
        return change_done(
            request,
            f"Closed {consultation.title} for every place. Responses can no longer change.",
            round_url,
        )
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
            **_closing_foresight(consultation),
            "round_url": round_url,
        },
    )
