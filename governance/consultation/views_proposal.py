"""A place's response to a consultation round: its proposal, its own ratings and its
answers, written together by the place's members and submitted by a place lead.

Who may do what, checked on every request:
- only places invited to the round have a response to it: for any other place every page of
  the round is 404, whoever asks;
- members and leads of the place (a current place role) read and edit the response;
- ICB governance admins of the system read it (VIEW_PLACE) but may not change it (403);
- only leads (LEAD_PLACE) submit or withdraw;
- everyone else gets 404, as for the place itself.

The response is an NHS task list: the overview lists its sections (the proposal, the ratings
of each option, the questions) with their status, each section is a page of its own, and a
lead submits from "check your answers". Each field (an answer, a rating cell, the proposal)
autosaves through HTMX to its own endpoint, carrying the version it was opened at; the reply
is just that field's status (saved, refused, or a conflict showing both versions). Without
JavaScript each section page is an ordinary form ("Save and continue"), so nothing depends on
scripts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.htmx import render_page_or_partial, wants_partial
from core.requests import signed_in_user
from core.uk_time import uk_datetime, uk_time
from governance.catalogue.models import Band, GovernanceOption, Principle, SuggestedRating
from governance.catalogue.rules import option_rated_label, option_set_numbers
from governance.catalogue.selectors import framework_catalogue
from governance.consultation import response_saves, responses
from governance.consultation.models import (
    Agreement,
    Answer,
    ConsultationRound,
    PlaceRating,
    PlaceResponse,
    Question,
    ResponseStatus,
)
from governance.consultation.response_history import (
    RATING_FIELDS,
    rating_anchor,
    response_history,
)
from governance.consultation.response_saves import EditConflict, OptionsRefused
from governance.consultation.responses import (
    PROPOSAL_SECTION,
    QUESTIONS_SECTION,
    IncompleteResponse,
    MissingItem,
    ResponseSheet,
    option_section,
)
from partners.access import get_place_for, has_object_permission, require_object_permission
from partners.models import PLACE_ROLES, Place, User
from partners.permissions import LEAD_PLACE
from partners.selectors import place_roles_and_leads

OVERVIEW = "governance/proposal/response.html"
UNITS = "governance/proposal/units.html"  # the autosaving fields, each a partial
SECTION = "governance/proposal/section.html"
CHECK = "governance/proposal/check.html"
WITHDRAW = "governance/proposal/withdraw.html"
HISTORY = "governance/proposal/history.html"


# Loading --------------------------------------------------------------------------------------


@dataclass
class Context:
    place: Place
    round: ConsultationRound
    response: PlaceResponse  # unsaved (pk None) until someone first saves something
    is_member: bool
    is_lead: bool
    deadline: datetime  # the place's own (ConsultationRound.objects.with_place_deadline)
    leads: list[User] = field(default_factory=list)  # the place's current leads, by name
    # Each address reversed once a request: the history links every change to its section.
    _urls: dict[tuple[Any, ...], str] = field(default_factory=dict, repr=False)

    @property
    def extended(self) -> bool:
        return self.deadline > self.round.closes_at

    @property
    def is_open(self) -> bool:
        return self.round.opens_at <= timezone.now() < self.deadline

    @property
    def has_closed(self) -> bool:
        return timezone.now() >= self.deadline

    @property
    def refusal(self) -> str | None:
        return responses.response_edit_refusal(self.response, deadline=self.deadline)

    @property
    def editable(self) -> bool:
        return self.is_member and self.refusal is None

    def url(self, name: str, *args: Any) -> str:
        key = (name, *args)
        if key not in self._urls:
            self._urls[key] = reverse(
                f"proposal:{name}", args=[self.place.pk, self.round.pk, *args]
            )
        return self._urls[key]

    @cached_property
    def urls(self) -> dict[str, str]:
        names = (
            "response",
            "section_proposal",
            "section_questions",
            "check",
            "completeness",
            "submit",
            "withdraw",
            "history",
        )
        return {name: self.url(name) for name in names}


def _load(request: HttpRequest, place_pk: int, round_pk: int) -> Context:
    place = get_place_for(request, place_pk)  # 404 unless VIEW_PLACE
    consultation = get_object_or_404(  # 404 unless the place is invited
        ConsultationRound.objects.select_related("framework", "system").with_place_deadline(place),
        pk=round_pk,
        system_id=place.system_id,
        invited_places=place,
    )
    response = (
        PlaceResponse.objects.select_related("updated_by", "submitted_by")
        .filter(round=consultation, place=place)
        .first()
    ) or PlaceResponse(round=consultation, place=place)
    response.round = consultation
    response.place = place
    roles, leads = place_roles_and_leads(user=signed_in_user(request), place=place)
    return Context(
        place=place,
        round=consultation,
        response=response,
        is_member=bool(roles & PLACE_ROLES),
        is_lead=has_object_permission(request, LEAD_PLACE, place),
        deadline=consultation.place_deadline,  # type: ignore[attr-defined]  # annotated
        leads=leads,
    )


def _load_for_edit(request: HttpRequest, place_pk: int, round_pk: int) -> Context:
    """Only the place's own members change its response; an ICB admin may read it."""
    ctx = _load(request, place_pk, round_pk)
    if not ctx.is_member:
        raise PermissionDenied("ICB governance admins can read a place's response, not change it.")
    return ctx


def _saved_response(ctx: Context) -> PlaceResponse:
    if not ctx.response.pk:
        ctx.response = responses.response_get_or_create(round=ctx.round, place=ctx.place)
    return ctx.response


def _int(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return None


# Field units ----------------------------------------------------------------------------------


@dataclass
class Unit:
    """One autosaving field group on the page: its current (or just typed) values, its
    version, and what happened at the last save."""

    key: str  # the element id, and the prefix of its form fields
    section: str  # the key of the section page that holds it
    url: str
    page_url: str
    version: int
    values: dict[str, Any]
    updated_by: User | None
    updated_at: datetime | None
    editable: bool
    state: str = ""  # "", "saved", "error" or "conflict"
    errors: list[str] = field(default_factory=list)
    conflict: EditConflict | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def params(self) -> str:
        """The form fields an autosave of this unit sends (hx-params)."""
        if self.key == "proposal":
            names = ["options", "case"]
        elif self.key.startswith("answer-"):
            names = ["choice", "text"] if self.extra["question"].choices else ["text"]
        else:
            names = list(RATING_FIELDS)
        return ",".join(f"{self.key}-{n}" for n in [*names, "version", "keep"])

    @property
    def status_line(self) -> str:
        if not self.version or not self.updated_at:
            return "Not saved yet."
        who = f" by {self.updated_by}" if self.updated_by else ""
        if self.state == "saved":
            return f"Saved at {uk_time(self.updated_at)}{who}."
        return f"Last changed{who} at {uk_datetime(self.updated_at)}."


def _answer_unit(ctx: Context, question: Question, sheet: ResponseSheet | None = None) -> Unit:
    answer = (
        sheet.answers.get(question.pk)
        if sheet is not None
        else ctx.response.answers.select_related("updated_by").filter(question=question).first()
        if ctx.response.pk
        else None
    )
    return Unit(
        key=f"answer-{question.pk}",
        section=QUESTIONS_SECTION,
        url=ctx.url("answer", question.pk),
        page_url=ctx.url("section_questions") + f"#answer-{question.pk}",
        version=answer.version if answer else 0,
        values={"choice": answer.choice if answer else "", "text": answer.text if answer else ""},
        updated_by=answer.updated_by if answer else None,
        updated_at=answer.updated_at if answer else None,
        editable=ctx.editable,
        extra={"question": question},
    )


def _rating_unit(
    ctx: Context,
    option: GovernanceOption,
    principle: Principle,
    option_set: str = "",
    sheet: ResponseSheet | None = None,
    suggested: SuggestedRating | None = None,
) -> Unit:
    """One rating cell: `option` against `principle`, alone or in the context of a
    combination `option_set`."""
    option_set = option_set or str(option.number)
    if sheet is not None:
        rating = sheet.rating(option, principle, option_set)
    elif ctx.response.pk:
        rating = (
            ctx.response.ratings.select_related("updated_by")
            .filter(option=option, option_set=option_set, principle=principle)
            .first()
        )
    else:
        rating = None
    key = rating_anchor(option.pk, principle.pk, option_set)
    in_context = "+" in option_set
    return Unit(
        key=key,
        section=option_section(option),
        url=(
            ctx.url("rating_in_context", option.pk, principle.pk, option_set)
            if in_context
            else ctx.url("rating", option.pk, principle.pk)
        ),
        page_url=ctx.url("section_ratings", option.pk) + f"#{key}",
        version=rating.version if rating else 0,
        values={f: getattr(rating, f) if rating else "" for f in RATING_FIELDS},
        updated_by=rating.updated_by if rating else None,
        updated_at=rating.updated_at if rating else None,
        editable=ctx.editable,
        extra={
            "option": option,
            "principle": principle,
            "option_set": option_set,
            "rated": option_rated_label(option.number, option_set),
            "optional": in_context,
            "suggested": suggested,
        },
    )


def _proposal_unit(ctx: Context, options: list[GovernanceOption] | None = None) -> Unit:
    response = ctx.response
    chosen = set(option_set_numbers(response.proposed_option_set))
    return Unit(
        key="proposal",
        section=PROPOSAL_SECTION,
        url=ctx.url("proposal"),
        page_url=ctx.url("section_proposal") + "#proposal",
        version=response.version if response.pk else 1,
        values={"options": chosen, "case": response.proposal_case},
        updated_by=response.updated_by if response.pk else None,
        updated_at=response.updated_at if response.pk and response.updated_by_id else None,
        editable=ctx.editable,
        extra={"options": options},
    )


# Saving a unit -----------------------------------------------------------------------------


def _errors_of(error: ValidationError) -> list[str]:
    return (
        [m for messages_ in error.message_dict.values() for m in messages_]
        if hasattr(error, "error_dict")
        else list(error.messages)
    )


def _expected(request: HttpRequest, key: str) -> int | None:
    """The version the form was opened at; after a conflict, "keep mine" carries the version
    the person chose to replace."""
    keep = _int(request.POST.get(f"{key}-keep"))
    return keep if keep is not None else _int(request.POST.get(f"{key}-version"))


def _save_unit(request: HttpRequest, ctx: Context, unit: Unit) -> Unit:
    """Save the posted values of one unit. On any refusal the unit keeps what was typed."""
    post = request.POST
    key = unit.key
    expected = _expected(request, key)
    if unit.key == "proposal":
        typed: dict[str, Any] = {
            "options": {n for n in (_int(v) for v in post.getlist(f"{key}-options")) if n},
            "case": post.get(f"{key}-case", ""),
        }
    elif unit.key.startswith("answer-"):
        # An unchecked radio group sends nothing: no choice is what the form shows.
        typed = {"choice": post.get(f"{key}-choice", ""), "text": post.get(f"{key}-text", "")}
    else:
        typed = {f: post.get(f"{key}-{f}", "") for f in RATING_FIELDS}
    unit.values = typed
    # Until a save succeeds, the form keeps the version it was opened at: a refusal or a
    # conflict must never hand it a newer version that would let it overwrite someone else.
    opened_at = _int(post.get(f"{key}-version"))
    unit.version = opened_at if opened_at is not None else unit.version
    if expected is None:
        unit.state, unit.errors = "error", ["Reload the page: this form is out of date."]
        return unit
    saved: PlaceResponse | Answer | PlaceRating
    try:
        response = _saved_response(ctx)
        if unit.key == "proposal":
            saved = response_saves.proposal_save(
                actor=signed_in_user(request),
                response=response,
                option_numbers=typed["options"],
                case=typed["case"],
                expected_version=expected,
            )
        elif unit.key.startswith("answer-"):
            question = unit.extra["question"]
            saved = response_saves.answer_save(
                actor=signed_in_user(request),
                response=response,
                question=question,
                text=typed["text"],
                choice=typed["choice"] if question.choices else None,
                expected_version=expected,
            )
        else:
            saved = response_saves.rating_save(
                actor=signed_in_user(request),
                response=response,
                option=unit.extra["option"],
                principle=unit.extra["principle"],
                option_set=unit.extra["option_set"],
                expected_version=expected,
                **typed,
            )
    except EditConflict as conflict:
        unit.state, unit.conflict, unit.errors = "conflict", conflict, [conflict.messages[0]]
        return unit  # keeps the stale version, so later autosaves cannot overwrite theirs
    except OptionsRefused as refusal:
        # The case was saved from the version the form had: the form moves on with it, or
        # its next autosave would conflict with its own save.
        combinations = unit.extra.get("combinations") or []
        allowed = f": {', '.join(combinations)}" if combinations else ""
        unit.state = "error"
        unit.errors = [
            *_errors_of(refusal),
            f"Untick options until one option, or a combination the framework allows{allowed}, "
            "is left.",
            "The case for your proposal has been saved.",
        ]
        unit.extra["case_saved"] = True
        unit.version = refusal.response.version
        unit.updated_by = refusal.response.updated_by
        unit.updated_at = refusal.response.updated_at
        return unit
    except ValidationError as error:
        unit.state, unit.errors = "error", _errors_of(error)
        return unit
    unit.state = "saved"
    unit.version = saved.version
    unit.updated_by = saved.updated_by
    unit.updated_at = saved.updated_at
    return unit


def _unit_reply(request: HttpRequest, ctx: Context, unit: Unit, partial: str) -> HttpResponse:
    """HTMX: just the unit's status (a POST) or the whole unit (a GET, e.g. "use theirs").
    Without JavaScript: back to the page at the unit after a save, or the page showing the
    problem with what was typed kept."""
    if wants_partial(request):
        part = f"{partial}-status" if request.method == "POST" else partial
        # Always 200: htmx swaps in a refusal or a conflict only from a successful reply.
        context = {"unit": unit, "ctx": ctx, "bands": Band.choices, "agreements": Agreement.choices}
        return render_page_or_partial(request, UNITS, part, context)
    if request.method == "GET" or unit.state == "saved":
        if unit.state == "saved":
            messages.success(request, unit.status_line)
        return redirect(unit.page_url)
    return _section_page(request, ctx, unit.section, overrides={unit.key: unit})


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, place_pk: int, round_pk: int, question_pk: int) -> HttpResponse:
    ctx = (
        _load_for_edit(request, place_pk, round_pk)
        if request.method == "POST"
        else _load(request, place_pk, round_pk)
    )
    question = get_object_or_404(Question, pk=question_pk, round=ctx.round)
    unit = _answer_unit(ctx, question)
    if request.method == "POST":
        unit = _save_unit(request, ctx, unit)
    return _unit_reply(request, ctx, unit, "answer")


@login_required
@require_http_methods(["GET", "POST"])
def rating(
    request: HttpRequest,
    place_pk: int,
    round_pk: int,
    option_pk: int,
    principle_pk: int,
    option_set: str = "",
) -> HttpResponse:
    """One rating cell: the option alone, or (`option_set`) in a combination the framework
    rates it in; any other cell is not found."""
    ctx = (
        _load_for_edit(request, place_pk, round_pk)
        if request.method == "POST"
        else _load(request, place_pk, round_pk)
    )
    catalogue = framework_catalogue(framework=ctx.round.framework)
    option = next((o for o in catalogue.options if o.pk == option_pk), None)
    principle = next((p for p in catalogue.principles if p.pk == principle_pk), None)
    if option is None or principle is None:
        raise Http404("No such option or principle in this round's framework.")
    option_set = option_set or str(option.number)
    if not responses.may_rate(catalogue, option, principle, option_set):
        raise Http404("This round asks for no rating of that option in that context.")
    suggested = catalogue.suggestion(option, principle, option_set)
    unit = _rating_unit(ctx, option, principle, option_set, suggested=suggested)
    if request.method == "POST":
        unit = _save_unit(request, ctx, unit)
    return _unit_reply(request, ctx, unit, "rating")


@login_required
@require_http_methods(["GET", "POST"])
def proposal(request: HttpRequest, place_pk: int, round_pk: int) -> HttpResponse:
    ctx = (
        _load_for_edit(request, place_pk, round_pk)
        if request.method == "POST"
        else _load(request, place_pk, round_pk)
    )
    options = list(framework_catalogue(framework=ctx.round.framework).options)
    unit = _proposal_unit(ctx, options)
    unit.extra["combinations"] = _combinations(ctx)
    if request.method == "POST":
        unit = _save_unit(request, ctx, unit)
    return _unit_reply(request, ctx, unit, "proposal")


# Sections ------------------------------------------------------------------------------------

NOT_STARTED = "Not started"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"
CANNOT_START_YET = "Cannot start yet"


@dataclass
class Section:
    """One page of the response and its line in the task list."""

    key: str  # PROPOSAL_SECTION, option_section(option) or QUESTIONS_SECTION
    title: str
    url: str
    hint: str = ""
    option: GovernanceOption | None = None
    status: str = NOT_STARTED


def _combinations(ctx: Context) -> list[str]:
    return list(framework_catalogue(framework=ctx.round.framework).combinations)


def _sections(ctx: Context, sheet: ResponseSheet) -> list[Section]:
    """The sections in the order a place works through them."""
    sections = [
        Section(
            PROPOSAL_SECTION,
            "Your proposal",
            ctx.url("section_proposal"),
            "The option or options you propose, and the case for them",
        )
    ]
    for option in sheet.options:
        in_context = [c.label for c in sheet.contexts if c.option.pk == option.pk]
        hint = f"Against each of the {len(sheet.principles)} principles"
        if in_context:
            hint += "; optionally also " + " and ".join(_lower_first(c) for c in in_context)
        sections.append(
            Section(
                option_section(option),
                f"Rate option {option.number}: {option.name}",
                ctx.url("section_ratings", option.pk),
                hint,
                option,
            )
        )
    sections.append(
        Section(
            QUESTIONS_SECTION,
            "Answer the questions",
            ctx.url("section_questions"),
            f"{len(sheet.questions)} question{'s' if len(sheet.questions) != 1 else ''}",
        )
    )
    return sections


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _started(response: PlaceResponse, sheet: ResponseSheet) -> set[str]:
    """The sections where someone has given anything, required or not."""
    started = set()
    if response.pk and (response.proposed_option_set or response.proposal_case.strip()):
        started.add(PROPOSAL_SECTION)
    options = {o.pk: o for o in sheet.options}
    for (option_pk, _, _), rating in sheet.ratings.items():
        if option_pk in options and any(str(getattr(rating, f)).strip() for f in RATING_FIELDS):
            started.add(option_section(options[option_pk]))
    if any(a.text.strip() or a.choice for a in sheet.answers.values()):
        started.add(QUESTIONS_SECTION)
    return started


def _with_statuses(
    ctx: Context, sheet: ResponseSheet, missing: list[MissingItem]
) -> tuple[list[Section], str]:
    """Each section's status, and that of "check and submit": it cannot start until nothing
    required is missing."""
    sections = _sections(ctx, sheet)
    incomplete = {item.section for item in missing}
    started = _started(ctx.response, sheet)
    for section in sections:
        if section.key in incomplete:
            section.status = IN_PROGRESS if section.key in started else NOT_STARTED
        else:
            section.status = COMPLETED if section.key in started else NOT_STARTED
    if ctx.response.status == ResponseStatus.SUBMITTED:
        check = COMPLETED
    elif missing:
        check = CANNOT_START_YET
    else:
        check = NOT_STARTED
    return sections, check


def _missing_links(
    missing: list[MissingItem], sections: list[Section]
) -> list[tuple[MissingItem, str]]:
    """Each missing item with the address of its field on its section's page."""
    urls = {section.key: section.url for section in sections}
    return [(item, f"{urls.get(item.section, '')}#{item.field or item.anchor}") for item in missing]


# The overview -------------------------------------------------------------------------------


def _heading_context(ctx: Context) -> dict[str, Any]:
    """What every page of the response shows at its top."""
    return {
        "ctx": ctx,
        "place": ctx.place,
        "round": ctx.round,
        "response": ctx.response,
        "closes": uk_datetime(ctx.deadline),
        "deadline": ctx.deadline,
        "is_open": ctx.is_open,
        "leads": ctx.leads,
    }


@login_required
@require_GET
def response_page(request: HttpRequest, place_pk: int, round_pk: int) -> HttpResponse:
    """The overview: the round, the response's status, and the task list of its sections."""
    ctx = _load(request, place_pk, round_pk)
    sheet = responses.response_sheet(round=ctx.round, response=ctx.response)
    missing = responses.response_missing_items(response=ctx.response, sheet=sheet)
    sections, check_status = _with_statuses(ctx, sheet, missing)
    context = _heading_context(ctx) | {
        "sections": sections,
        "check_status": check_status,
        "completed": sum(s.status == COMPLETED for s in sections),
        "missing": missing,
        "milestones": list(ctx.round.milestones.all()),
    }
    return render(request, OVERVIEW, context)


# A section's page ------------------------------------------------------------------------------


def _section_units(
    ctx: Context,
    sheet: ResponseSheet,
    section: Section,
    overrides: dict[str, Unit],
) -> dict[str, Any]:
    """The units a section's page shows: the proposal, an option's rating cells (alone, then
    in each combination the framework rates it in), or the answers."""
    if section.key == PROPOSAL_SECTION:
        unit = overrides.get("proposal") or _proposal_unit(ctx, sheet.options)
        unit.extra["options"] = sheet.options
        unit.extra["combinations"] = _combinations(ctx)
        return {"proposal_unit": unit}
    if section.key == QUESTIONS_SECTION:
        return {
            "answer_units": [
                overrides.get(f"answer-{q.pk}") or _answer_unit(ctx, q, sheet)
                for q in sheet.questions
            ]
        }
    catalogue = framework_catalogue(framework=ctx.round.framework)
    option = section.option
    assert option is not None  # a ratings section is always of an option

    def cell(principle: Principle, option_set: str = "") -> Unit:
        key = rating_anchor(option.pk, principle.pk, option_set or str(option.number))
        unit = overrides.get(key) or _rating_unit(ctx, option, principle, option_set, sheet)
        unit.extra["suggested"] = catalogue.suggestion(option, principle, option_set)
        return unit

    contexts = []
    for context in sheet.contexts:
        if context.option.pk == option.pk:
            cells = [cell(p, context.option_set) for p in context.principles]
            contexts.append(
                {
                    "label": context.label,
                    "option_set": context.option_set,
                    "cells": cells,
                    "given": any(u.version or u.state for u in cells),
                }
            )
    cells = [cell(principle) for principle in sheet.principles]
    return {
        "cells": cells,
        "contexts": contexts,
        "section_suggested": any(unit.extra["suggested"] for unit in cells),
    }


def _section_page(
    request: HttpRequest, ctx: Context, key: str, overrides: dict[str, Unit] | None = None
) -> HttpResponse:
    overrides = overrides or {}
    sheet = responses.response_sheet(round=ctx.round, response=ctx.response)
    sections = _sections(ctx, sheet)
    index = next((i for i, s in enumerate(sections) if s.key == key), None)
    if index is None:
        raise Http404("No such section of the response.")
    section = sections[index]
    following = sections[index + 1] if index + 1 < len(sections) else None
    context = _heading_context(ctx) | {
        "section": section,
        "next_url": following.url if following else ctx.url("check"),
        "next_title": following.title if following else "Check your answers",
        "problems": [u for u in overrides.values() if u.state in {"error", "conflict"}],
        "bands": Band.choices,
        "agreements": Agreement.choices,
        **_section_units(ctx, sheet, section, overrides),
    }
    return render(request, SECTION, context)


def _posted_units(request: HttpRequest, ctx: Context, key: str) -> list[Unit]:
    """The units of section `key` that the posted form holds."""
    post = request.POST
    if key == PROPOSAL_SECTION:
        if "proposal-version" not in post:
            return []
        unit = _proposal_unit(ctx)
        unit.extra["combinations"] = _combinations(ctx)
        return [unit]
    if key == QUESTIONS_SECTION:
        return [
            _answer_unit(ctx, q)
            for q in ctx.round.questions.all()
            if f"answer-{q.pk}-version" in post
        ]
    catalogue = framework_catalogue(framework=ctx.round.framework)
    option = next(o for o in catalogue.options if option_section(o) == key)
    cells = [(p, str(option.number)) for p in catalogue.principles]
    cells += [
        (p, c.option_set)
        for c in catalogue.contexts
        if c.option.pk == option.pk
        for p in c.principles
    ]
    return [
        _rating_unit(ctx, option, p, option_set)
        for p, option_set in cells
        if f"{rating_anchor(option.pk, p.pk, option_set)}-version" in post
    ]


def _section(request: HttpRequest, ctx: Context, key: str) -> HttpResponse:
    """A section's page; a POST is the section saved without JavaScript ("Save and continue",
    or save and go back to the overview)."""
    if request.method == "GET":
        return _section_page(request, ctx, key)
    if not ctx.is_member:
        raise PermissionDenied("ICB governance admins can read a place's response, not change it.")
    units = _posted_units(request, ctx, key)
    problems = {}
    for unit in units:
        unit = _save_unit(request, ctx, unit)
        if unit.state != "saved":
            problems[unit.key] = unit
    if problems:
        return _section_page(request, ctx, key, overrides=problems)
    if units:
        messages.success(request, f"Saved at {uk_time(timezone.now())}.")
    if request.POST.get("then") == "overview":
        return redirect(ctx.url("response"))
    catalogue = framework_catalogue(framework=ctx.round.framework)
    order = [PROPOSAL_SECTION, *(option_section(o) for o in catalogue.options), QUESTIONS_SECTION]
    following = order[order.index(key) + 1] if order.index(key) + 1 < len(order) else None
    if following is None:
        return redirect(ctx.url("check"))
    if following == QUESTIONS_SECTION:
        return redirect(ctx.url("section_questions"))
    option = next(o for o in catalogue.options if option_section(o) == following)
    return redirect(ctx.url("section_ratings", option.pk))


@login_required
@require_http_methods(["GET", "POST"])
def proposal_section(request: HttpRequest, place_pk: int, round_pk: int) -> HttpResponse:
    return _section(request, _load(request, place_pk, round_pk), PROPOSAL_SECTION)


@login_required
@require_http_methods(["GET", "POST"])
def ratings_section(
    request: HttpRequest, place_pk: int, round_pk: int, option_pk: int
) -> HttpResponse:
    ctx = _load(request, place_pk, round_pk)
    catalogue = framework_catalogue(framework=ctx.round.framework)
    option = next((o for o in catalogue.options if o.pk == option_pk), None)
    if option is None:
        raise Http404("No such option in this round's framework.")
    return _section(request, ctx, option_section(option))


@login_required
@require_http_methods(["GET", "POST"])
def questions_section(request: HttpRequest, place_pk: int, round_pk: int) -> HttpResponse:
    return _section(request, _load(request, place_pk, round_pk), QUESTIONS_SECTION)


# Check your answers and submit -----------------------------------------------------------------


def _choice_label(choices: list[tuple[str, str]], value: str) -> str:
    return next((label for key, label in choices if key == value), "")


def _rating_rows(ctx: Context, sheet: ResponseSheet, section: Section) -> list[dict[str, Any]]:
    """An option's ratings as summary rows: every principle alone, then the optional ones
    in a combination where the place gave any."""
    option = section.option
    assert option is not None
    cells = [(p, str(option.number), False) for p in sheet.principles]
    cells += [
        (p, c.option_set, True)
        for c in sheet.contexts
        if c.option.pk == option.pk
        for p in c.principles
    ]
    rows = []
    for principle, option_set, optional in cells:
        rating = sheet.rating(option, principle, option_set)
        if optional and not (rating and any(getattr(rating, f) for f in RATING_FIELDS)):
            continue
        key = rating_anchor(option.pk, principle.pk, option_set)
        rows.append(
            {
                "key": key,
                "label": f"{option_rated_label(option.number, option_set)} against "
                f"{principle.name}",
                "band": _choice_label(Band.choices, rating.band) if rating else "",
                "qualifier": rating.qualifier if rating else "",
                "reasons": rating.reasons if rating else "",
                "agreement": _choice_label(Agreement.choices, rating.agreement) if rating else "",
                "asks_agreement": sheet.catalogue is None
                or responses.asks_agreement(sheet.catalogue, option, principle, option_set),
                "missing_from_analysis": rating.missing_from_analysis if rating else "",
                "change_url": f"{section.url}#{key}-band",
            }
        )
    return rows


def _check_context(ctx: Context) -> dict[str, Any]:
    sheet = responses.response_sheet(round=ctx.round, response=ctx.response)
    missing = responses.response_missing_items(response=ctx.response, sheet=sheet)
    sections, check_status = _with_statuses(ctx, sheet, missing)
    chosen = set(option_set_numbers(ctx.response.proposed_option_set))
    questions_url = ctx.url("section_questions")
    return _heading_context(ctx) | {
        "sections": sections,
        "check_status": check_status,
        "proposed": [o for o in sheet.options if o.number in chosen],
        "rating_sections": [
            {"section": s, "rows": _rating_rows(ctx, sheet, s)} for s in sections if s.option
        ],
        "answers": [
            {
                "question": q,
                "answer": sheet.answers.get(q.pk),
                "what": f"your answer to question {q.order}",
                "change_url": f"{questions_url}#answer-{q.pk}-"
                + ("choice-1" if q.choices else "text"),
            }
            for q in sheet.questions
        ],
        "missing": _missing_links(missing, sections),
    }


def _completeness_context(ctx: Context) -> dict[str, Any]:
    """What "check again" redraws: what is still missing, each linked to its field, without
    the rest of the check page (every rating and answer, which it does not show)."""
    sheet = responses.response_sheet(round=ctx.round, response=ctx.response)
    missing = responses.response_missing_items(response=ctx.response, sheet=sheet)
    return _heading_context(ctx) | {"missing": _missing_links(missing, _sections(ctx, sheet))}


@login_required
@require_GET
def check(request: HttpRequest, place_pk: int, round_pk: int) -> HttpResponse:
    """Check your answers: everything given, with a link to change each part, what is still
    missing, and (for a lead) the button that submits."""
    ctx = _load(request, place_pk, round_pk)
    return render(request, CHECK, _check_context(ctx))


@login_required
@require_GET
def completeness(request: HttpRequest, place_pk: int, round_pk: int) -> HttpResponse:
    ctx = _load(request, place_pk, round_pk)
    if not wants_partial(request):
        return redirect(ctx.url("check") + "#completeness")
    return render_page_or_partial(request, CHECK, "completeness", _completeness_context(ctx))


def _lead_action(request: HttpRequest, place_pk: int, round_pk: int) -> Context:
    ctx = _load(request, place_pk, round_pk)
    require_object_permission(request, LEAD_PLACE, ctx.place)  # 404 unless a lead
    return ctx


def _refused(request: HttpRequest, ctx: Context, reasons: list[str]) -> HttpResponse:
    """A lead's submission or withdrawal refused: the reasons, above the completeness check
    on "check your answers"."""
    for text in reasons:
        messages.error(request, text)
    return redirect(ctx.url("check") + "#completeness")


@login_required
@require_POST
def submit(request: HttpRequest, place_pk: int, round_pk: int) -> HttpResponse:
    ctx = _lead_action(request, place_pk, round_pk)
    try:
        responses.response_submit(actor=signed_in_user(request), response=_saved_response(ctx))
    except IncompleteResponse as error:
        return _refused(request, ctx, [error.messages[0] + " They are listed below."])
    except ValidationError as error:
        return _refused(request, ctx, error.messages)
    messages.success(
        request,
        f"{ctx.place.name}'s response has been submitted. It can be withdrawn and changed "
        f"until {uk_datetime(ctx.deadline)}.",
    )
    return redirect(ctx.url("response"))


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, place_pk: int, round_pk: int) -> HttpResponse:
    """GET: what withdrawing does, and the button that does it; POST: withdraw."""
    ctx = _lead_action(request, place_pk, round_pk)
    if request.method == "GET":
        if ctx.response.status != ResponseStatus.SUBMITTED:
            return _refused(request, ctx, ["Only a submitted response can be withdrawn."])
        if not ctx.is_open:
            return _refused(
                request,
                ctx,
                [
                    f"The deadline passed at {uk_datetime(ctx.deadline)}: it can no longer be withdrawn."
                ],
            )
        return render(request, WITHDRAW, _heading_context(ctx))
    try:
        if not ctx.response.pk:
            raise ValidationError("Only a submitted response can be withdrawn.")
        responses.response_withdraw(actor=signed_in_user(request), response=ctx.response)
    except ValidationError as error:
        return _refused(request, ctx, error.messages)
    messages.success(
        request,
        "The response has been withdrawn. Members can change it again; a place lead must "
        "submit it again before the round closes.",
    )
    return redirect(ctx.url("response"))


# History ----------------------------------------------------------------------------------------


def _section_link(ctx: Context, anchor: str) -> str:
    """Where a changed part is now: its section's page, at the part (`rating_anchor` begins
    "rating-<option pk>-")."""
    if anchor == "proposal":
        return f"{ctx.url('section_proposal')}#{anchor}"
    if anchor.startswith("answer-"):
        return f"{ctx.url('section_questions')}#{anchor}"
    if anchor.startswith("rating-"):
        option_pk = _int(anchor.split("-")[1])
        if option_pk is not None:
            return f"{ctx.url('section_ratings', option_pk)}#{anchor}"
    return ""


@login_required
@require_GET
def history(request: HttpRequest, place_pk: int, round_pk: int) -> HttpResponse:
    ctx = _load(request, place_pk, round_pk)
    changes = [
        (change, _section_link(ctx, change.anchor) if change.anchor else "")
        for change in response_history(response=ctx.response)
    ]
    return render(
        request,
        HISTORY,
        {"ctx": ctx, "place": ctx.place, "round": ctx.round, "changes": changes},
    )
