"""North Shire, the fictional integrated care system `manage.py seed_demo` loads: five
places, about forty partner organisations of every sector, about sixty people in every
role, three consultation rounds (two on the 2021 design framework, one on the 2025 delivery
archetypes), each place's bodies and terms of reference, schemes of delegation in force, and
the 2025 operating model's geography and delivery arrangements
(demo.north_shire.operating_model). Deterministic: the same data on every run (dates follow
today)."""

from __future__ import annotations

from collections.abc import Callable

from demo.north_shire.consultation import build_closed_round, build_open_round
from demo.north_shire.delegations import build_schemes
from demo.north_shire.operating_model import (
    build_archetypes_round,
    build_delivery,
    build_geography,
)
from demo.north_shire.partners import build_people, build_system
from demo.north_shire.sign_ins import DEMO_FRAMEWORK_SLUG, OPERATING_MODEL_FRAMEWORK_SLUG
from demo.north_shire.structures import build_bodies
from governance.catalogue.models import OptionFramework


def build(*, warn: Callable[[str], None]) -> None:
    system, places = build_system()
    build_people(system, places)
    # Before the schemes of delegation: one of their lines is for a neighbourhood.
    build_geography(system, places)
    framework = OptionFramework.objects.filter(slug=DEMO_FRAMEWORK_SLUG).first()
    if framework is None:
        warn(
            f"No consultation round in the demo: the option framework "
            f"{DEMO_FRAMEWORK_SLUG!r} is not loaded (run `manage.py migrate governance`)."
        )
    else:
        build_open_round(system, places, framework)
        build_closed_round(system, places, framework)
    build_schemes(build_bodies(system, places))
    operating_model = OptionFramework.objects.filter(slug=OPERATING_MODEL_FRAMEWORK_SLUG).first()
    if operating_model is None:
        warn(
            f"No delivery archetypes in the demo: the option framework "
            f"{OPERATING_MODEL_FRAMEWORK_SLUG!r} is not loaded (run `manage.py migrate "
            "governance`)."
        )
    else:
        build_delivery(system, places, operating_model)
        build_archetypes_round(system, places, operating_model)
