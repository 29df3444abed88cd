"""The place's geography against the framework's tiers: populations of the system, the place
and its neighbourhoods within the source's footprints, and a lead for each neighbourhood."""

from __future__ import annotations

from design.check_items import CheckItem, Design


def populations(design: Design) -> list[CheckItem]:
    """System, place and neighbourhood populations against the tiers' footprints (warnings)."""
    return []


def neighbourhood_leads(design: Design) -> list[CheckItem]:
    """Each active neighbourhood names who leads it."""
    return []
