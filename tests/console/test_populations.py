"""The system's and the place's populations in the console: each editable by the system's ICB
admin, with the footprints the source finds typical as hints, and audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partners.models import AuditEvent, Role
from tests.console.support import url
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_the_population_and_links_to_change_it(admin_client, world):
    page = admin_client.get(url("dashboard", world)).content.decode()
    assert "Not recorded" in page and url("system_edit", world) in page


def test_an_icb_admin_records_the_systems_population(admin_client, world):
    form = admin_client.get(url("system_edit", world)).content.decode()
    assert "between 1 million and 3 million people" in form
    response = admin_client.post(url("system_edit", world), {"population": "1650000"}, follow=True)
    page = response.content.decode()
    assert f"Saved the population of {world.system.name}." in page
    assert "1,650,000 people" in page
    world.system.refresh_from_db()
    assert world.system.population == 1_650_000
    event = AuditEvent.objects.get(action="system.update")
    assert event.system == world.system and event.actor == world.icb_admin
    assert event.details == {"changed": {"population": ["", "1650000"]}}


def test_the_population_can_be_cleared_and_saving_the_same_changes_nothing(admin_client, world):
    admin_client.post(url("system_edit", world), {"population": "1650000"})
    admin_client.post(url("system_edit", world), {"population": "1650000"})
    assert AuditEvent.objects.filter(action="system.update").count() == 1
    admin_client.post(url("system_edit", world), {"population": ""})
    world.system.refresh_from_db()
    assert world.system.population is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "above 0"),
        ("-1", "above 0"),
        ("lots", "whole number"),
        ("99999999999", "no larger than"),
        ("<script>alert(1)</script>", "whole number"),
    ],
)
def test_bad_populations_are_refused_with_a_message(admin_client, world, typed, message):
    response = admin_client.post(url("system_edit", world), {"population": typed})
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert "<script>alert(1)" not in page
    world.system.refresh_from_db()
    assert world.system.population is None


@pytest.mark.parametrize(
    "role", ["anonymous", "member_a", "lead_a", "other_icb_admin", "advisory", "oversight"]
)
def test_only_the_systems_icb_admins_reach_it(client, world, role):
    if role != "anonymous":
        client.force_login(getattr(world, role))
    for response in (
        client.get(url("system_edit", world)),
        client.post(url("system_edit", world), {"population": "5"}),
    ):
        if role == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))
        else:
            assert response.status_code == 404
    world.system.refresh_from_db()
    assert world.system.population is None


def test_the_other_systems_admin_records_their_own(client, world):
    client.force_login(world.other_icb_admin)
    response = client.post(
        reverse("console:system_edit", args=[world.other_system.slug]), {"population": "2000000"}
    )
    assert response.status_code == 302
    world.other_system.refresh_from_db()
    world.system.refresh_from_db()
    assert (world.other_system.population, world.system.population) == (2_000_000, None)


def test_a_second_system_admin_may_record_it_too(client, world):
    second = make_member(system=world.system, role=Role.ICB_ADMIN)
    client.force_login(second)
    assert client.post(url("system_edit", world), {"population": "1"}).status_code == 302


def test_the_places_population_is_editable_with_its_footprint_as_a_hint(
    admin_client, world, htmx_headers
):
    place = world.place_a
    edit = admin_client.get(url("place_edit", world, place.pk), **htmx_headers).content.decode()
    assert "between 250,000 and 500,000 people" in edit and "up to 1.2 million" in edit
    admin_client.post(
        url("place_edit", world, place.pk),
        {
            f"place-{place.pk}-name": place.name,
            f"place-{place.pk}-population": "410000",
            f"place-{place.pk}-local_authority_footprint": "",
            f"place-{place.pk}-version": place.version,
        },
        **htmx_headers,
    )
    place.refresh_from_db()
    assert place.population == 410_000
