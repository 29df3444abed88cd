"""The ICB admin console: who may reach it, what HTMX gets back, and that every change goes
through the services (refusals shown in place, nothing saved)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from partners import services
from partners.models import (
    AuditEvent,
    Membership,
    Organisation,
    OrganisationAlias,
    Place,
    PlacePartner,
    Role,
    Sector,
    User,
)
from tests.factories import (
    OrganisationAliasFactory,
    OrganisationFactory,
    PlaceFactory,
    PlacePartnerFactory,
    UserFactory,
    make_member,
    make_round,
    membership_of,
)

pytestmark = pytest.mark.django_db


def url(name: str, world: Any, *args: Any) -> str:
    return reverse(f"console:{name}", args=[world.system.slug, *args])


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


def _targets(world: Any, organisation: Organisation) -> dict[str, list[Any]]:
    """Arguments after the system slug for every console URL."""
    alias = organisation.aliases.get()
    partner = PlacePartnerFactory(place=world.place_a, organisation=organisation)
    membership = membership_of(world.member_a, world.place_a)
    consultation = make_round(system=world.system)
    return {
        "dashboard": [],
        "audit": [],
        "places": [],
        "place_add": [],
        "place": [world.place_a.pk],
        "place_row": [world.place_a.pk],
        "place_edit": [world.place_a.pk],
        "place_active": [world.place_a.pk],
        "place_partner_add": [world.place_a.pk],
        "place_partner_remove": [world.place_a.pk, partner.pk],
        "organisations": [],
        "organisation_add": [],
        "organisation_row": [organisation.pk],
        "organisation_edit": [organisation.pk],
        "organisation_active": [organisation.pk],
        "organisation_delete": [organisation.pk],
        "organisation_alias_add": [organisation.pk],
        "organisation_alias_remove": [organisation.pk, alias.pk],
        "people": [],
        "person_invite": [],
        "person_row": [world.member_a.pk],
        "person_membership_add": [world.member_a.pk],
        "person_resend_invitation": [world.member_a.pk],
        "person_deactivate": [world.member_a.pk],
        "person_two_factor_reset": [world.member_a.pk],
        "membership": [membership.pk],
        "membership_edit": [membership.pk],
        "membership_end": [membership.pk],
        "rounds": [],
        "round_add": [],
        "round": [consultation.pk],
        "round_progress": [consultation.pk],
        "round_edit": [consultation.pk],
        "round_extend": [consultation.pk],
        "round_close": [consultation.pk],
    }


POST_ONLY = {
    "place_active",
    "place_partner_add",
    "place_partner_remove",
    "organisation_active",
    "organisation_delete",
    "organisation_alias_add",
    "organisation_alias_remove",
    "person_resend_invitation",
    "person_deactivate",
    "person_two_factor_reset",
    "membership_end",
}
ALL_NAMES = [
    "dashboard",
    "audit",
    "places",
    "place_add",
    "place",
    "place_row",
    "place_edit",
    "place_active",
    "place_partner_add",
    "place_partner_remove",
    "organisations",
    "organisation_add",
    "organisation_row",
    "organisation_edit",
    "organisation_active",
    "organisation_delete",
    "organisation_alias_add",
    "organisation_alias_remove",
    "people",
    "person_invite",
    "person_row",
    "person_membership_add",
    "person_resend_invitation",
    "person_deactivate",
    "person_two_factor_reset",
    "membership",
    "membership_edit",
    "membership_end",
    "rounds",
    "round_add",
    "round",
    "round_progress",
    "round_edit",
    "round_extend",
    "round_close",
]


def test_every_console_url_is_covered(world, organisation):
    from partners.console_urls import urlpatterns

    assert {p.name for p in urlpatterns} == set(ALL_NAMES) == set(_targets(world, organisation))


# Who may reach the console ----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(set(ALL_NAMES) - POST_ONLY))
def test_icb_admin_of_the_system_may_open_every_page(
    admin_client, world, organisation, name, htmx_headers
):
    target = url(name, world, *_targets(world, organisation)[name])
    assert admin_client.get(target, **htmx_headers).status_code == 200


@pytest.mark.parametrize("name", ALL_NAMES)
def test_anonymous_people_are_sent_to_sign_in(client, world, organisation, name):
    target = url(name, world, *_targets(world, organisation)[name])
    method = client.post if name in POST_ONLY else client.get
    response = method(target)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["member_a", "lead_a", "advisory", "other_icb_admin", "outsider"])
@pytest.mark.parametrize("name", ALL_NAMES)
def test_nobody_else_may_reach_the_console(client, world, organisation, name, who):
    client.force_login(getattr(world, who))
    target = url(name, world, *_targets(world, organisation)[name])
    method = client.post if name in POST_ONLY else client.get
    assert method(target).status_code == 404
    assert not AuditEvent.objects.filter(actor=getattr(world, who)).exists()


def test_objects_of_another_system_are_not_found(admin_client, world, htmx_headers):
    other_place = PlaceFactory(system=world.other_system)
    other_organisation = OrganisationFactory(system=world.other_system)
    other_alias = OrganisationAliasFactory(organisation=other_organisation)
    other_person = make_member(place=other_place)
    other_membership = membership_of(other_person, other_place)
    foreign_partner = PlacePartnerFactory(place=other_place)
    for target in [
        url("place", world, other_place.pk),
        url("place_edit", world, other_place.pk),
        url("organisation_edit", world, other_organisation.pk),
        url("person_row", world, other_person.pk),
        url("membership_edit", world, other_membership.pk),
    ]:
        assert admin_client.get(target, **htmx_headers).status_code == 404, target
    for target in [
        url("place_active", world, other_place.pk),
        url("organisation_delete", world, other_organisation.pk),
        url("organisation_alias_remove", world, other_organisation.pk, other_alias.pk),
        url("place_partner_remove", world, world.place_a.pk, foreign_partner.pk),
        url("person_deactivate", world, other_person.pk),
        url("person_two_factor_reset", world, other_person.pk),
        url("membership_end", world, other_membership.pk),
    ]:
        assert admin_client.post(target, **htmx_headers).status_code == 404, target
    assert Organisation.objects.filter(pk=other_organisation.pk).exists()
    assert OrganisationAlias.objects.filter(pk=other_alias.pk).exists()
    assert Membership.objects.get(pk=other_membership.pk).is_current


def test_the_alias_must_belong_to_the_organisation_in_the_url(admin_client, world, organisation):
    second = OrganisationFactory(system=world.system)
    assert (
        admin_client.post(
            url("organisation_alias_remove", world, second.pk, organisation.aliases.get().pk)
        ).status_code
        == 404
    )


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
        "people": 5,
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
    assert services.record_version(place) in edit
    cancel = admin_client.get(url("place_row", world, place.pk), **htmx_headers).content.decode()
    assert cancel.strip().startswith('<tr class="nhsuk-table__row" id="place-')
    response = admin_client.post(
        url("place_edit", world, place.pk),
        {
            f"place-{place.pk}-name": "Ashford and Wye",
            f"place-{place.pk}-population": "",
            f"place-{place.pk}-local_authority_footprint": "Ashford Borough",
            f"place-{place.pk}-version": services.record_version(place),
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
    stale = services.record_version(place)
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


# Organisations ------------------------------------------------------------------------------


def organisation_post(prefix: str, **overrides: str) -> dict[str, str]:
    data = {
        "name": "Royal Coldharbour Hospital",
        "sector": Sector.ACUTE_TRUST,
        "is_statutory": "yes",
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
            ods_code="ABC01",
            aliases="ABC\nAshford BC",
            version=services.record_version(organisation),
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
    stale = services.record_version(organisation)
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


# People and memberships ---------------------------------------------------------------------


def test_people_list_shows_memberships_and_filters_by_role(admin_client, world, htmx_headers):
    response = admin_client.get(url("people", world), {"role": Role.PLACE_LEAD}, **htmx_headers)
    body = response.content.decode()
    assert body.count('<tr class="nhsuk-table__row" id="person-') == 1
    assert f'id="person-{world.lead_a.pk}"' in body
    assert "Place lead" in body and "Ashford" in body
    found = admin_client.get(url("people", world), {"q": world.member_b.email})
    assert list(found.context["page_obj"]) == [world.member_b]


def test_inviting_a_person_queues_the_invitation_email(
    admin_client, world, htmx_headers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url("person_invite", world),
            {
                "invite-full_name": "Priya Shah",
                "invite-email": "Priya.Shah@example.nhs.uk",
                "invite-job_title": "Director of place",
                "invite-role": Role.PLACE_LEAD,
                "invite-place": world.place_b.pk,
            },
            **htmx_headers,
        )
    body = response.content.decode()
    assert "Invited Priya Shah" in body
    assert 'id="person-results" class="app-results" hx-swap-oob="true"' in body
    person = User.objects.get(email="priya.shah@example.nhs.uk")
    assert (
        Membership.objects.current()
        .filter(user=person, place=world.place_b, role=Role.PLACE_LEAD)
        .exists()
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["priya.shah@example.nhs.uk"]


def test_invite_errors_from_the_service_show_on_the_form(admin_client, world, htmx_headers):
    response = admin_client.post(
        url("person_invite", world),
        {
            "invite-full_name": "Priya Shah",
            "invite-email": "priya@example.nhs.uk",
            "invite-role": Role.PLACE_MEMBER,
        },
        **htmx_headers,
    )
    assert "Choose the place this person is a member of." in response.content.decode()
    assert not User.objects.filter(email="priya@example.nhs.uk").exists()


def test_removing_the_last_place_lead_is_refused_with_its_message(
    admin_client, world, htmx_headers
):
    membership = membership_of(world.lead_a, world.place_a)
    response = admin_client.post(url("membership_end", world, membership.pk), **htmx_headers)
    body = response.content.decode()
    assert body.strip().startswith(f'<li class="app-membership" id="membership-{membership.pk}"')
    assert "is the only place lead of Ashford" in body
    assert "nhsuk-error-message" in body
    membership.refresh_from_db()
    assert membership.is_current


def test_demoting_the_last_place_lead_is_refused_on_the_form(admin_client, world, htmx_headers):
    membership = membership_of(world.lead_a, world.place_a)
    response = admin_client.post(
        url("membership_edit", world, membership.pk),
        {f"membership-{membership.pk}-role": Role.PLACE_MEMBER},
        **htmx_headers,
    )
    assert "is the only place lead of Ashford" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.PLACE_LEAD


def test_changing_a_role_and_removing_a_membership(admin_client, world, htmx_headers):
    membership = membership_of(world.member_a, world.place_a)
    form = admin_client.get(url("membership_edit", world, membership.pk))
    assert [value for value, _ in form.context["membership_form"].fields["role"].choices] == [
        Role.PLACE_MEMBER,
        Role.PLACE_LEAD,
    ]
    changed = admin_client.post(
        url("membership_edit", world, membership.pk),
        {f"membership-{membership.pk}-role": Role.PLACE_LEAD},
        **htmx_headers,
    )
    assert "Place lead" in changed.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.PLACE_LEAD
    # Two leads now: the first can go.
    lead = membership_of(world.lead_a, world.place_a)
    ended = admin_client.post(url("membership_end", world, lead.pk), **htmx_headers)
    assert "Ended" in ended.content.decode()
    lead.refresh_from_db()
    assert not lead.is_current


def test_adding_a_role_to_an_existing_person(admin_client, world, htmx_headers):
    person = world.member_a
    form = admin_client.get(url("person_membership_add", world, person.pk), **htmx_headers)
    assert (
        form.content.decode()
        .strip()
        .startswith(f'<div class="app-membership-add" id="person-{person.pk}-add-role"')
    )
    response = admin_client.post(
        url("person_membership_add", world, person.pk),
        {
            f"person-{person.pk}-role": Role.PLACE_MEMBER,
            f"person-{person.pk}-place": world.place_b.pk,
        },
        **htmx_headers,
    )
    assert response["HX-Retarget"] == f"#person-{person.pk}"
    assert "Brookfield" in response.content.decode()
    assert Membership.objects.current().filter(user=person, place=world.place_b).exists()
    again = admin_client.post(
        url("person_membership_add", world, person.pk),
        {
            f"person-{person.pk}-role": Role.PLACE_MEMBER,
            f"person-{person.pk}-place": world.place_b.pk,
        },
        **htmx_headers,
    )
    assert "already a member of this place" in again.content.decode()
    assert "HX-Retarget" not in again


def test_resending_an_invitation(
    admin_client, world, htmx_headers, django_capture_on_commit_callbacks
):
    person = UserFactory(password=None)
    person.set_unusable_password()
    person.save()
    make_member(place=world.place_a, user=person)
    page = admin_client.get(
        url("people", world), {"q": person.email}, **htmx_headers
    ).content.decode()
    assert "Resend invitation" in page and "Invitation not accepted yet" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url("person_resend_invitation", world, person.pk), **htmx_headers
        )
    assert "Sent a new invitation" in response.content.decode()
    assert [m.to for m in mail.outbox] == [[person.email]]


def test_resending_to_someone_with_a_password_is_refused_in_place(
    admin_client, world, htmx_headers
):
    response = admin_client.post(
        url("person_resend_invitation", world, world.member_a.pk), **htmx_headers
    )
    assert "has already set a password" in response.content.decode()
    assert not mail.outbox


def test_deactivating_a_person(admin_client, world, htmx_headers):
    response = admin_client.post(url("person_deactivate", world, world.member_b.pk), **htmx_headers)
    assert "Deactivated" in response.content.decode()
    world.member_b.refresh_from_db()
    assert not world.member_b.is_active
    assert not Membership.objects.current().filter(user=world.member_b).exists()


def test_deactivating_the_last_lead_or_yourself_is_refused(admin_client, world, htmx_headers):
    lead = admin_client.post(url("person_deactivate", world, world.lead_a.pk), **htmx_headers)
    assert "is the only place lead of Ashford" in lead.content.decode()
    me = admin_client.post(url("person_deactivate", world, world.icb_admin.pk), **htmx_headers)
    assert "You cannot deactivate your own account" in me.content.decode()
    world.lead_a.refresh_from_db()
    world.icb_admin.refresh_from_db()
    assert world.lead_a.is_active and world.icb_admin.is_active


def test_someone_with_roles_in_another_system_is_not_deactivated_from_here(
    admin_client, world, htmx_headers
):
    make_member(system=world.other_system, role=Role.ADVISORY_MEMBER, user=world.member_b)
    response = admin_client.post(url("person_deactivate", world, world.member_b.pk), **htmx_headers)
    assert "also has roles in another system" in response.content.decode()
    world.member_b.refresh_from_db()
    assert world.member_b.is_active


def test_forms_work_without_javascript(admin_client, world):
    place = world.place_a
    page = admin_client.get(url("place_edit", world, place.pk))
    assert "<html" in page.content.decode()
    response = admin_client.post(
        url("place_edit", world, place.pk),
        {
            f"place-{place.pk}-name": "Ashford Town",
            f"place-{place.pk}-version": services.record_version(place),
        },
    )
    assert response.status_code == 302 and response.url == url("places", world)
    membership = membership_of(world.lead_a, world.place_a)
    refused = admin_client.post(url("membership_end", world, membership.pk), follow=True)
    assert "is the only place lead of Ashford" in refused.content.decode()


# Query counts -------------------------------------------------------------------------------


def _fill(world: Any, rows: int) -> None:
    places = Place.objects.bulk_create(
        [
            Place(system=world.system, name=f"Place {n:03d}", slug=f"filled-place-{n:03d}")
            for n in range(rows)
        ]
    )
    organisations = [
        Organisation(
            system=world.system,
            name=f"Organisation {n:03d}",
            sector=Sector.GP_PRACTICE,
            is_statutory=False,
        )
        for n in range(rows)
    ]
    for organisation in organisations:
        organisation.normalised_name = organisation.name.lower()
    organisations = Organisation.objects.bulk_create(organisations)
    OrganisationAlias.objects.bulk_create(
        [
            OrganisationAlias(
                organisation=o, system=world.system, alias=f"O{n}", normalised_alias=f"o{n}"
            )
            for n, o in enumerate(organisations)
        ]
    )
    people = User.objects.bulk_create(
        [
            User(email=f"bulk{n}@example.nhs.uk", full_name=f"Bulk Person {n:03d}")
            for n in range(rows)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(
                user=p,
                system=world.system,
                place=places[n],
                organisation=organisations[n],
                role=Role.PLACE_MEMBER,
            )
            for n, p in enumerate(people)
        ]
    )
    PlacePartner.objects.bulk_create(
        [PlacePartner(place=places[n], organisation=organisations[n]) for n in range(rows)]
    )


@pytest.mark.parametrize("rows", [10, 200])
@pytest.mark.parametrize("name", ["dashboard", "places", "organisations", "people"])
@pytest.mark.parametrize("htmx", [False, True])
def test_query_counts_stay_flat(
    admin_client, world, django_assert_max_num_queries, rows, name, htmx
):
    _fill(world, rows)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    with django_assert_max_num_queries(14):
        response = admin_client.get(url(name, world), **headers)
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [10, 200])
def test_query_counts_stay_flat_when_searching(
    admin_client, world, django_assert_max_num_queries, rows
):
    _fill(world, rows)
    for name, params in [
        ("places", {"q": "place 0"}),
        ("organisations", {"q": "o1", "sector": Sector.GP_PRACTICE, "page": 2}),
        ("people", {"q": "bulk", "role": Role.PLACE_MEMBER, "page": 2}),
    ]:
        with django_assert_max_num_queries(14):
            assert admin_client.get(url(name, world), params).status_code == 200


# Audit log ------------------------------------------------------------------------------------


def test_the_audit_log_lists_the_systems_events_filtered_by_area_and_words(
    admin_client, world, htmx_headers
):
    from partners.models import AuditEvent

    for n in range(3):
        AuditEvent.objects.create(
            actor=world.icb_admin,
            system=world.system,
            action="summary.download",
            target_type="governance.summaryexport",
            target_id=str(n),
            summary=f"Downloaded PDF number {n}",
        )
    AuditEvent.objects.create(
        actor=world.lead_a,
        system=world.system,
        action="round.close",
        target_type="governance.consultationround",
        target_id="1",
        summary="Closed consultation round Autumn",
    )
    AuditEvent.objects.create(
        actor=world.other_icb_admin,
        system=world.other_system,
        action="round.close",
        target_type="governance.consultationround",
        target_id="2",
        summary="Closed consultation round Elsewhere",
    )
    audit_url = reverse("console:audit", args=[world.system.slug])
    page = admin_client.get(audit_url).content.decode()
    assert "Downloaded PDF number 2" in page and "Closed consultation round Autumn" in page
    assert "Elsewhere" not in page

    downloads = admin_client.get(audit_url, {"area": "summary"}).content.decode()
    assert "Downloaded PDF number 0" in downloads and "Autumn" not in downloads

    partial = admin_client.get(audit_url, {"q": world.lead_a.full_name}, **htmx_headers)
    body = partial.content.decode()
    assert "<html" not in body and "Closed consultation round Autumn" in body
    assert "Downloaded PDF" not in body


def test_the_audit_log_page_costs_the_same_queries_however_long_it_is(admin_client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from partners.models import AuditEvent

    audit_url = reverse("console:audit", args=[world.system.slug])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(audit_url).status_code == 200
        return len(queries)

    few = count()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=world.icb_admin,
            system=world.system,
            action="place.update",
            target_type="partners.place",
            target_id=str(n),
            summary=f"Event {n}",
        )
        for n in range(40)
    )
    assert count() == few
