"""How a place's response keeps its history, and how that history reads: every save records
who made it (django-simple-history), a person's saves moments apart are one change, and the
history page lists each change with a word-level diff."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import models

from core.text_diff import text_diff
from governance.catalogue.models import Band, GovernanceOption, Principle
from governance.catalogue.rules import option_rated_label, option_set_label
from governance.catalogue.selectors import framework_catalogue
from governance.consultation.models import (
    Agreement,
    Answer,
    PlaceRating,
    PlaceResponse,
    ResponseStatus,
)
from partners.models import User

# Consecutive saves of one record by one person within this window are one change in the
# history (autosave would otherwise record every pause in typing).
HISTORY_COALESCE_WINDOW = timedelta(minutes=10)

# The change reason of a save that only moves the response's status (submitted, withdrawn):
# such a record is never folded into an edit, and is no edit of the response's content.
STATUS_CHANGE = "status"


def save_with_history(instance: models.Model, actor: User | None, *, coalesce: bool = True) -> None:
    """Save, recording `actor` in the history, and fold this save into the person's previous
    history record of the same record when they saved it moments ago."""
    instance._history_user = actor if actor and actor.pk else None  # type: ignore[attr-defined]
    if not coalesce:  # marks the record so later edits are never folded into it
        instance._change_reason = STATUS_CHANGE  # type: ignore[attr-defined]
    # Foreign keys come from records just read and the database enforces them, so
    # full_clean need not look each one up again.
    relations = [f.name for f in instance._meta.concrete_fields if f.is_relation]
    instance.full_clean(exclude=relations)
    instance.save()
    records = list(instance.history.order_by("-history_date", "-history_id")[:2])  # type: ignore[attr-defined]
    if not coalesce or len(records) < 2 or actor is None or not actor.pk:
        return
    newest, previous = records
    if (
        previous.history_user_id == actor.pk
        and newest.history_date - previous.history_date < HISTORY_COALESCE_WINDOW
        and previous.history_type in {"+", "~"}
        and not previous.history_change_reason
    ):
        if previous.history_type == "+":
            newest.history_type = "+"
            newest.save(update_fields=["history_type"])
        previous.delete()


RATING_FIELDS = ("band", "qualifier", "reasons", "agreement", "missing_from_analysis")


def rating_anchor(option_id: int, principle_id: int, option_set: str) -> str:
    """The id of a rating cell on the response page, and the prefix of its form fields:
    "rating-<option>-<principle>" for the option alone, with "-in-1-4" after it for the option
    in the combination 1+4 (a "+" would end a CSS selector)."""
    anchor = f"rating-{option_id}-{principle_id}"
    return f"{anchor}-in-{option_set.replace('+', '-')}" if "+" in option_set else anchor


RATING_LABELS = {
    "band": "Rating",
    "qualifier": "Qualifier",
    "reasons": "Reasons",
    "agreement": "Agreement with the suggested rating",
    "missing_from_analysis": "What the suggested analysis misses",
}


def rating_display(field_name: str, value: str) -> str:
    if field_name == "band":
        return Band(value).label if value else ""
    if field_name == "agreement":
        return Agreement(value).label if value else ""
    return value


@dataclass(frozen=True)
class Change:
    at: datetime
    who: User | None
    what: str  # the record and field, in words
    old: str
    new: str
    diff: list[tuple[str, str]]  # ("equal" | "delete" | "insert", text) segments
    anchor: str = ""
    picked: bool = False  # a value chosen from a list (a status, a rating), not words typed


# Fields whose values are chosen, not written: a change is shown as "from … to …", since a
# word diff of two labels would run them together.
PICKED_FIELDS = {"status", "proposed_option_set", "choice", "band", "agreement"}


RESPONSE_FIELDS = {
    "status": "Status",
    "proposed_option_set": "Proposed options",
    "proposal_case": "The case for the proposal",
}


def _display(model_field: str, value: Any) -> str:
    if value in (None, ""):
        return ""
    if model_field == "status":
        return str(ResponseStatus(value).label)
    if model_field == "proposed_option_set":
        return option_set_label(value)
    return rating_display(model_field, str(value)) if model_field in RATING_FIELDS else str(value)


def _changes_of(
    records: Iterable[Any],
    key: str,
    fields: dict[str, str],
    describe: Any,
    anchor: Any,
) -> list[Change]:
    """Changes between consecutive history records of each object (records oldest first)."""
    changes: list[Change] = []
    previous: dict[Any, Any] = {}
    for record in records:
        before = previous.get(getattr(record, key))
        previous[getattr(record, key)] = record
        for name, label in fields.items():
            if before is None and name == "status":
                continue  # every response starts as a draft: not a change worth listing
            old = _display(name, getattr(before, name)) if before is not None else ""
            new = _display(name, getattr(record, name))
            if old == new:
                continue
            changes.append(
                Change(
                    at=record.history_date,
                    who=record.history_user,
                    what=f"{describe(record)}: {label}" if describe(record) else label,
                    old=old,
                    new=new,
                    diff=text_diff(old, new),
                    anchor=anchor(record),
                    picked=name in PICKED_FIELDS,
                )
            )
    return changes


def _rating_cell(option: GovernanceOption, option_set: str, principle: Principle) -> str:
    """ "Option 4 against Decision-making", or "Option 4 with option 1 against …" in context."""
    return f"{option_rated_label(option.number, option_set)} against {principle.short_name}"


def response_history(*, response: PlaceResponse) -> list[Change]:
    """Who changed what and when, newest first: the proposal and status, every answer and
    every rating, with a word-level diff of each text."""
    if not response.pk:
        return []
    questions = {q.pk: q for q in response.round.questions.all()}
    # The framework's options and principles, as every response page reads them: once per
    # process and framework version.
    catalogue = framework_catalogue(framework=response.round.framework)
    options = {o.pk: o for o in catalogue.options}
    principles = {p.pk: p for p in catalogue.principles}
    order = ("history_date", "history_id")
    changes = _changes_of(
        response.history.select_related("history_user").order_by(*order),
        "id",
        RESPONSE_FIELDS,
        lambda r: "",
        lambda r: "proposal",
    )
    changes += _changes_of(
        Answer.history.filter(response_id=response.pk)
        .select_related("history_user")
        .order_by(*order),
        "id",
        {"choice": "Chosen answer", "text": "Answer"},
        lambda r: (
            f"Question {questions[r.question_id].order}"
            if r.question_id in questions
            else "A question"
        ),
        lambda r: f"answer-{r.question_id}",
    )
    changes += _changes_of(
        PlaceRating.history.filter(response_id=response.pk)
        .select_related("history_user")
        .order_by(*order),
        "id",
        RATING_LABELS,
        lambda r: _rating_cell(options[r.option_id], r.option_set, principles[r.principle_id]),
        lambda r: rating_anchor(r.option_id, r.principle_id, r.option_set),
    )
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes
