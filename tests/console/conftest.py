"""Fixtures of the console tests: a signed-in ICB admin and an organisation with an alias."""

import pytest

from partners.models import Sector
from tests.factories import OrganisationAliasFactory, OrganisationFactory


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.icb_admin)
    return client


@pytest.fixture
def organisation(world):
    organisation = OrganisationFactory(
        system=world.system,
        name="Ashford Borough Council",
        sector=Sector.UPPER_TIER_COUNCIL,
        ods_code="ABC01",
    )
    OrganisationAliasFactory(organisation=organisation, alias="ABC")
    return organisation
