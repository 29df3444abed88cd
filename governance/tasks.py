"""Celery tasks for consultation rounds. Tasks stay thin: they call a service."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def compile_feedback_summary(*, summary_id: int, generation: int) -> bool:
    """Idempotent: a redelivered or superseded job completes nothing twice (see
    governance.consultation.feedback)."""
    from governance.consultation.feedback import summary_compile

    return summary_compile(summary_id=summary_id, generation=generation)


# The round scheduler (run by Celery beat, see CELERY_BEAT_SCHEDULE) and its e-mails.


@shared_task(acks_late=True)
def rounds_advance_task() -> dict[str, int]:
    """Open and close rounds on time; safe to run as often as you like."""
    from governance.consultation.rounds import rounds_advance

    return rounds_advance()


@shared_task(acks_late=True)
def round_reminders_task() -> int:
    """Remind place leads before their deadline, once per deadline."""
    from governance.consultation.rounds import round_reminders_send

    return round_reminders_send()


@shared_task(
    acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_kwargs={"max_retries": 5}
)
def round_open_email_task(*, round_id: int) -> int:
    from governance.consultation.emails import round_open_emails_send

    return round_open_emails_send(round_id=round_id)


@shared_task(
    acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_kwargs={"max_retries": 5}
)
def round_reminder_email_task(*, reminder_id: int) -> int:
    from governance.consultation.emails import round_reminder_email_send

    return round_reminder_email_send(reminder_id=reminder_id)


@shared_task(
    acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_kwargs={"max_retries": 5}
)
def response_submitted_email_task(*, response_id: int, submitted_at: str) -> int:
    from governance.consultation.emails import response_submitted_emails_send

    return response_submitted_emails_send(response_id=response_id, submitted_at=submitted_at)
