"""Optimistic locking: one integer `version` per editable record, and one way to save.

A form carries the version it was opened at. `model_update` (after HackSoftware's
Django-Styleguide-Example `common/services.py`) locks the row, refuses a save from a stale
version with `ConcurrentEditError`, sets only the fields that changed, validates, bumps the
version and saves those fields. Nothing is written when nothing changed.

Callers run it inside their own `transaction.atomic()` (it opens one itself if they do not),
so the audit row they write afterwards lands or fails with the change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

VERSION_FIELD = "version"


class ConcurrentEditError(ValidationError):
    """Someone else saved the record after this form was opened."""

    def __init__(self, label: str, message: str | None = None) -> None:
        super().__init__(
            message
            or f"Someone else changed this {label} while you were editing it. "
            "Your changes have not been saved: reload to see their version, then make your "
            "changes again."
        )


class VersionedModel(models.Model):
    """A record edited through forms: `version` counts its saves, for conflict detection."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


M = TypeVar("M", bound=models.Model)


def check_version(instance: models.Model, expected_version: int | None, label: str) -> None:
    """Refuse a save from a stale form. `None` means the caller has no version to compare
    (a data load, a scheduled job)."""
    if expected_version is None:
        return
    if getattr(instance, VERSION_FIELD) != expected_version:
        raise ConcurrentEditError(label)


def lock_row(instance: M, *, related: Iterable[str] = ()) -> M:
    """The current row, locked until the transaction ends (SELECT … FOR UPDATE)."""
    manager = type(instance)._default_manager
    queryset = manager.select_for_update()
    if related:
        queryset = queryset.select_related(*related)
    return queryset.get(pk=instance.pk)


def save_validated(instance: models.Model, *, update_fields: Iterable[str] | None = None) -> None:
    """Validate and save. A unique constraint that a concurrent insert beat `full_clean` to
    becomes a form error, not a 500."""
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save(update_fields=list(update_fields) if update_fields is not None else None)
    except IntegrityError as error:
        raise ValidationError(
            "That conflicts with a record saved a moment ago. Try again."
        ) from error


def model_update(
    *,
    instance: M,
    fields: Iterable[str],
    data: dict[str, Any],
    expected_version: int | None = None,
    label: str = "record",
) -> tuple[M, list[str]]:
    """Set `fields` from `data` on `instance` where they differ, after checking the version
    the form was opened at. Returns the instance and the names of the fields that changed
    (empty when nothing did; then nothing is saved and the version stays).

    `instance` should be a row locked by `lock_row` in the caller's transaction, so the
    check and the save cannot interleave with another save."""
    check_version(instance, expected_version, label)
    changed: list[str] = []
    for name in fields:
        if name in data and getattr(instance, name) != data[name]:
            setattr(instance, name, data[name])
            changed.append(name)
    if not changed:
        return instance, changed
    update_fields = list(changed)
    if hasattr(instance, VERSION_FIELD):
        setattr(instance, VERSION_FIELD, getattr(instance, VERSION_FIELD) + 1)
        update_fields.append(VERSION_FIELD)
    if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
        update_fields.append("updated_at")  # auto_now fields are saved only when named
    save_validated(instance, update_fields=update_fields)
    return instance, changed
