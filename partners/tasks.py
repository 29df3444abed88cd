"""Celery tasks stay thin: they load what they need and call a service."""

from typing import Any

from celery import shared_task

from partners.emails import invitation_email_send, membership_offer_email_send


def _email_task() -> Any:
    """An e-mail task: retried with backoff while the mail server does not answer."""
    return shared_task(
        acks_late=True,
        autoretry_for=(OSError,),
        retry_backoff=True,
        retry_kwargs={"max_retries": 5},
    )


@_email_task()
def send_invitation_email(*, invitation_id: int, token: str) -> None:
    invitation_email_send(invitation_id=invitation_id, token=token)


@_email_task()
def send_membership_offer_email(*, offer_id: int) -> None:
    membership_offer_email_send(offer_id=offer_id)


@shared_task
def invitations_retry_unsent_task() -> int:
    from partners.services.people import invitations_retry_unsent

    return invitations_retry_unsent()
