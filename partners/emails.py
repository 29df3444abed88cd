"""E-mails to people. Rendering and sending live here; tasks only call these."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from partners.models import Invitation, MembershipOffer, OfferStatus
from partners.services.people import invitation_mark_sent


def invitation_email_send(*, invitation_id: int, token: str) -> bool:
    """Send the set-password e-mail for an invitation. Safe to run twice: an invitation
    already accepted is not sent again. Returns whether an e-mail went out."""
    invitation = (
        Invitation.objects.select_related("user", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or invitation.accepted_at is not None or invitation.is_expired:
        # Used, or replaced by a newer invitation (whose e-mail carries the only live link).
        return False
    memberships = invitation.user.memberships.current().select_related("place", "system")
    context = {
        "user": invitation.user,
        "invited_by": invitation.invited_by,
        "memberships": list(memberships),
        "link": settings.SITE_URL + reverse("invitation_accept", kwargs={"token": token}),
        "expires_at": invitation.expires_at,
    }
    message = EmailMultiAlternatives(
        subject="You have been invited to Place Governance Designer",
        body=render_to_string("emails/invitation.txt", context),
        to=[invitation.user.email],
    )
    message.attach_alternative(render_to_string("emails/invitation.html", context), "text/html")
    message.send()
    invitation_mark_sent(invitation_id=invitation.pk)
    return True


def membership_offer_email_send(*, offer_id: int) -> bool:
    """Tell someone with an account that a system has offered them a role, and where to accept
    or decline it (after signing in). Not sent once they have answered."""
    offer = (
        MembershipOffer.objects.select_related("user", "system", "place", "invited_by")
        .filter(pk=offer_id, status=OfferStatus.WAITING)
        .first()
    )
    if offer is None:
        return False
    context = {
        "offer": offer,
        "user": offer.user,
        "link": settings.SITE_URL + reverse("membership_offer", kwargs={"pk": offer.pk}),
    }
    message = EmailMultiAlternatives(
        subject=f"You have been invited to join {offer.system.name}",
        body=render_to_string("emails/membership_offer.txt", context),
        to=[offer.user.email],
    )
    message.attach_alternative(
        render_to_string("emails/membership_offer.html", context), "text/html"
    )
    message.send()
    return True
