"""The rules for changing partners, places, people and memberships. Views, the console, the
Django admin, management commands and tasks all call these; none of them saves these models
directly. Every function is keyword-only, validates, saves atomically, writes its audit row
and queues side effects only once the transaction has committed."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.text import slugify

from partners.audit import audit_record
from partners.models import (
    SYSTEM_ROLES,
    Invitation,
    Membership,
    Organisation,
    OrganisationAlias,
    Place,
    PlacePartner,
    Role,
    System,
    User,
    normalise_name,
)
from partners.permissions import permissions_sync_for_system_admins, permissions_sync_for_user
from partners.queue import enqueue_on_commit


class ConcurrentEditError(ValidationError):
    """Someone else saved the record after this form was opened."""

    def __init__(self, label: str) -> None:
        super().__init__(
            f"Someone else changed this {label} while you were editing it. "
            "Your changes have not been saved: reload to see their version, then make your "
            "changes again."
        )


def _check_version(instance: models.Model, expected_version: str | None, label: str) -> None:
    """Optimistic locking on `updated_at`: the form carries the version it was opened at."""
    if expected_version is None:
        return
    current = instance.updated_at.isoformat()  # type: ignore[attr-defined]
    if current != expected_version:
        raise ConcurrentEditError(label)


def record_version(instance: models.Model) -> str:
    return instance.updated_at.isoformat()  # type: ignore[attr-defined]


def _save_validated(instance: models.Model) -> None:
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:  # a concurrent insert beat full_clean's check
        raise ValidationError(
            "That conflicts with a record saved a moment ago. Try again."
        ) from error


# Places ---------------------------------------------------------------------------------


def _unique_place_slug(system: System, name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:70] or "place"
    slug, n = base, 2
    others = Place.objects.filter(system=system)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True))
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def place_create(
    *,
    actor: User | None,
    system: System,
    name: str,
    population: int | None = None,
    local_authority_footprint: str = "",
) -> Place:
    place = Place(
        system=system,
        name=name.strip(),
        population=population,
        local_authority_footprint=local_authority_footprint.strip(),
        slug=_unique_place_slug(system, name),
    )
    _save_validated(place)
    audit_record(
        actor=actor,
        system=system,
        action="place.create",
        target=place,
        summary=f"Added place {place.name}",
    )
    permissions_sync_for_system_admins(system=system)
    return place


@transaction.atomic
def place_update(
    *,
    actor: User | None,
    place: Place,
    expected_version: str | None = None,
    **changes: Any,
) -> Place:
    place = Place.objects.select_for_update().get(pk=place.pk)
    _check_version(place, expected_version, "place")
    allowed = {"name", "population", "local_authority_footprint", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"place_update cannot change {sorted(unknown)}")
    before = {field: getattr(place, field) for field in changes}
    for field, value in changes.items():
        setattr(place, field, value.strip() if isinstance(value, str) else value)
    if "name" in changes:
        place.slug = _unique_place_slug(place.system, place.name, exclude_pk=place.pk)
    _save_validated(place)
    changed = {
        f: [str(before[f]), str(getattr(place, f))]
        for f in changes
        if before[f] != getattr(place, f)
    }
    if changed:
        audit_record(
            actor=actor,
            system=place.system,
            action="place.update",
            target=place,
            summary=f"Changed place {place.name}",
            details={"changed": changed},
        )
    return place


# Organisations and aliases ----------------------------------------------------------------


def _names_in_use(system: System, *, exclude_organisation: Organisation | None) -> dict[str, str]:
    """Every normalised name and alias in the system, mapped to the organisation using it."""
    organisations = Organisation.objects.filter(system=system)
    aliases = OrganisationAlias.objects.filter(system=system).select_related("organisation")
    if exclude_organisation is not None and exclude_organisation.pk:
        organisations = organisations.exclude(pk=exclude_organisation.pk)
        aliases = aliases.exclude(organisation=exclude_organisation)
    used = {o.normalised_name: o.name for o in organisations.only("name", "normalised_name")}
    used.update({a.normalised_alias: a.organisation.name for a in aliases})
    return used


def _clean_aliases(aliases: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    cleaned = []
    for alias in aliases:
        alias = alias.strip()
        key = normalise_name(alias)
        if not key:
            continue
        if key in seen:
            continue
        seen.add(key)
        cleaned.append(alias)
    return cleaned


def _check_names_free(
    *, system: System, name: str, aliases: list[str], organisation: Organisation | None
) -> None:
    # Serialise name checks within a system so two admins cannot claim the same alias at once.
    System.objects.select_for_update().filter(pk=system.pk).first()
    used = _names_in_use(system, exclude_organisation=organisation)
    errors: dict[str, list[str]] = {}
    name_key = normalise_name(name)
    if name_key in used:
        errors["name"] = [f"“{name}” is already used by {used[name_key]} in this system."]
    for alias in aliases:
        key = normalise_name(alias)
        if key == name_key:
            errors.setdefault("aliases", []).append(
                f"“{alias}” is the organisation's own name, not an alias."
            )
        elif key in used:
            errors.setdefault("aliases", []).append(
                f"“{alias}” is already used by {used[key]} in this system."
            )
    if errors:
        raise ValidationError(errors)


def _replace_aliases(organisation: Organisation, aliases: list[str]) -> None:
    keep = {normalise_name(a) for a in aliases}
    organisation.aliases.exclude(normalised_alias__in=keep).delete()
    existing = set(organisation.aliases.values_list("normalised_alias", flat=True))
    for alias in aliases:
        if normalise_name(alias) not in existing:
            OrganisationAlias.objects.create(
                organisation=organisation, alias=alias, system=organisation.system
            )


@transaction.atomic
def organisation_create(
    *,
    actor: User | None,
    system: System,
    name: str,
    sector: str,
    is_statutory: bool,
    ods_code: str = "",
    aliases: Iterable[str] = (),
) -> Organisation:
    alias_list = _clean_aliases(aliases)
    organisation = Organisation(
        system=system,
        name=name.strip(),
        sector=sector,
        is_statutory=is_statutory,
        ods_code=ods_code,
    )
    organisation.full_clean(exclude=["normalised_name"])
    _check_names_free(system=system, name=organisation.name, aliases=alias_list, organisation=None)
    _save_validated(organisation)
    _replace_aliases(organisation, alias_list)
    audit_record(
        actor=actor,
        system=system,
        action="organisation.create",
        target=organisation,
        summary=f"Added organisation {organisation.name}",
        details={"aliases": alias_list},
    )
    return organisation


@transaction.atomic
def organisation_update(
    *,
    actor: User | None,
    organisation: Organisation,
    expected_version: str | None = None,
    aliases: Iterable[str] | None = None,
    **changes: Any,
) -> Organisation:
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _check_version(organisation, expected_version, "organisation")
    allowed = {"name", "sector", "is_statutory", "ods_code", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"organisation_update cannot change {sorted(unknown)}")
    for field, value in changes.items():
        setattr(organisation, field, value.strip() if isinstance(value, str) else value)
    alias_list = (
        _clean_aliases(aliases)
        if aliases is not None
        else list(organisation.aliases.values_list("alias", flat=True))
    )
    organisation.full_clean(exclude=["normalised_name"])
    _check_names_free(
        system=organisation.system,
        name=organisation.name,
        aliases=alias_list,
        organisation=organisation,
    )
    _save_validated(organisation)
    _replace_aliases(organisation, alias_list)
    audit_record(
        actor=actor,
        system=organisation.system,
        action="organisation.update",
        target=organisation,
        summary=f"Changed organisation {organisation.name}",
        details={"changes": {k: str(v) for k, v in changes.items()}, "aliases": alias_list},
    )
    return organisation


@transaction.atomic
def organisation_alias_add(
    *, actor: User | None, organisation: Organisation, alias: str
) -> OrganisationAlias:
    alias = alias.strip()
    if not normalise_name(alias):
        raise ValidationError({"alias": ["Enter an alias with at least one letter or number."]})
    _check_names_free(
        system=organisation.system,
        name=organisation.name,
        aliases=[alias],
        organisation=organisation,
    )
    if organisation.aliases.filter(normalised_alias=normalise_name(alias)).exists():
        raise ValidationError({"alias": [f"{organisation.name} already has the alias “{alias}”."]})
    created = OrganisationAlias(organisation=organisation, alias=alias, system=organisation.system)
    created.save()
    audit_record(
        actor=actor,
        system=organisation.system,
        action="organisation.alias_add",
        target=organisation,
        summary=f"Added alias “{alias}” to {organisation.name}",
    )
    return created


@transaction.atomic
def organisation_alias_remove(*, actor: User | None, alias: OrganisationAlias) -> None:
    organisation = alias.organisation
    text = alias.alias
    alias.delete()
    audit_record(
        actor=actor,
        system=organisation.system,
        action="organisation.alias_remove",
        target=organisation,
        summary=f"Removed alias “{text}” from {organisation.name}",
    )


def _refuse_if_protected(instance: models.Model, label: str) -> None:
    """Refuse, with a message naming what refers to it, to delete a record others point at."""
    collector = Collector(using=instance._state.db or "default")
    try:
        collector.collect([instance])
    except (ProtectedError, RestrictedError) as error:
        objects = (
            error.protected_objects
            if isinstance(error, ProtectedError)
            else error.restricted_objects
        )
        references = sorted({str(obj._meta.verbose_name_plural) for obj in objects})
        raise ValidationError(
            f"This {label} cannot be deleted because other records refer to it "
            f"({', '.join(references)}). Deactivate it instead."
        ) from error


@transaction.atomic
def organisation_delete(*, actor: User | None, organisation: Organisation) -> None:
    """Delete an organisation nobody refers to; otherwise refuse and suggest deactivating."""
    _refuse_if_protected(organisation, "organisation")
    name, system = organisation.name, organisation.system
    audit_record(
        actor=actor,
        system=system,
        action="organisation.delete",
        target=organisation,
        summary=f"Deleted organisation {name}",
    )
    organisation.delete()


@transaction.atomic
def place_partner_add(
    *, actor: User | None, place: Place, organisation: Organisation
) -> PlacePartner:
    if organisation.system_id != place.system_id:
        raise ValidationError("Only organisations of the place's own system can be partners.")
    partner = PlacePartner(place=place, organisation=organisation)
    partner.full_clean()
    partner.save()
    audit_record(
        actor=actor,
        system=place.system,
        action="place_partner.add",
        target=partner,
        summary=f"Added {organisation.name} as a partner in {place.name}",
    )
    return partner


@transaction.atomic
def place_partner_remove(*, actor: User | None, partner: PlacePartner) -> None:
    represented = Membership.objects.current().filter(
        place=partner.place, organisation=partner.organisation
    )
    if represented.exists():
        raise ValidationError(
            f"{partner.organisation.name} still has representatives in {partner.place.name}. "
            "End or change their memberships first."
        )
    audit_record(
        actor=actor,
        system=partner.place.system,
        action="place_partner.remove",
        target=partner,
        summary=f"Removed {partner.organisation.name} from {partner.place.name}",
    )
    partner.delete()


# People and memberships -------------------------------------------------------------------


def _current_leads(place: Place) -> models.QuerySet[Membership]:
    return Membership.objects.current().filter(place=place, role=Role.PLACE_LEAD)


def _refuse_last_lead(membership: Membership, doing: str) -> None:
    if membership.role != Role.PLACE_LEAD or membership.place is None:
        return
    # Lock the place's leads so two admins cannot each remove one of the last two.
    others = list(_current_leads(membership.place).select_for_update().exclude(pk=membership.pk))
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
    _validate_membership_scope(system=system, role=role, place=place, organisation=organisation)
    membership = Membership(
        user=user, system=system, role=role, place=place, organisation=organisation
    )
    _save_validated(membership)
    audit_record(
        actor=actor,
        system=system,
        action="membership.create",
        target=membership,
        summary=f"{user} joined {place or system} as {membership.get_role_display()}",
    )
    permissions_sync_for_user(user=user)
    return membership


@transaction.atomic
def membership_update(
    *,
    actor: User | None,
    membership: Membership,
    role: str,
    organisation: Organisation | None,
) -> Membership:
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("place", "user")
        .get(pk=membership.pk)
    )
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
    _save_validated(membership)
    audit_record(
        actor=actor,
        system=membership.system,
        action="membership.update",
        target=membership,
        summary=f"{membership.user}: {old_role} → {membership.get_role_display()} in {membership.place or membership.system}",
    )
    permissions_sync_for_user(user=membership.user)
    return membership


@transaction.atomic
def membership_end(*, actor: User | None, membership: Membership) -> Membership:
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("place", "user")
        .get(pk=membership.pk)
    )
    if membership.ended_at is not None:
        return membership
    _refuse_last_lead(membership, "removed")
    membership.ended_at = timezone.now()
    membership.save(update_fields=["ended_at"])
    audit_record(
        actor=actor,
        system=membership.system,
        action="membership.end",
        target=membership,
        summary=f"{membership.user} left {membership.place or membership.system} ({membership.get_role_display()})",
    )
    permissions_sync_for_user(user=membership.user)
    return membership


@transaction.atomic
def user_update(
    *, actor: User | None, user: User, full_name: str, job_title: str, email: str
) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    user.full_name = full_name.strip()
    user.job_title = job_title.strip()
    user.email = email.strip().lower()
    _save_validated(user)
    audit_record(
        actor=actor,
        system=None,
        action="user.update",
        target=user,
        summary=f"Changed details of {user}",
    )
    return user


@transaction.atomic
def user_deactivate(*, actor: User | None, user: User) -> User:
    """A person leaves: end every membership (refusing if they are a place's last lead) and
    stop them signing in. Their name stays on the records they took part in."""
    for membership in Membership.objects.current().filter(user=user).select_related("place"):
        membership_end(actor=actor, membership=membership)
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        system=None,
        action="user.deactivate",
        target=user,
        summary=f"Deactivated {user}",
    )
    permissions_sync_for_user(user=user)
    return user


# Invitations ------------------------------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(*, actor: User | None, user: User) -> tuple[Invitation, str]:
    """Create an invitation and return it with its raw token (which is never stored)."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        invited_by=actor if actor and actor.pk else None,
        token_hash=_hash_token(token),
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
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
) -> Membership:
    """Add a person (or find them by e-mail), give them a role, and e-mail them a link to set
    their password. The e-mail is sent by a Celery task once this has committed."""
    from partners.tasks import send_invitation_email

    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    is_new = user is None
    if user is None:
        user = User(email=email, full_name=full_name.strip(), job_title=job_title.strip())
        user.set_unusable_password()
        _save_validated(user)
    membership = membership_create(
        actor=actor, user=user, system=system, role=role, place=place, organisation=organisation
    )
    if is_new or not user.has_usable_password():
        invitation, token = invitation_create(actor=actor, user=user)
        audit_record(
            actor=actor,
            system=system,
            action="user.invite",
            target=user,
            summary=f"Invited {user} ({user.email})",
        )
        enqueue_on_commit(send_invitation_email, invitation_id=invitation.pk, token=token)
    return membership


def invitation_resend(*, actor: User | None, user: User) -> Invitation:
    from partners.tasks import send_invitation_email

    if user.has_usable_password():
        raise ValidationError(f"{user} has already set a password.")
    with transaction.atomic():
        invitation, token = invitation_create(actor=actor, user=user)
        enqueue_on_commit(send_invitation_email, invitation_id=invitation.pk, token=token)
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
    audit_record(
        actor=user,
        system=None,
        action="user.accept_invitation",
        target=user,
        summary=f"{user} set a password",
    )
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
    from partners.tasks import send_invitation_email

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
            token = secrets.token_urlsafe(32)
            invitation.token_hash = _hash_token(token)
            invitation.queued_at = now
            invitation.save(update_fields=["token_hash", "queued_at"])
            enqueue_on_commit(send_invitation_email, invitation_id=invitation.pk, token=token)
            queued += 1
    return queued


# Admin console ----------------------------------------------------------------------------


@transaction.atomic
def person_deactivate_in_system(*, actor: User | None, system: System, user: User) -> User:
    """An ICB governance admin deactivates a person of their own system. Refused for their own
    account, and for people who also hold roles in another system (that system still needs
    them): end their roles in this system instead."""
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(
            "You cannot deactivate your own account. Ask another ICB governance admin to do it."
        )
    if Membership.objects.current().filter(user=user).exclude(system=system).exists():
        raise ValidationError(
            f"{user} also has roles in another system, so their account cannot be deactivated "
            f"from {system.name}. Remove their roles here instead."
        )
    user_deactivate(actor=actor, user=user)
    audit_record(
        actor=actor,
        system=system,
        action="user.deactivate",
        target=user,
        summary=f"Deactivated {user}",
    )
    return user


def person_invitation_resend(*, actor: User | None, system: System, user: User) -> Invitation:
    """Send a person of the system a fresh invitation link (only if they are still active and
    have not set a password), and record it in the system's audit trail."""
    if not user.is_active:
        raise ValidationError(f"{user} has been deactivated, so they cannot be invited again.")
    with transaction.atomic():
        invitation = invitation_resend(actor=actor, user=user)
        audit_record(
            actor=actor,
            system=system,
            action="user.invite_resend",
            target=user,
            summary=f"Sent {user} a new invitation ({user.email})",
        )
    return invitation
