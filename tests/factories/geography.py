"""Factories for a place's geography: its neighbourhoods, and the geographic tiers of a
framework that populations are checked against."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from governance.catalogue.models import (
    FrameworkKind,
    GeographicTier,
    GovernanceOption,
    OptionFramework,
)
from tests.factories.partners import PlaceFactory


class NeighbourhoodFactory(DjangoModelFactory):
    class Meta:
        model = "partners.Neighbourhood"

    place = factory.SubFactory(PlaceFactory)
    name = factory.Sequence(lambda n: f"Neighbourhood {n}")
    population = 40_000
    lead_kind = "pcn"


class GeographicTierFactory(DjangoModelFactory):
    class Meta:
        model = GeographicTier

    slug = factory.Sequence(lambda n: f"tier-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.capitalize())
    order = factory.Sequence(lambda n: n)
    source = factory.LazyAttribute(lambda o: f"Operating model, the {o.slug} tier")


# The footprints the 2025 operating model gives each tier, in people (from, to, largest).
FOOTPRINTS: dict[str, tuple[int | None, int | None, int | None]] = {
    "national": (None, None, None),
    "regional": (None, None, None),
    "system": (1_000_000, 3_000_000, None),
    "place": (250_000, 500_000, 1_200_000),
    "neighbourhood": (30_000, 50_000, None),
}


def make_tiers(*, slug: str = "test-operating-model", **overrides: Any) -> OptionFramework:
    """A framework with the five tiers of the 2025 operating model, newer than any other, so
    the design check reads its tiers. `overrides` replace a tier's (from, to, largest)."""
    framework = OptionFramework.objects.create(
        slug=slug, name="Test operating model", kind=FrameworkKind.ARCHETYPES, source="Test"
    )
    # The design check reads a framework's tiers with its options, as every framework in use
    # has options.
    GovernanceOption.objects.create(
        framework=framework, number=1, name="Test archetype", short_name="Test", summary="Test"
    )
    for order, (tier, footprint) in enumerate({**FOOTPRINTS, **overrides}.items()):
        typical_from, typical_to, largest = footprint
        GeographicTier.objects.create(
            framework=framework,
            slug=tier,
            name=tier.capitalize(),
            order=order,
            typical_from=typical_from,
            typical_to=typical_to,
            largest=largest,
            source=f"Operating model, the {tier} tier",
        )
    return framework
