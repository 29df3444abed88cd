"""Applying a form's changes to a record, the same way in every service: refuse a field the
service does not let its callers change (a programming error, so TypeError), and keep the
values replaced, for the audit row."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django.db import models


def set_fields(
    instance: models.Model, changes: dict[str, Any], *, allowed: Collection[str], doing: str
) -> dict[str, Any]:
    """Set `changes` on `instance` (unsaved); returns the values they replaced, by field."""
    refuse_unknown(changes, allowed=allowed, doing=doing)
    before = {name: getattr(instance, name) for name in changes}
    for name, value in changes.items():
        setattr(instance, name, value)
    return before


def refuse_unknown(fields: Collection[str], *, allowed: Collection[str], doing: str) -> None:
    """Refuse, as the programming error it is, a field the service does not take."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"{doing} cannot set {sorted(unknown)}")


def replaced(before: dict[str, Any], only: Iterable[str] | None = None) -> dict[str, Any]:
    """The audit details of a change: the values it replaced (of the fields `only` names,
    if given), as text."""
    names = before if only is None else only
    return {"before": {name: str(before[name]) for name in names}}


def stripped(values: dict[str, Any]) -> dict[str, Any]:
    """The values, with the spaces around any text removed."""
    return {
        name: value.strip() if isinstance(value, str) else value for name, value in values.items()
    }
