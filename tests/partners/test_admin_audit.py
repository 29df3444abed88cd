"""Changes made through the Django admin are in the audit trail like every other change:
who added, changed or deleted which record, which fields changed, and under the system the
record belongs to, so that system's ICB admins (and only they) see it in the console."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from core.locking import ConcurrentEditError
from governance.catalogue.models import Principle
from partners import admin_audit, services
from partners.admin_audit import AuditedAdmin, record_system
from partners.models import AuditEvent, Organisation, OrganisationAlias, Place, Sector, User
from tests.conftest import World
from tests.factories import (
    DelegationFactory,
    OrganisationAliasFactory,
    OrganisationFactory,
    PlaceFactory,
    TermsOfReferenceFactory,
    UserFactory,
    make_framework,
)


@pytest.fixture
def superuser(db: None) -> User:
    return UserFactory(full_name="Sam Superuser", is_superuser=True, is_staff=True)


@pytest.fixture
def admin_site_client(client: Client, superuser: User) -> Client:
    client.force_login(superuser)
    return client


def place_form(place: Place, **changes: Any) -> dict[str, Any]:
    data = {
        "system": place.system_id,
        "name": place.name,
        "slug": place.slug,
        "population": place.population or "",
        "local_authority_footprint": place.local_authority_footprint,
        "is_active": "on" if place.is_active else "",
    }
    data.update(changes)
    return data


def admin_events(action: str | None = None) -> list[AuditEvent]:
    events = AuditEvent.objects.filter(action__startswith="admin.").order_by("id")
    return list(events.filter(action=action) if action else events)


def console_audit_page(client: Client, user: User, system_slug: str) -> str:
    client.force_login(user)
    response = client.get(reverse("console:audit", args=[system_slug]))
    assert response.status_code == 200
    return response.content.decode()


# Add, change, delete ---------------------------------------------------------------------------


def test_adding_a_place_records_who_added_it_under_its_system(
    admin_site_client: Client, world: World, superuser: User
) -> None:
    data = place_form(Place(system=world.system, name="Carrow", slug="carrow", population=250_000))
    response = admin_site_client.post(reverse("admin:partners_place_add"), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    place = Place.objects.get(name="Carrow")
    [event] = admin_events()
    assert event.action == "admin.add"
    assert (event.target_type, event.target_id) == ("partners.Place", str(place.pk))
    assert event.actor == superuser
    assert event.system == world.system
    assert event.summary == "Sam Superuser added place “Carrow” in the Django admin"
    assert {"name", "slug", "population"} <= set(event.details["fields"])


def test_changing_a_place_records_the_fields_that_changed(
    admin_site_client: Client, world: World, superuser: User
) -> None:
    place = world.place_a
    url = reverse("admin:partners_place_change", args=[place.pk])
    response = admin_site_client.post(
        url, place_form(place, population=412_000, local_authority_footprint="Ashford Borough")
    )

    assert response.status_code == 302
    [event] = admin_events()
    assert event.action == "admin.change"
    assert event.actor == superuser
    assert event.system == world.system
    assert event.details["fields"] == ["population", "local_authority_footprint"]
    assert event.summary == (
        "Sam Superuser changed place “Ashford” in the Django admin: "
        "Population, Local authority footprint"
    )

    # Saving again without changing anything is not a change.
    place.refresh_from_db()
    assert admin_site_client.post(url, place_form(place)).status_code == 302
    assert len(admin_events()) == 1


def test_a_change_in_the_admin_makes_a_form_opened_before_it_stale(
    admin_site_client: Client, world: World
) -> None:
    place = world.place_a
    opened_at = place.version
    url = reverse("admin:partners_place_change", args=[place.pk])
    assert admin_site_client.post(url, place_form(place, population=5_000)).status_code == 302
    place.refresh_from_db()
    assert place.version == opened_at + 1
    with pytest.raises(ConcurrentEditError):
        services.place_update(actor=None, place=place, expected_version=opened_at, name="Mine")


def test_deleting_a_place_records_what_was_deleted(
    admin_site_client: Client, world: World, superuser: User
) -> None:
    place = PlaceFactory(system=world.system, name="Dunmore")
    place_pk = place.pk
    response = admin_site_client.post(
        reverse("admin:partners_place_delete", args=[place_pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Place.objects.filter(pk=place_pk).exists()
    [event] = admin_events()
    assert event.action == "admin.delete"
    assert (event.target_type, event.target_id) == ("partners.Place", str(place_pk))
    assert event.actor == superuser
    assert event.system == world.system
    assert event.summary == "Sam Superuser deleted place “Dunmore” in the Django admin"
    assert event.details["record"] == "Dunmore"


def test_deleting_an_organisation_lists_what_went_with_it(
    admin_site_client: Client, world: World
) -> None:
    organisation = OrganisationFactory(system=world.system, name="Ashford Council")
    OrganisationAliasFactory(organisation=organisation, alias="the council")
    OrganisationAliasFactory(organisation=organisation, alias="ABC")

    response = admin_site_client.post(
        reverse("admin:partners_organisation_delete", args=[organisation.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    [event] = admin_events()
    assert event.system == world.system
    assert event.details["also_deleted"] == {"partners.OrganisationAlias": 2}


def test_the_bulk_delete_action_records_every_record_under_its_own_system(
    admin_site_client: Client, world: World, superuser: User
) -> None:
    here = PlaceFactory(system=world.system, name="Eastling")
    there = PlaceFactory(system=world.other_system, name="Farleigh")
    response = admin_site_client.post(
        reverse("admin:partners_place_changelist"),
        {"action": "delete_selected", "_selected_action": [here.pk, there.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Place.objects.filter(pk__in=[here.pk, there.pk]).exists()
    events = admin_events("admin.delete")
    assert {(e.target_id, e.system_id, e.actor_id) for e in events} == {
        (str(here.pk), world.system.pk, superuser.pk),
        (str(there.pk), world.other_system.pk, superuser.pk),
    }
    assert {e.summary for e in events} == {
        "Sam Superuser deleted place “Eastling” in the Django admin",
        "Sam Superuser deleted place “Farleigh” in the Django admin",
    }


def test_inline_rows_added_and_deleted_are_recorded_against_their_parent(
    admin_site_client: Client, world: World
) -> None:
    organisation = OrganisationFactory(
        system=world.system, name="Royal Hospital Trust", sector=Sector.ACUTE_TRUST
    )
    old_alias = OrganisationAliasFactory(organisation=organisation, alias="RHT")
    data = {
        "system": world.system.pk,
        "name": organisation.name,
        "sector": organisation.sector,
        "legal_form": organisation.legal_form,
        "ods_code": organisation.ods_code,
        "is_active": "on",
        "aliases-TOTAL_FORMS": "2",
        "aliases-INITIAL_FORMS": "1",
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
        "aliases-0-id": old_alias.pk,
        "aliases-0-organisation": organisation.pk,
        "aliases-0-alias": "RHT",
        "aliases-0-DELETE": "on",
        "aliases-1-id": "",
        "aliases-1-organisation": organisation.pk,
        "aliases-1-alias": "the hospital",
        # The organisation's sites: none, and none added.
        "sites-TOTAL_FORMS": "0",
        "sites-INITIAL_FORMS": "0",
        "sites-MIN_NUM_FORMS": "0",
        "sites-MAX_NUM_FORMS": "1000",
    }
    response = admin_site_client.post(
        reverse("admin:partners_organisation_change", args=[organisation.pk]), data
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    new_alias = OrganisationAlias.objects.get(organisation=organisation)
    assert new_alias.alias == "the hospital"
    deleted, added = admin_events()
    assert (deleted.action, deleted.target_id) == ("admin.delete", str(old_alias.pk))
    assert deleted.summary == (
        "Sam Superuser deleted organisation alias “RHT” of organisation "
        "“Royal Hospital Trust” in the Django admin"
    )
    assert (added.action, added.target_id) == ("admin.add", str(new_alias.pk))
    assert added.summary == (
        "Sam Superuser added organisation alias “the hospital” to organisation "
        "“Royal Hospital Trust” in the Django admin"
    )
    assert deleted.system == added.system == world.system
    assert added.details["parent"] == {
        "type": "partners.Organisation",
        "id": str(organisation.pk),
    }
    # The organisation itself did not change.
    assert not admin_events("admin.change")


# Who sees it -----------------------------------------------------------------------------------


def test_the_systems_icb_admin_sees_the_change_in_the_console_and_no_one_else(
    admin_site_client: Client, client: Client, world: World
) -> None:
    admin_site_client.post(
        reverse("admin:partners_place_change", args=[world.place_a.pk]),
        place_form(world.place_a, population=123_456),
    )
    summary = "Sam Superuser changed place “Ashford” in the Django admin: Population"
    assert admin_events()[0].summary == summary

    page = console_audit_page(client, world.icb_admin, world.system.slug)
    assert summary in page
    assert "Changes in the Django admin" in page  # the area to filter by
    only_admin = client.get(reverse("console:audit", args=[world.system.slug]), {"area": "admin"})
    assert summary in only_admin.content.decode()

    elsewhere = console_audit_page(client, world.other_icb_admin, world.other_system.slug)
    assert "Ashford" not in elsewhere


def test_a_catalogue_change_is_in_every_systems_audit_log(
    admin_site_client: Client, world: World
) -> None:
    framework = make_framework()
    principle = Principle.objects.get(framework=framework, number=2)
    response = admin_site_client.post(
        reverse("admin:governance_principle_change", args=[principle.pk]),
        {
            "framework": framework.pk,
            "number": principle.number,
            "name": principle.name,
            "short_name": principle.short_name,
            "summary": "A reworded summary.",
            "sub_points": "[]",
            # As the page sends it: a field with a callable default compares with this.
            "initial-sub_points": "[]",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    [event] = admin_events()
    assert event.action == "admin.change"
    assert event.system is None
    assert event.details["fields"] == ["summary"]
    # The catalogue is shared by every system: each system's ICB admins see its changes.
    assert event.summary in console_audit_page(Client(), world.icb_admin, world.system.slug)
    assert event.summary in console_audit_page(
        Client(), world.other_icb_admin, world.other_system.slug
    )


# The audit row and the change land together ----------------------------------------------------


def test_a_change_whose_audit_row_fails_is_not_saved(
    admin_site_client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(**kwargs: Any) -> None:
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(admin_audit, "audit_records", refuse)
    with pytest.raises(RuntimeError):
        admin_site_client.post(
            reverse("admin:partners_place_change", args=[world.place_a.pk]),
            place_form(world.place_a, population=999_999),
        )
    world.place_a.refresh_from_db()
    assert world.place_a.population != 999_999

    doomed = PlaceFactory(system=world.system, name="Glenholt")
    with pytest.raises(RuntimeError):
        admin_site_client.post(
            reverse("admin:partners_place_changelist"),
            {"action": "delete_selected", "_selected_action": [doomed.pk], "post": "yes"},
        )
    assert Place.objects.filter(pk=doomed.pk).exists()


# Every admin -----------------------------------------------------------------------------------


def test_every_registered_admin_is_audited() -> None:
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedAdmin)
    ]
    assert unaudited == []


def test_an_admin_another_app_registered_is_audited_too(
    admin_site_client: Client, superuser: User
) -> None:
    response = admin_site_client.post(reverse("admin:auth_group_add"), {"name": "Editors"})

    assert response.status_code == 302
    [event] = admin_events()
    assert event.action == "admin.add"
    assert event.target_id == str(Group.objects.get(name="Editors").pk)
    assert event.system is None


def test_no_one_can_write_the_audit_trail_in_the_admin(admin_site_client: Client) -> None:
    response = admin_site_client.get(reverse("admin:partners_auditevent_add"))
    assert response.status_code == 403


def test_records_lead_to_their_system(world: World) -> None:
    line = DelegationFactory(scheme__organisation__system=world.system)
    terms = TermsOfReferenceFactory(committee__place=world.place_b)
    alias = OrganisationAliasFactory(organisation__system=world.other_system)
    assert record_system(line) == world.system
    assert record_system(terms) == world.system
    assert record_system(alias) == world.other_system
    assert record_system(world.system) == world.system
    assert record_system(world.member_a) is None
    assert record_system(Organisation(name="Unsaved")) is None
