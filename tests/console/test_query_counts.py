"""Console lists cost the same number of queries however many rows they show, and the audit log lists the system's events."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from demo.build.partners import alias_row, organisations_bulk, places_bulk
from demo.build.rows import bulk_insert
from partners.models import (
    AuditEvent,
    Membership,
    OrganisationAlias,
    PlacePartner,
    Role,
    Sector,
    User,
)
from tests.console.support import url
from tests.queries import page_query_count

pytestmark = pytest.mark.django_db


# Query counts -------------------------------------------------------------------------------


def _fill(world: Any, rows: int) -> None:
    """`rows` places, organisations (each a partner in one place, with an alias) and people
    (each a member of one place), inserted at once."""
    system = world.system
    places = places_bulk(system=system, names=(f"Filled place {n:03d}" for n in range(rows)))
    organisations = organisations_bulk(
        system=system,
        names_and_sectors=((f"Organisation {n:03d}", Sector.GP_PRACTICE) for n in range(rows)),
        legal_form=None,
    )
    bulk_insert(
        OrganisationAlias,
        (alias_row(organisation=o, alias=f"O{n}") for n, o in enumerate(organisations)),
    )
    people = bulk_insert(
        User,
        (
            User(email=f"bulk{n}@example.nhs.uk", full_name=f"Bulk Person {n:03d}")
            for n in range(rows)
        ),
    )
    bulk_insert(
        Membership,
        (
            Membership(
                user=p,
                system=system,
                place=places[n],
                organisation=organisations[n],
                role=Role.PLACE_MEMBER,
            )
            for n, p in enumerate(people)
        ),
    )
    bulk_insert(
        PlacePartner,
        (
            PlacePartner(place=place, organisation=o)
            for place, o in zip(places, organisations, strict=True)
        ),
    )


# Each page's queries: five for the session, the person, their authenticator, the system and
# the permission to administer it, one for the navigation, then the page's own. The dashboard's
# four counts come in one query; a list has its count and its rows, and organisations their
# aliases, people their roles and the roles offered to people with an account.
MOST_QUERIES = {"dashboard": 8, "places": 8, "organisations": 9, "people": 10}


@pytest.mark.parametrize("rows", [10, 200])
@pytest.mark.parametrize("name", ["dashboard", "places", "organisations", "people"])
@pytest.mark.parametrize("htmx", [False, True])
def test_query_counts_stay_flat(
    admin_client, world, django_assert_max_num_queries, rows, name, htmx
):
    _fill(world, rows)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    with django_assert_max_num_queries(MOST_QUERIES[name]):
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
        with django_assert_max_num_queries(MOST_QUERIES[name]):
            assert admin_client.get(url(name, world), params).status_code == 200


# Audit log ------------------------------------------------------------------------------------


def _event(
    actor: User, system: Any, action: str, summary: str, target: str = "consultationround"
) -> AuditEvent:
    """A recorded change of `action`'s kind (e.g. "round.close"), as the audit log lists it."""
    return AuditEvent.objects.create(
        actor=actor,
        system=system,
        action=action,
        target_type=f"governance.{target}",
        target_id="1",
        summary=summary,
    )


def test_the_audit_log_lists_the_systems_events_filtered_by_area_and_words(
    admin_client, world, htmx_headers
):

    for n in range(3):
        _event(
            world.icb_admin,
            world.system,
            "summary.download",
            f"Downloaded PDF number {n}",
            target="summaryexport",
        )
    _event(world.lead_a, world.system, "round.close", "Closed consultation round Autumn")
    _event(
        world.other_icb_admin,
        world.other_system,
        "round.close",
        "Closed consultation round Elsewhere",
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
    audit_url = reverse("console:audit", args=[world.system.slug])
    few = page_query_count(admin_client, audit_url)
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
    assert page_query_count(admin_client, audit_url) == few
