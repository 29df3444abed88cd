"""Celery tasks for consultation rounds and feedback summaries. Tasks stay thin: they call a
service.

Each task keeps the name it was first registered under (`governance.tasks.<function>`), so
the beat schedule, messages already queued and tasks kept while the broker was down
(core.outbox) still find it. The services queue these tasks, so each task imports its
service when it runs rather than when this module loads."""

from __future__ import annotations

from typing import Any

from celery import shared_task


def _email_task(name: str) -> Any:
    """An e-mail task: retried with backoff while the mail server does not answer."""
    return shared_task(
        name=f"governance.tasks.{name}",
        acks_late=True,
        autoretry_for=(OSError,),
        retry_backoff=True,
        retry_kwargs={"max_retries": 5},
    )


@shared_task(
    name="governance.tasks.compile_feedback_summary", acks_late=True, reject_on_worker_lost=True
)
def compile_feedback_summary(*, summary_id: int, generation: int) -> bool:
    """Idempotent: a redelivered or superseded job completes nothing twice (see
    governance.consultation.feedback)."""
    from governance.consultation.feedback import summary_compile

    return summary_compile(summary_id=summary_id, generation=generation)


# The round scheduler (run by Celery beat, see CELERY_BEAT_SCHEDULE) and its e-mails.


@shared_task(name="governance.tasks.rounds_advance_task", acks_late=True)
def rounds_advance_task() -> dict[str, int]:
    """Open and close rounds on time; safe to run as often as you like."""
    from governance.consultation.round_scheduler import rounds_advance

    return rounds_advance()


@shared_task(name="governance.tasks.round_reminders_task", acks_late=True)
def round_reminders_task() -> int:
    """Remind place leads before their deadline, once per deadline."""
    from governance.consultation.round_scheduler import round_reminders_send

    return round_reminders_send()


@_email_task("round_open_email_task")
def round_open_email_task(*, round_id: int) -> int:
    from governance.consultation.emails import round_open_emails_send

    return round_open_emails_send(round_id=round_id)


@_email_task("round_reminder_email_task")
def round_reminder_email_task(*, reminder_id: int) -> int:
    from governance.consultation.emails import round_reminder_email_send

    return round_reminder_email_send(reminder_id=reminder_id)


@_email_task("response_submitted_email_task")
def response_submitted_email_task(*, response_id: int, submitted_at: str) -> int:
    from governance.consultation.emails import response_submitted_emails_send

    return response_submitted_emails_send(response_id=response_id, submitted_at=submitted_at)


@_email_task("summary_released_email_task")
def summary_released_email_task(*, summary_id: int, part: str, released_at: str) -> int:
    from governance.consultation.emails import summary_released_emails_send

    return summary_released_emails_send(summary_id=summary_id, part=part, released_at=released_at)
