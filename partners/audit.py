"""The audit trail: every service that changes a record writes one row here, inside its
own transaction, so a change and its audit row land or fail together."""

from __future__ import annotations

from typing import Any

from django.db import models

from partners.models import AuditEvent, System, User


def actor_name(user: User | None) -> str:
    """How an audit summary names who acted: a scheduled job or a data load has no user."""
    return str(user) if user is not None and user.pk else "The system"


def audit_record(
    *,
    actor: User | None,
    system: System | None,
    action: str,
    target: models.Model,
    summary: str,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor and actor.pk else None,
        system=system,
        action=action,
        target_type=target._meta.label,
        target_id=str(target.pk),
        summary=summary[:500],
        details=details or {},
    )
