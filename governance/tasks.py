"""Celery finds an app's tasks in its `tasks` module; the governance tasks live with the
consultation they serve."""

from governance.consultation.tasks import (
    compile_feedback_summary,
    response_submitted_email_task,
    round_open_email_task,
    round_reminder_email_task,
    round_reminders_task,
    rounds_advance_task,
)

__all__ = [
    "compile_feedback_summary",
    "response_submitted_email_task",
    "round_open_email_task",
    "round_reminder_email_task",
    "round_reminders_task",
    "rounds_advance_task",
]
