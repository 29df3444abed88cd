"""Changing people: their roles in places and systems (memberships), their invitations to
set a password, and their leaving."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.locking import save_validated
from core.outbox import enqueue_on_commit
from partners.audit import audit
from partners.models import (
    SYSTEM_ROLES,
    Invitation,
    Membership,
    MembershipOffer,
    OfferStatus,
    Organisation,
    Place,
    Role,
    System,
    User,
)
from partners.permissions import permissions_sync_for_user
from partners.selectors import account_shared_elsewhere

# Memberships ------------------------------------------------------------------------------


def _refuse_last_lead(membership: Membership, doing: str) -> None:
    if membership.role != Role.PLACE_LEAD or membership.place is None:
        return
    # Lock the place's leads so two admins cannot each remove one of the last two.
    others = list(
        Membership.objects.place_leads()
        .filter(place=membership.place)
        .select_for_update(of=("self",))
        .exclude(pk=membership.pk)
    )
    if not others:
        raise ValidationError(
            f"{membership.user} is the only place lead of {membership.place.name}, so they cannot "
            f"be {doing}. Make someone else a place lead first: every place needs a lead to "
            "submit its response."
        )


def _validate_membership_scope(
    *, system: System, role: str, place: Place | None, organisation: Organisation | None
) -> None:
    if role in SYSTEM_ROLES and place is not None:
        raise ValidationError(
            {"place": ["ICB admins and advisory members belong to the system, not a place."]}
        )
    if role not in SYSTEM_ROLES and place is None:
        raise ValidationError({"place": ["Choose the place this person is a member of."]})
    if place is not None and place.system_id != system.pk:
        raise ValidationError({"place": ["That place belongs to another system."]})
    if organisation is not None and organisation.system_id != system.pk:
        raise ValidationError({"organisation": ["That organisation belongs to another system."]})


@dataclass(frozen=True)
class RoleTerms:
    """The terms of a role, held (a membership) or offered (a membership offer): the system,
    the role, and the place and organisation it is held in and for. A system role has no
    place."""

    system: System
    role: str
    place: Place | None = None
    organisation: Organisation | None = None

    @classmethod
    def of(cls, held: Membership | MembershipOffer) -> RoleTerms:
        return cls(held.system, held.role, held.place, held.organisation)

    def field_values(self) -> dict[str, Any]:
        """As the field values of a membership or an offer."""
        return {
            "system": self.system,
            "role": self.role,
            "place": self.place,
            "organisation": self.organisation,
        }

    def validate(self) -> None:
        _validate_membership_scope(**self.field_values())


def _locked_membership(membership: Membership) -> Membership:
    # Only the membership's row is locked: its place may be empty (an outer join), and
    # PostgreSQL locks no row on the empty side of one.
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("place", "user")
        .get(pk=membership.pk)
    )


def _membership_changed(
    actor: User | None, action: str, membership: Membership, summary: str
) -> Membership:
    """Record a change of someone's role, and re-derive what they may see from it."""
    audit(actor, action, membership, summary)
    permissions_sync_for_user(user=membership.user)
    return membership


@transaction.atomic
def membership_create(
    *,
    actor: User | None,
    user: User,
    system: System,
    role: str,
    place: Place | None = None,
    organisation: Organisation | None = None,
) -> Membership:
    terms = RoleTerms(system, role, place, organisation)
    terms.validate()
    membership = Membership(user=user, **terms.field_values())
    save_validated(membership)
    summary = f"{user} joined {place or system} as {membership.get_role_display()}"
    return _membership_changed(actor, "membership.create", membership, summary)


@transaction.atomic
def membership_update(
    *,
    actor: User | None,
    membership: Membership,
    role: str,
    organisation: Organisation | None,
) -> Membership:
    membership = _locked_membership(membership)
    if membership.ended_at is not None:
        raise ValidationError("This membership has ended and cannot be changed.")
    if membership.role == Role.PLACE_LEAD and role != Role.PLACE_LEAD:
        _refuse_last_lead(membership, "made a member only")
    if (role in SYSTEM_ROLES) != (membership.role in SYSTEM_ROLES):
        raise ValidationError(
            {
                "role": [
                    "A place role cannot become a system role. End this membership and add a new one."
                ]
            }
        )
    _validate_membership_scope(
        system=membership.system, role=role, place=membership.place, organisation=organisation
    )
    old_role = membership.get_role_display()
    membership.role = role
    membership.organisation = organisation
    save_validated(membership)
    summary = f"{membership.user}: {old_role} → {membership.get_role_display()} in {membership.place or membership.system}"
    return _membership_changed(actor, "membership.update", membership, summary)


@transaction.atomic
def membership_end(*, actor: User | None, membership: Membership) -> Membership:
    membership = _locked_membership(membership)
    if membership.ended_at is not None:
        return membership
    _refuse_last_lead(membership, "removed")
    membership.ended_at = timezone.now()
    membership.save(update_fields=["ended_at"])
    summary = f"{membership.user} left {membership.place or membership.system} ({membership.get_role_display()})"
    return _membership_changed(actor, "membership.end", membership, summary)


# Whose account a system may change --------------------------------------------------------


def account_change_refusal(*, actor: User | None, system: System, user: User) -> str:
    """Why an admin of `system` may not change the person's account ("" if they may). The one
    rule, asked by every service that changes an account from a system's console (resetting
    two-factor sign-in, deactivating, sending a new invitation) and by the console, which
    does not offer those actions when it would be refused: an account that also belongs to
    another system (holds a current role there) is changed only by a superuser (in the
    Django admin). Its roles in this system stay this system's to change."""
    if actor is not None and actor.is_superuser:
        return ""
    if not User.objects.filter(pk=user.pk).filter(account_shared_elsewhere(system)).exists():
        return ""
    return (
        f"{user} also has roles in another system, so {system.name} cannot change their "
        "account: only a superuser can reset their two-factor sign-in, deactivate them or "
        "send them a new invitation. You can still change or remove their roles here."
    )


def account_change_check(*, actor: User | None, system: System, user: User) -> None:
    """`account_change_refusal`, raised as a ValidationError."""
    refusal = account_change_refusal(actor=actor, system=system, user=user)
    if refusal:
        raise ValidationError(refusal)


def person_two_factor_reset(*, actor: User, system: System, user: User) -> None:
    """An ICB admin resets the two-factor sign-in of a person of their system (see
    `two_factor.two_factor_reset`), unless the person's account is shared with another system.
    The reset is audited in every system the person belongs to."""
    from partners.two_factor import two_factor_reset

    with transaction.atomic():
        account_change_check(actor=actor, system=system, user=user)
        two_factor_reset(actor=actor, system=system, user=user)


# People leaving ---------------------------------------------------------------------------


@transaction.atomic
def user_deactivate(*, actor: User | None, user: User, system: System | None = None) -> User:
    """A person leaves: end every membership (refusing if they are a place's last lead) and
    stop them signing in. Their name stays on the records they took part in. Recorded in
    `system` and every system they belonged to."""
    # Audited while they still belong to their systems, so that each is told.
    audit(actor, "user.deactivate", user, f"Deactivated {user}", system=system)
    for membership in Membership.objects.current().filter(user=user).select_related("place"):
        membership_end(actor=actor, membership=membership)
    user.is_active = False
    user.save(update_fields=["is_active"])
    permissions_sync_for_user(user=user)
    return user


@transaction.atomic
def person_deactivate_in_system(*, actor: User | None, system: System, user: User) -> User:
    """An ICB governance admin deactivates a person of their own system. Refused for their own
    account, and for people who also hold roles in another system (`account_change_check`:
    that system still needs them): end their roles in this system instead."""
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(
            "You cannot deactivate your own account. Ask another ICB governance admin to do it."
        )
    account_change_check(actor=actor, system=system, user=user)
    return user_deactivate(actor=actor, user=user, system=system)


# Invitations ------------------------------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(invitation: Invitation) -> str:
    """Give the invitation a fresh token and return it. Only its hash is stored: the token
    itself exists only in the e-mail."""
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _hash_token(token)
    return token


def _send_invitation_on_commit(invitation: Invitation, token: str) -> None:
    from partners.tasks import send_invitation_email

    enqueue_on_commit(send_invitation_email, invitation_id=invitation.pk, token=token)


def invitation_create(*, actor: User | None, user: User) -> tuple[Invitation, str]:
    """Create an invitation and return it with its raw token (which is never stored). Only the
    newest link works: the person's earlier unused invitations expire now."""
    Invitation.objects.filter(
        user=user, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).update(expires_at=timezone.now())
    invitation = Invitation(
        user=user,
        invited_by=actor if actor and actor.pk else None,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    token = _new_token(invitation)
    invitation.save()
    return invitation, token


@transaction.atomic
def person_invite(
    *,
    actor: User | None,
    system: System,
    email: str,
    full_name: str,
    role: str,
    place: Place | None = None,
    organisation: Organisation | None = None,
    job_title: str = "",
) -> Membership | MembershipOffer:
    """Add a person (or find them by e-mail), give them a role, and e-mail them a link to set
    their password. The e-mail is sent by a Celery task once this has committed.

    An address that already has an account, and holds no role in this system yet, belongs to
    a person who may be in other systems: the role is only offered
    (`membership_offer_create`), and starts when they accept it."""
    email = email.strip().lower()
    terms = RoleTerms(system, role, place, organisation)
    user = User.objects.filter(email__iexact=email).first()
    if (
        user is not None
        and not Membership.objects.current().filter(user=user, system=system).exists()
    ):
        return membership_offer_create(actor=actor, user=user, email=email, terms=terms)
    is_new = user is None
    if user is None:
        user = User(email=email, full_name=full_name.strip(), job_title=job_title.strip())
        user.set_unusable_password()
        save_validated(user)
    membership = membership_create(actor=actor, user=user, **terms.field_values())
    if is_new or (
        not user.has_usable_password()
        and not account_change_refusal(actor=actor, system=system, user=user)
    ):
        invitation, token = invitation_create(actor=actor, user=user)
        audit(actor, "user.invite", user, f"Invited {user} ({user.email})", system=system)
        _send_invitation_on_commit(invitation, token)
    return membership


def invitation_resend(*, actor: User | None, user: User) -> Invitation:
    if user.has_usable_password():
        raise ValidationError(f"{user} has already set a password.")
    with transaction.atomic():
        invitation, token = invitation_create(actor=actor, user=user)
        _send_invitation_on_commit(invitation, token)
    return invitation


def person_invitation_resend(*, actor: User | None, system: System, user: User) -> Invitation:
    """Send a person of the system a fresh invitation link (only if they are still active,
    have not set a password and belong to no other system), and record it in the audit
    trail. The earlier links stop working."""
    if not user.is_active:
        raise ValidationError(f"{user} has been deactivated, so they cannot be invited again.")
    with transaction.atomic():
        account_change_check(actor=actor, system=system, user=user)
        invitation = invitation_resend(actor=actor, user=user)
        audit(
            actor,
            "user.invite_resend",
            user,
            f"Sent {user} a new invitation ({user.email})",
            system=system,
        )
    return invitation


def invitation_find(*, token: str) -> Invitation:
    """The invitation for a token, or a ValidationError that says plainly what is wrong."""
    invitation = (
        Invitation.objects.select_related("user").filter(token_hash=_hash_token(token)).first()
    )
    if invitation is None:
        raise ValidationError(
            "This invitation link is not valid. Check you used the whole link from the e-mail."
        )
    if invitation.accepted_at is not None:
        raise ValidationError(
            "This invitation has already been used. Sign in with your password, or reset it."
        )
    if invitation.is_expired and (
        Invitation.objects.filter(user=invitation.user, created_at__gt=invitation.created_at)
        .exclude(pk=invitation.pk)
        .exists()
    ):
        raise ValidationError(
            "This invitation link has been replaced by a newer one. Use the link in the most "
            "recent invitation e-mail we sent you."
        )
    if invitation.is_expired:
        raise ValidationError(
            "This invitation link has expired. Ask your ICB governance team to send a new one."
        )
    if not invitation.user.is_active:
        raise ValidationError("This account has been deactivated.")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    invitation = invitation_find(token=token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been used.")
    user = invitation.user
    user.set_password(password)
    user.save(update_fields=["password"])
    now = timezone.now()
    invitation.accepted_at = now
    invitation.save(update_fields=["accepted_at"])
    # Any other outstanding invitation for this person is spent too.
    Invitation.objects.filter(user=user, accepted_at__isnull=True).update(accepted_at=now)
    audit(user, "user.accept_invitation", user, f"{user} set a password")
    return user


def invitation_mark_sent(*, invitation_id: int, at: datetime | None = None) -> None:
    Invitation.objects.filter(pk=invitation_id).update(sent_at=at or timezone.now())


# Invitations whose e-mail has not gone out after this long are sent again by the scheduler
# (the broker was down when they were made, or the worker lost the job).
UNSENT_INVITATION_GRACE = timedelta(minutes=10)


def invitations_retry_unsent(*, now: datetime | None = None) -> int:
    """Send again every live invitation whose e-mail never went out. Only a hash of a token is
    stored, so each gets a fresh token (the old one was never sent to anyone). Returns how
    many were queued."""
    now = now or timezone.now()
    queued = 0
    pending = Invitation.objects.filter(
        sent_at__isnull=True,
        accepted_at__isnull=True,
        expires_at__gt=now,
        queued_at__lte=now - UNSENT_INVITATION_GRACE,
    ).values_list("pk", flat=True)
    for invitation_id in list(pending):
        with transaction.atomic():
            invitation = (
                Invitation.objects.select_for_update()
                .filter(pk=invitation_id, sent_at__isnull=True, accepted_at__isnull=True)
                .first()
            )
            if invitation is None:
                continue
            token = _new_token(invitation)
            invitation.queued_at = now
            invitation.save(update_fields=["token_hash", "queued_at"])
            _send_invitation_on_commit(invitation, token)
            queued += 1
    return queued


# Roles offered to people who already have an account ---------------------------------------


def _offer_text(offer: MembershipOffer) -> str:
    """e.g. "place member in Ashford", or "ICB governance admin in North Shire ICS"."""
    return f"{offer.get_role_display().lower()} in {offer.place or offer.system}"


@transaction.atomic
def membership_offer_create(
    *, actor: User | None, user: User, email: str, terms: RoleTerms
) -> MembershipOffer:
    """Offer a role (`terms`) in a system to someone who already has an account. Nothing of
    theirs shows in the system and the offer grants nothing until they accept it; the system's
    audit trail names them by the address it typed. They are e-mailed once this commits."""
    terms.validate()
    waiting = MembershipOffer.objects.filter(
        user=user,
        system=terms.system,
        role=terms.role,
        place=terms.place,
        status=OfferStatus.WAITING,
    )
    if waiting.exists():
        raise ValidationError(
            f"{email} has already been invited to that role and has not answered yet."
        )
    invited_by = actor if actor and actor.pk else None
    offer = MembershipOffer(user=user, email=email, invited_by=invited_by, **terms.field_values())
    save_validated(offer)
    summary = f"Invited {email} to be {_offer_text(offer)}: waiting for them to accept"
    audit(actor, "membership.offer", offer, summary)
    from partners.tasks import send_membership_offer_email

    enqueue_on_commit(send_membership_offer_email, offer_id=offer.pk)
    return offer


@transaction.atomic
def membership_offer_answer(*, user: User, offer: MembershipOffer, accept: bool) -> MembershipOffer:
    """The person accepts the role offered (it becomes a membership, and the system sees who
    they are) or declines it (the system sees only that its address declined)."""
    offer = (
        MembershipOffer.objects.select_for_update(of=("self",))
        .select_related("system", "place", "organisation")
        .get(pk=offer.pk, user=user)
    )
    if offer.status != OfferStatus.WAITING:
        raise ValidationError(
            f"You have already {offer.get_status_display().lower()} this invitation."
        )
    offer.status = OfferStatus.ACCEPTED if accept else OfferStatus.DECLINED
    offer.answered_at = timezone.now()
    offer.save(update_fields=["status", "answered_at"])
    if accept:
        membership_create(actor=user, user=user, **RoleTerms.of(offer).field_values())
        summary = f"{user} ({offer.email}) accepted the invitation to be {_offer_text(offer)}"
        audit(user, "membership.offer_accept", offer, summary)
    else:
        summary = f"{offer.email} declined the invitation to be {_offer_text(offer)}"
        audit(None, "membership.offer_decline", offer, summary)
    return offer
