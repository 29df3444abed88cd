"""A change to any part of a framework (an option, a principle, an allowed combination, a
suggested rating) moves the framework's `updated_at`, which keys the per-process copy of its
catalogue (governance.catalogue.selectors.framework_catalogue). Bulk operations send no signals, so code
that edits a framework's parts in bulk calls `framework_touch` itself."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from governance.catalogue.models import (
    AllowedCombination,
    GovernanceOption,
    OptionFramework,
    Principle,
    SuggestedRating,
)

FRAMEWORK_PARTS = (GovernanceOption, Principle, AllowedCombination, SuggestedRating)


def framework_touch(*, framework_id: int) -> None:
    OptionFramework.objects.filter(pk=framework_id).update(updated_at=timezone.now())


def _framework_part_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    if not kwargs.get("raw"):  # loading a fixture: the framework row comes with it
        framework_touch(framework_id=instance.framework_id)


for part in FRAMEWORK_PARTS:
    post_save.connect(_framework_part_changed, sender=part, dispatch_uid=f"touch-{part.__name__}")
    post_delete.connect(
        _framework_part_changed, sender=part, dispatch_uid=f"touch-deleted-{part.__name__}"
    )
