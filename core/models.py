"""The platform's own records. The outbox row keeps the table it was created with
(`partners_pendingtask`), so moving it here changed no data."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class PendingTask(models.Model):
    """A background task the broker could not take when it was queued (Redis was down or
    unreachable). The scheduler publishes it again until the broker takes it
    (core.outbox.pending_tasks_retry). Only tasks that are harmless to run twice are kept
    here: a row whose message went out may be published again if the database fails before
    the row is deleted."""

    task_name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(
        default=0, help_text="How many times the scheduler has tried to publish it."
    )
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "partners_pendingtask"
        ordering = ["next_attempt_at", "pk"]
        indexes = [models.Index(fields=["next_attempt_at"], name="pendingtask_due")]

    def __str__(self) -> str:
        return f"{self.task_name} {self.kwargs}"
