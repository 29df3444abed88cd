"""The scheduler (Celery beat): opens and closes rounds on time and reminds place leads
before their deadline. Every step may run again, or alongside another run, without doing
anything twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.outbox import enqueue_on_commit_or_keep
from core.uk_time import uk_datetime
from governance.consultation.models import ConsultationRound, ReminderSent, RoundStatus
from governance.consultation.round_setup import round_opening_record
from governance.consultation.selectors import round_final_deadline, round_progress
from governance.consultation.tasks import round_reminder_email_task
from partners.audit import audit
from partners.models import Place
from partners.selectors import current_place_leads


def _open_if_due(pk: int, now: datetime) -> bool:
    with transaction.atomic():
        consultation = ConsultationRound.objects.select_for_update(of=("self",)).get(pk=pk)
        if consultation.status != RoundStatus.SCHEDULED or consultation.opens_at > now:
            return False
        if round_final_deadline(round=consultation) <= now:
            return False  # it is already over: the closing step records that
        consultation.status_save(RoundStatus.OPEN)
        round_opening_record(consultation, None)
    return True


def _close_if_due(pk: int, now: datetime) -> bool:
    with transaction.atomic():
        consultation = ConsultationRound.objects.select_for_update(of=("self",)).get(pk=pk)
        if consultation.status == RoundStatus.CLOSED:
            return False
        final = round_final_deadline(round=consultation)
        if final > now:
            return False
        consultation.status_save(RoundStatus.CLOSED)
        audit(
            None,
            "round.close",
            consultation,
            f"Consultation round {consultation.title} closed at {uk_datetime(final)}",
        )
    return True


def rounds_advance(*, now: datetime | None = None) -> dict[str, int]:
    """Open scheduled rounds whose opening time has passed (e-mailing their place leads) and
    close rounds whose last deadline has passed. Running it again changes nothing more."""
    now = now or timezone.now()
    due_to_open = ConsultationRound.objects.filter(
        status=RoundStatus.SCHEDULED, opens_at__lte=now
    ).values_list("pk", flat=True)
    opened = sum(_open_if_due(pk, now) for pk in list(due_to_open))
    due_to_close = (
        ConsultationRound.objects.exclude(status=RoundStatus.CLOSED)
        .filter(closes_at__lte=now)
        .values_list("pk", flat=True)
    )
    closed = sum(_close_if_due(pk, now) for pk in list(due_to_close))
    return {"opened": opened, "closed": closed}


def _remind(consultation: ConsultationRound, place: Place, deadline: datetime, leads: int) -> bool:
    try:
        with transaction.atomic():
            if ReminderSent.objects.filter(
                round=consultation, place=place, deadline=deadline
            ).exists():
                return False
            reminder = ReminderSent.objects.create(
                round=consultation, place=place, deadline=deadline, recipients=leads
            )
            audit(
                None,
                "round.reminder",
                consultation,
                f"Reminded {place.name}'s lead{'s' if leads != 1 else ''} that "
                f"{consultation.title} closes for them at {uk_datetime(deadline)}",
                {"place": place.pk, "deadline": deadline.isoformat()},
            )
            enqueue_on_commit_or_keep(round_reminder_email_task, reminder_id=reminder.pk)
    except IntegrityError:  # another run reminded them a moment ago
        return False
    return True


def reminder_due_at_opening(*, opens_at: datetime, closes_at: datetime, reminder_days: int) -> bool:
    """Whether a round's reminder would fall due before the round opens (the reminder is set
    for more days than the round runs). `round_reminders_send` reminds only open rounds, so
    such a reminder goes out at its first run after opening, with the invitation still new."""
    return reminder_days > 0 and closes_at - timedelta(days=reminder_days) <= opens_at


def round_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the leads of every invited place that has not submitted, once per deadline,
    from `reminder_days` before it. Returns how many places were reminded."""
    now = now or timezone.now()
    reminded = 0
    rounds = ConsultationRound.objects.filter(
        status=RoundStatus.OPEN, reminder_days__gt=0
    ).select_related("system")
    for consultation in rounds:
        window = timedelta(days=consultation.reminder_days)
        due = []
        for row in round_progress(round=consultation):
            if row.has_submitted or not (row.deadline - window <= now < row.deadline):
                continue
            due.append(row)
        if not due:
            continue
        leads = current_place_leads(row.place.pk for row in due)
        for row in due:
            if not leads.get(row.place.pk):
                continue  # nobody to tell yet; a lead appointed later is reminded then
            reminded += _remind(consultation, row.place, row.deadline, len(leads[row.place.pk]))
    return reminded
