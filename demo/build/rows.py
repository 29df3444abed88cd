"""Bulk insertion, for the data sets too large to build one service call at a time."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

BATCH_SIZE = 2000

Row = TypeVar("Row")


def bulk_insert(model: Any, rows: Iterable[Row], *, batch_size: int = BATCH_SIZE) -> list[Row]:
    """Insert `rows` of `model` in batches and return them with their keys."""
    return list(model.objects.bulk_create(list(rows), batch_size=batch_size))
