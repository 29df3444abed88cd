"""Celery tasks stay thin: they load what they need and call a service."""

from celery import Task, shared_task

from partners.emails import invitation_email_send


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def send_invitation_email(self: Task, *, invitation_id: int, token: str) -> None:
    invitation_email_send(invitation_id=invitation_id, token=token)


@shared_task
def invitations_retry_unsent_task() -> int:
    from partners.services import invitations_retry_unsent

    return invitations_retry_unsent()


@shared_task
def pending_tasks_retry_task() -> int:
    """Publish the tasks kept while the broker was down (see partners.queue)."""
    from partners.queue import pending_tasks_retry

    return pending_tasks_retry()
