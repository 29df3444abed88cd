"""How the place delivers care, against its delivery archetype (the 2025 operating model's
place partnership or lead care provider): who holds each function, the budget's form, and the
contracting form of a lead provider arrangement. Each rule cites the source passage it
restates, from the framework data."""

from __future__ import annotations

from design.check_items import CheckItem, Design


def function_holders(design: Design) -> list[CheckItem]:
    """Who holds each function, against what the place's archetype allows."""
    return []


def contracting_form(design: Design) -> list[CheckItem]:
    """The lead provider arrangement's contracting form, against the source's lessons."""
    return []
