"""The audit trail: every service that changes a record writes one row here, inside its
own transaction, so a change and its audit row land or fail together."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from partners.models import AuditEvent, System, User

# How a record leads to its system, tried in this order: a place or a membership names it, an
# alias or a scheme goes through its organisation, a committee through its place, a rating
# through its response and round, a delegation line through its scheme.
SYSTEM_PATHS = ("system", "place", "organisation", "round", "response", "committee", "scheme")
SYSTEM_PATH_DEPTH = 4


def record_system(record: models.Model, *, depth: int = 0) -> System | None:
    """The system the record belongs to, or None for records shared by every system (the
    governance catalogue, people, groups)."""
    if isinstance(record, System):
        return record
    if depth >= SYSTEM_PATH_DEPTH:
        return None
    for name in SYSTEM_PATHS:
        # An unset required relation raises a subclass of AttributeError, which getattr absorbs.
        related = getattr(record, name, None)
        if isinstance(related, models.Model):
            system = record_system(related, depth=depth + 1)
            if system is not None:
                return system
    return None


def person_systems(user: User) -> list[System]:
    """The systems a person belongs to now: those where they hold a current role."""
    return list(
        System.objects.filter(memberships__user=user, memberships__ended_at__isnull=True)
        .distinct()
        .order_by("name")
    )


def audit_systems(record: models.Model, system: System | None = None) -> list[System | None]:
    """Every system whose audit trail a change to the record belongs in. A person's account
    (or a record of their own, such as a two-factor device) belongs to every system they are
    in, so a change to it is told to each of them; anything else to the one system it belongs
    to (`system` if given), or to none."""
    own = record_system(record)
    system = system if system is not None else own
    person = record if isinstance(record, User) else getattr(record, "user", None)
    if own is not None or not isinstance(person, User) or not person.pk:
        return [system]
    systems: list[System | None] = [system] if system is not None else []
    systems += [other for other in person_systems(person) if other != system]
    return systems or [None]


def actor_name(user: User | None) -> str:
    """How an audit summary names who acted: a scheduled job or a data load has no user."""
    return str(user) if user is not None and user.pk else "The system"


def audit_records(
    *,
    actor: User | None,
    systems: Iterable[System | None],
    action: str,
    target: models.Model,
    summary: str,
    details: dict[str, Any] | None = None,
) -> list[AuditEvent]:
    """One audit row in each of `systems`, alike but for the system, in that order."""
    event = {
        "actor": actor if actor and actor.pk else None,
        "action": action,
        "target_type": target._meta.label,
        "target_id": str(target.pk),
        "summary": summary[:500],
        "details": details or {},
    }
    return [AuditEvent.objects.create(system=system, **event) for system in systems]


def audit(
    actor: User | None,
    action: str,
    target: models.Model,
    summary: str,
    details: dict[str, Any] | None = None,
    *,
    system: System | None = None,
) -> AuditEvent:
    """Record a service's change as a sentence: `actor` did `action` to `target`, told by
    `summary` (and `details` for what a sentence cannot hold), in the system the target
    belongs to unless `system` names it. A person belongs to no one system: a change to their
    account is recorded in `system` and in every other system they are in, one row each
    (`audit_systems`); the row in `system` is returned."""
    systems = audit_systems(target, system)
    rows = audit_records(
        actor=actor, systems=systems, action=action, target=target, summary=summary, details=details
    )
    return rows[0]


def audit_by(
    actor: User | None,
    action: str,
    target: models.Model,
    doing: str,
    details: dict[str, Any] | None = None,
    *,
    system: System | None = None,
) -> AuditEvent:
    """`audit` for a summary that starts with who acted: "Ann Lee changed …", or "The
    system …" for a scheduled job or a data load."""
    return audit(actor, action, target, f"{actor_name(actor)} {doing}", details, system=system)
