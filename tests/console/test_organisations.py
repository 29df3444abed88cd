"""Console organisations: adding with aliases, search, editing, concurrent edits, aliases in place, deleting or deactivating."""

from __future__ import annotations

import pytest

from partners import services
from partners.models import (
    AuditEvent,
    Organisation,
    OrganisationAlias,
    Sector,
)
from tests.console.support import url
from tests.factories import (
    OrganisationFactory,
    PlacePartnerFactory,
)

pytestmark = pytest.mark.django_db


# Organisations ------------------------------------------------------------------------------


def organisation_post(prefix: str, **overrides: str) -> dict[str, str]:
    data = {
        "name": "Royal Coldharbour Hospital",
        "sector": Sector.ACUTE_TRUST,
        "legal_form": "nhs_foundation_trust",
        "ods_code": "RCH01",
        "aliases": "RCH\nthe Royal",
        "version": "",
    }
    data.update(overrides)
    return {f"{prefix}-{key}": value for key, value in data.items()}


def test_adding_an_organisation_with_aliases(admin_client, world, htmx_headers):
    response = admin_client.post(
        url("organisation_add", world), organisation_post("new-organisation"), **htmx_headers
    )
    body = response.content.decode()
    organisation = Organisation.objects.get(system=world.system, name="Royal Coldharbour Hospital")
    assert organisation.is_statutory and organisation.ods_code == "RCH01"
    assert sorted(organisation.aliases.values_list("alias", flat=True)) == ["RCH", "the Royal"]
    assert "Added organisation Royal Coldharbour Hospital." in body
    assert 'id="organisation-results" class="app-results" hx-swap-oob="true"' in body
    assert "<html" not in body


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"name": "Ashford Borough Council", "ods_code": ""},
            "name",
            "is already used by Ashford Borough Council",
        ),
        ({"name": "ABC", "ods_code": ""}, "name", "is already used by Ashford Borough Council"),
        ({"aliases": "RCH\nabc"}, "aliases", "“abc” is already used by Ashford Borough Council"),
    ],
)
def test_a_duplicate_name_or_alias_shows_the_error_on_its_field_and_saves_nothing(
    admin_client, world, organisation, htmx_headers, overrides, field, message
):
    before = (
        Organisation.objects.count(),
        OrganisationAlias.objects.count(),
        AuditEvent.objects.count(),
    )
    response = admin_client.post(
        url("organisation_add", world),
        organisation_post("new-organisation", **overrides),
        **htmx_headers,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert f'id="id_new-organisation-{field}-error"' in body
    error_start = body.index(f'id="id_new-organisation-{field}-error"')
    assert message in body[error_start : error_start + 300]
    assert (
        Organisation.objects.count(),
        OrganisationAlias.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def test_organisation_search_matches_names_ods_codes_and_aliases(
    admin_client, world, organisation, htmx_headers
):
    OrganisationFactory(system=world.system, name="Brookfield Hospice", sector=Sector.HOSPICE)
    for query, expected in [("ashford", True), ("abc01", True), ("ABC", True), ("hospice", False)]:
        response = admin_client.get(url("organisations", world), {"q": query}, **htmx_headers)
        assert (organisation.name in response.content.decode()) is expected, query
    by_sector = admin_client.get(
        url("organisations", world), {"sector": Sector.HOSPICE}, **htmx_headers
    )
    assert "Brookfield Hospice" in by_sector.content.decode()
    assert organisation.name not in by_sector.content.decode()


def test_editing_an_organisation_inline(admin_client, world, organisation, htmx_headers):
    prefix = f"organisation-{organisation.pk}"
    form = admin_client.get(url("organisation_edit", world, organisation.pk))
    assert form.context["form"].initial["aliases"] == "ABC"
    response = admin_client.post(
        url("organisation_edit", world, organisation.pk),
        organisation_post(
            prefix,
            name="Ashford Council",
            sector=Sector.UPPER_TIER_COUNCIL,
            legal_form="unitary_council",
            ods_code="ABC01",
            aliases="ABC\nAshford BC",
            version=organisation.version,
        ),
        **htmx_headers,
    )
    body = response.content.decode()
    assert body.strip().startswith(
        f'<tr class="nhsuk-table__row" id="organisation-{organisation.pk}"'
    )
    organisation.refresh_from_db()
    assert organisation.name == "Ashford Council"
    assert sorted(organisation.aliases.values_list("alias", flat=True)) == ["ABC", "Ashford BC"]


def test_a_concurrent_organisation_edit_is_detected(
    admin_client, world, organisation, htmx_headers
):
    stale = organisation.version
    services.organisation_update(actor=None, organisation=organisation, name="Ashford BC")
    response = admin_client.post(
        url("organisation_edit", world, organisation.pk),
        organisation_post(f"organisation-{organisation.pk}", name="Mine", version=stale),
        **htmx_headers,
    )
    assert "Someone else changed this organisation" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.name == "Ashford BC"


def test_adding_and_removing_an_alias_inline(admin_client, world, organisation, htmx_headers):
    target = f'<div id="organisation-{organisation.pk}-aliases"'
    added = admin_client.post(
        url("organisation_alias_add", world, organisation.pk),
        {f"alias-{organisation.pk}-alias": "the council"},
        **htmx_headers,
    )
    body = added.content.decode()
    assert body.strip().startswith(target)
    assert "the council" in body and "Added alias “the council”" in body
    alias = organisation.aliases.get(alias="the council")
    removed = admin_client.post(
        url("organisation_alias_remove", world, organisation.pk, alias.pk), **htmx_headers
    )
    assert removed.content.decode().strip().startswith(target)
    assert not OrganisationAlias.objects.filter(pk=alias.pk).exists()
    assert AuditEvent.objects.filter(action="organisation.alias_remove").exists()


def test_a_duplicate_alias_is_refused_in_place(admin_client, world, organisation, htmx_headers):
    other = OrganisationFactory(system=world.system)
    response = admin_client.post(
        url("organisation_alias_add", world, other.pk),
        {f"alias-{other.pk}-alias": " abc "},
        **htmx_headers,
    )
    body = response.content.decode()
    assert "is already used by Ashford Borough Council" in body
    assert "nhsuk-error-message" in body and "nhsuk-input--error" in body
    assert not other.aliases.exists()


def test_the_alias_form_is_loaded_on_demand(admin_client, world, organisation, htmx_headers):
    """Rows link to the form instead of embedding it; the link's address opens the form
    into the row for HTMX and on a page of its own without JavaScript."""
    form_url = url("organisation_alias_add", world, organisation.pk)
    field = f'name="alias-{organisation.pk}-alias"'
    listing = admin_client.get(url("organisations", world)).content.decode()
    assert field not in listing
    assert f'href="{form_url}"' in listing and f'hx-get="{form_url}"' in listing

    partial = admin_client.get(form_url, **htmx_headers)
    body = partial.content.decode()
    assert partial.status_code == 200
    assert body.strip().startswith(
        f'<div class="app-aliases__add" id="organisation-{organisation.pk}-alias-add"'
    )
    assert field in body and "csrfmiddlewaretoken" in body and "autofocus" in body
    assert "<html" not in body

    page = admin_client.get(form_url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "<html" in body and f"Aliases of {organisation.name}" in body and field in body
    assert page["Vary"] and "HX-Request" in partial["Vary"]


def test_deleting_a_referenced_organisation_is_refused_and_deactivation_offered(
    admin_client, world, organisation, htmx_headers
):
    PlacePartnerFactory(place=world.place_a, organisation=organisation)
    response = admin_client.post(url("organisation_delete", world, organisation.pk), **htmx_headers)
    body = response.content.decode()
    assert "cannot be deleted because other records refer to it" in body
    assert "Deactivate instead" in body
    assert Organisation.objects.filter(pk=organisation.pk).exists()
    deactivated = admin_client.post(
        url("organisation_active", world, organisation.pk), {"is_active": "false"}, **htmx_headers
    )
    assert "Inactive" in deactivated.content.decode()
    organisation.refresh_from_db()
    assert not organisation.is_active


def test_deleting_an_unreferenced_organisation(admin_client, world, organisation, htmx_headers):
    response = admin_client.post(url("organisation_delete", world, organisation.pk), **htmx_headers)
    assert "Deleted Ashford Borough Council." in response.content.decode()
    assert not Organisation.objects.filter(pk=organisation.pk).exists()


def test_a_refused_delete_without_javascript_redirects_with_the_message(
    admin_client, world, organisation
):
    PlacePartnerFactory(place=world.place_a, organisation=organisation)
    response = admin_client.post(url("organisation_delete", world, organisation.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("organisations", world)
    assert "cannot be deleted" in response.content.decode()
