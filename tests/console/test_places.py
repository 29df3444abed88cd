"""Console lists as pages and partials, the dashboard, and places: search, add, edit, deactivate and partners, in place and without JavaScript."""

from __future__ import annotations

import pytest

from partners import services
from partners.models import (
    Place,
    PlacePartner,
)
from tests.console.support import url
from tests.factories import (
    OrganisationFactory,
    PlaceFactory,
    PlacePartnerFactory,
    make_member,
)

pytestmark = pytest.mark.django_db


# Full pages and partials ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "marker"),
    [
        ("places", 'id="place-results"'),
        ("organisations", 'id="organisation-results"'),
        ("people", 'id="person-results"'),
    ],
)
def test_lists_give_the_full_page_or_only_the_results_partial(
    admin_client, world, htmx_headers, name, marker
):
    page = admin_client.get(url(name, world)).content.decode()
    assert "<html" in page
    assert marker in page
    assert 'aria-live="polite"' in page
    partial = admin_client.get(url(name, world), **htmx_headers)
    body = partial.content.decode()
    assert "<html" not in body
    assert body.strip().startswith(f"<div {marker}")
    assert "HX-Request" in partial["Vary"]


def test_dashboard_shows_counts_and_recent_changes_with_their_actor(admin_client, world):
    services.place_create(actor=world.icb_admin, system=world.system, name="Cresswell")
    response = admin_client.get(url("dashboard", world))
    body = response.content.decode()
    assert "<html" in body
    assert response.context["counts"] == {
        "places": 3,
        "organisations": 0,
        "people": 6,  # the world's members, lead, admin, advisory and oversight members
        "pending_invitations": 0,
    }
    assert "Added place Cresswell" in body
    assert world.icb_admin.full_name in body
    assert url("places", world) in body


def test_history_restore_gets_the_full_page(admin_client, world):
    response = admin_client.get(
        url("places", world), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()


# Places -------------------------------------------------------------------------------------


def test_place_search_and_pagination(admin_client, world, htmx_headers):
    for n in range(30):
        PlaceFactory(system=world.system, name=f"Zeta {n:02d}")
    assert (
        admin_client.get(url("places", world), {"q": "zeta"}).context["page_obj"].paginator.count
        == 30
    )
    first = admin_client.get(url("places", world), {"q": "zeta"}, **htmx_headers)
    body = first.content.decode()
    assert "30 places matching “zeta”" in body
    assert "Zeta 00" in body and "Zeta 25" not in body and "Ashford" not in body
    assert "nhsuk-pagination" in body
    assert f"{url('places', world)}?q=zeta&amp;page=2" in body
    second = admin_client.get(url("places", world), {"q": "zeta", "page": 2}, **htmx_headers)
    assert "Zeta 29" in second.content.decode()


def test_adding_a_place_inline(admin_client, world, htmx_headers):
    form = admin_client.get(url("place_add", world), **htmx_headers).content.decode()
    assert "<html" not in form and 'name="new-place-name"' in form
    response = admin_client.post(
        url("place_add", world),
        {"new-place-name": "Cresswell", "new-place-population": "250000"},
        **htmx_headers,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert Place.objects.filter(system=world.system, name="Cresswell", population=250000).exists()
    assert 'id="place-add"' in body and "Add a place" in body
    assert 'hx-swap-oob="true"' in body and "Cresswell" in body
    assert "Added place Cresswell." in body


def test_adding_a_place_without_javascript_redirects_with_a_message(admin_client, world):
    response = admin_client.post(
        url("place_add", world), {"new-place-name": "Cresswell"}, follow=True
    )
    assert response.redirect_chain == [(url("places", world), 302)]
    assert "Added place Cresswell." in response.content.decode()


def test_a_duplicate_place_name_shows_the_error_in_the_form(admin_client, world, htmx_headers):
    response = admin_client.post(
        url("place_add", world), {"new-place-name": "ashford"}, **htmx_headers
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This system already has a place with that name." in body
    assert "nhsuk-error-summary" in body
    assert Place.objects.filter(system=world.system).count() == 2


def test_editing_a_place_inline(admin_client, world, htmx_headers):
    place = world.place_a
    edit = admin_client.get(url("place_edit", world, place.pk), **htmx_headers).content.decode()
    assert edit.strip().startswith(
        f'<tr class="nhsuk-table__row app-row--editing" id="place-{place.pk}"'
    )
    assert f'name="place-{place.pk}-version" value="{place.version}"' in edit
    cancel = admin_client.get(url("place_row", world, place.pk), **htmx_headers).content.decode()
    assert cancel.strip().startswith('<tr class="nhsuk-table__row" id="place-')
    response = admin_client.post(
        url("place_edit", world, place.pk),
        {
            f"place-{place.pk}-name": "Ashford and Wye",
            f"place-{place.pk}-population": "",
            f"place-{place.pk}-local_authority_footprint": "Ashford Borough",
            f"place-{place.pk}-version": place.version,
        },
        **htmx_headers,
    )
    body = response.content.decode()
    assert body.strip().startswith('<tr class="nhsuk-table__row" id="place-')
    assert "Ashford and Wye" in body and "Saved place Ashford and Wye." in body
    place.refresh_from_db()
    assert (place.name, place.population) == ("Ashford and Wye", None)


def test_place_validation_errors_show_in_place(admin_client, world, htmx_headers):
    place = world.place_a
    response = admin_client.post(
        url("place_edit", world, place.pk),
        {f"place-{place.pk}-name": "", f"place-{place.pk}-population": "-4"},
        **htmx_headers,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-message" in body and "nhsuk-input--error" in body
    assert body.strip().startswith("<tr")


def test_a_concurrent_place_edit_is_detected_and_nothing_overwritten(
    admin_client, world, htmx_headers
):
    place = world.place_a
    stale = place.version
    services.place_update(actor=world.icb_admin, place=place, name="Ashford Central")
    response = admin_client.post(
        url("place_edit", world, place.pk),
        {f"place-{place.pk}-name": "Mine", f"place-{place.pk}-version": stale},
        **htmx_headers,
    )
    assert "Someone else changed this place while you were editing it." in response.content.decode()
    place.refresh_from_db()
    assert place.name == "Ashford Central"


def test_deactivating_and_reactivating_a_place(admin_client, world, htmx_headers):
    place = world.place_b
    response = admin_client.post(
        url("place_active", world, place.pk), {"is_active": "false"}, **htmx_headers
    )
    assert "Inactive" in response.content.decode() and "Reactivate" in response.content.decode()
    place.refresh_from_db()
    assert not place.is_active
    admin_client.post(url("place_active", world, place.pk), {"is_active": "true"}, **htmx_headers)
    place.refresh_from_db()
    assert place.is_active


def test_place_page_adds_and_removes_partners(admin_client, world, organisation, htmx_headers):
    page = admin_client.get(url("place", world, world.place_a.pk)).content.decode()
    assert "<html" in page and organisation.name in page
    response = admin_client.post(
        url("place_partner_add", world, world.place_a.pk),
        {"partner-organisation": organisation.pk},
        **htmx_headers,
    )
    body = response.content.decode()
    assert body.strip().startswith('<section id="place-partners"')
    partner = PlacePartner.objects.get(place=world.place_a, organisation=organisation)
    assert "Every active organisation" in body  # nothing left to add
    make_member(place=world.place_a, organisation=organisation)
    refused = admin_client.post(
        url("place_partner_remove", world, world.place_a.pk, partner.pk), **htmx_headers
    )
    assert "still has representatives in Ashford" in refused.content.decode()
    assert PlacePartner.objects.filter(pk=partner.pk).exists()


def test_removing_a_partner_nobody_represents(admin_client, world, organisation, htmx_headers):
    partner = PlacePartnerFactory(place=world.place_b, organisation=organisation)
    response = admin_client.post(
        url("place_partner_remove", world, world.place_b.pk, partner.pk), **htmx_headers
    )
    assert f"Removed {organisation.name} from Brookfield." in response.content.decode()
    assert not PlacePartner.objects.filter(pk=partner.pk).exists()


def test_partner_of_another_system_cannot_be_chosen(admin_client, world, htmx_headers):
    foreign = OrganisationFactory(system=world.other_system)
    response = admin_client.post(
        url("place_partner_add", world, world.place_a.pk),
        {"partner-organisation": foreign.pk},
        **htmx_headers,
    )
    assert "Select a valid choice" in response.content.decode()
    assert not PlacePartner.objects.exists()
