"""Creating a consultation round: one service for the console, the demo data, the benchmarks
and the tests, so every round is validated, audited and announced the same way.

A round whose opening time has passed when it is created opens at once: that is audited and
its invited places' leads are e-mailed once the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.outbox import enqueue_on_commit_or_keep
from core.uk_time import uk_datetime
from governance.catalogue.models import FrameworkKind, OptionFramework
from governance.consultation.models import (
    ConsultationRound,
    Milestone,
    RoundStatus,
    default_detailed_audiences,
    default_high_level_audiences,
)
from governance.consultation.questions import (
    default_questions,
    defaults_of_another_kind,
    question_build,
    questions_check,
)
from governance.consultation.tasks import round_open_email_task
from partners.audit import audit
from partners.models import Place, System, User


def invited_places_problems(system: System, places: list[Place]) -> list[str]:
    """Why these places cannot be a round's invited places (none when they can)."""
    if not places:
        return ["Invite at least one place."]
    if any(place.system_id != system.pk for place in places):
        return ["Only places of this system can be invited."]
    return []


def round_opening_record(consultation: ConsultationRound, actor: User | None) -> None:
    """Audit that the round opened and queue the e-mails to its places' leads (sent once the
    transaction commits, or kept until the broker answers)."""
    audit(
        actor,
        "round.open",
        consultation,
        f"Opened consultation round {consultation.title}; its places' leads are being e-mailed",
    )
    enqueue_on_commit_or_keep(round_open_email_task, round_id=consultation.pk)


def _status_at(now: datetime, opens_at: datetime, closes_at: datetime) -> RoundStatus:
    if closes_at <= now:
        return RoundStatus.CLOSED
    return RoundStatus.OPEN if opens_at <= now else RoundStatus.SCHEDULED


@transaction.atomic
def round_create(
    *,
    actor: User | None,
    system: System,
    framework: OptionFramework,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    questions: list[dict[str, Any]] | None = None,
    purpose: str = "",
    invited_places: Iterable[Place] | None = None,
    milestones: Iterable[dict[str, Any]] = (),
    reminder_days: int = 7,
    suppression_threshold: int = 3,
    high_level_audiences: list[str] | None = None,
    detailed_audiences: list[str] | None = None,
    closing_must_be_ahead: bool = False,
    announce: bool = True,
) -> ConsultationRound:
    """A consultation round with its questions (the framework's default questions unless
    given, see `questions.default_questions`), the places
    it consults (as chosen, or every active place of the system), who receives each part of
    its summary (the advisory and oversight groups the high-level summary, the advisory group
    the detailed review, unless given) and its milestones (title, due_on and optionally
    description and the summary part it releases).

    Everything is checked before anything is saved. `closing_must_be_ahead` also refuses a
    closing time already past (the console sets up rounds to come; data loads may record old
    ones). A round created open is audited as opened and, with `announce`, its places' leads
    are e-mailed; a bulk data load passes `announce=False`."""
    places = (
        list(Place.objects.filter(system=system, is_active=True))
        if invited_places is None
        else list(invited_places)
    )
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if closes_at <= opens_at:
        errors["closes_at"] = ["The round must close after it opens."]
    elif closing_must_be_ahead and closes_at <= now:
        errors["closes_at"] = ["The closing time must be in the future."]
    if invited_places is not None and (problems := invited_places_problems(system, places)):
        errors["invited_places"] = problems
    if errors:
        raise ValidationError(errors)
    questions = default_questions(framework) if questions is None else questions
    questions_check(questions)
    consultation = ConsultationRound(
        system=system,
        framework=framework,
        title=title.strip(),
        purpose=purpose.strip(),
        opens_at=opens_at,
        closes_at=closes_at,
        reminder_days=reminder_days,
        suppression_threshold=suppression_threshold,
        high_level_audiences=(
            default_high_level_audiences()
            if high_level_audiences is None
            else list(high_level_audiences)
        ),
        detailed_audiences=(
            default_detailed_audiences() if detailed_audiences is None else list(detailed_audiences)
        ),
        status=_status_at(now, opens_at, closes_at),
        created_by=actor if actor and actor.pk else None,
    )
    consultation.full_clean()
    consultation.save()
    consultation.invited_places.set(places)
    for order, spec in enumerate(questions, 1):
        question_build(round=consultation, order=order, spec=spec).save()
    for spec in milestones:
        milestone = Milestone(
            round=consultation,
            title=(spec.get("title") or "").strip(),
            description=(spec.get("description") or "").strip(),
            due_on=spec["due_on"],
            releases=spec.get("releases") or "",
        )
        milestone.full_clean()
        milestone.save()
    audit(
        actor,
        "round.create",
        consultation,
        f"Created consultation round {consultation.title} for {len(places)} "
        f"place{'s' if len(places) != 1 else ''}, closing {uk_datetime(closes_at)}",
    )
    if consultation.status == RoundStatus.OPEN:
        if announce:
            round_opening_record(consultation, actor)
        else:
            audit(
                actor,
                "round.open",
                consultation,
                f"Opened consultation round {consultation.title} without e-mails (loaded data)",
            )
    return consultation


def round_setup(**fields: Any) -> ConsultationRound:
    """A new round from the console: `round_create` for a round still to close. Refused when
    its questions are, word for word, the default questions of another kind of framework than
    the one chosen: the defaults offered with one framework left unchanged after choosing the
    other (places would be asked about combinations of archetypes that stand alone)."""
    framework, questions = fields.get("framework"), fields.get("questions")
    if framework is not None and questions is not None:
        kind = defaults_of_another_kind(questions, framework)
        if kind is not None:
            raise ValidationError(
                {
                    "framework": [
                        f"The questions are the default questions for a framework of "
                        f"{FrameworkKind(kind).label.lower()}, not for {framework.name}. "
                        "They have been replaced by this framework's default questions: "
                        "check them, then set up the round again."
                    ]
                }
            )
    return round_create(**fields, closing_must_be_ahead=True)
