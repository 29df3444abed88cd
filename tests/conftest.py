from __future__ import annotations

from dataclasses import dataclass

import pytest

from partners.models import Place, Role, System, User
from tests.factories import PlaceFactory, SystemFactory, UserFactory, make_member


@dataclass
class World:
    """Two systems; system one has places A and B. One person in each role."""

    system: System
    other_system: System
    place_a: Place
    place_b: Place
    member_a: User
    member_b: User
    lead_a: User
    icb_admin: User
    other_icb_admin: User
    advisory: User
    outsider: User


@pytest.fixture
def world(db: None) -> World:
    system = SystemFactory(name="North Shire ICS", slug="north-shire")
    other_system = SystemFactory(name="South Vale ICS", slug="south-vale")
    place_a = PlaceFactory(system=system, name="Ashford")
    place_b = PlaceFactory(system=system, name="Brookfield")
    return World(
        system=system,
        other_system=other_system,
        place_a=place_a,
        place_b=place_b,
        member_a=make_member(place=place_a),
        member_b=make_member(place=place_b),
        lead_a=make_member(place=place_a, role=Role.PLACE_LEAD),
        icb_admin=make_member(system=system, role=Role.ICB_ADMIN),
        other_icb_admin=make_member(system=other_system, role=Role.ICB_ADMIN),
        advisory=make_member(system=system, role=Role.ADVISORY_MEMBER),
        outsider=UserFactory(),
    )


@pytest.fixture
def htmx_headers() -> dict[str, str]:
    return {"HTTP_HX_REQUEST": "true"}
