"""The platform's scheduled task: publishing the outbox."""

from celery import shared_task

from core.outbox import pending_tasks_retry


# The name it had before the outbox moved here: the beat schedule and any message already
# queued call it by that name.
@shared_task(name="partners.tasks.pending_tasks_retry_task")
def pending_tasks_retry_task() -> int:
    """Publish the tasks kept while the broker was down (see core.outbox)."""
    return pending_tasks_retry()
