"""A place's neighbourhoods: the rules the services keep (names, populations, leads, versions,
never deleting) and the form's handling of bad and hostile input."""

from __future__ import annotations

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings

from core.locking import ConcurrentEditError
from partners import neighbourhoods
from partners.forms import NeighbourhoodForm
from partners.models import AuditEvent, Neighbourhood, NeighbourhoodLead, Sector
from tests.conftest import World
from tests.factories import NeighbourhoodFactory, OrganisationFactory, partner_in
from tests.hostile import HOSTILE_SAMPLES, hostile_text, rolled_back

pytestmark = pytest.mark.django_db


def add(world: World, name: str = "Ashford North", **fields):
    return neighbourhoods.neighbourhood_create(
        actor=world.lead_a, place=world.place_a, name=name, **fields
    )


def test_a_neighbourhood_is_added_with_its_lead_and_audited(world):
    pcn = partner_in(world.place_a, name="Ashford North PCN", sector=Sector.PRIMARY_CARE_NETWORK)
    added = add(world, population=42_000, lead_kind=NeighbourhoodLead.PCN, lead_organisation=pcn)
    assert (added.place, added.population, added.lead_organisation) == (world.place_a, 42_000, pcn)
    assert added.is_active and added.version == 1
    event = AuditEvent.objects.get(action="neighbourhood.create")
    assert event.system == world.system and event.actor == world.lead_a
    assert event.summary == "Added neighbourhood Ashford North to Ashford"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Ashford\u200b North  ", "Ashford North"),
        ("Ashford\ufeff\u00adNorth", "AshfordNorth"),
        ("Ashford\t\nNorth\u2028East", "Ashford North East"),
        ("\u202eAshford North", "Ashford North"),
        ("<b>Ashford</b> North", "<b>Ashford</b> North"),
    ],
)
def test_names_lose_what_nobody_sees_and_keep_markup_as_text(world, typed, stored):
    assert add(world, typed).name == stored


@pytest.mark.parametrize("name", ["", "   ", "\u200b\u200d", "!!! ---"])
def test_a_name_needs_a_letter_or_number(world, name):
    with pytest.raises(ValidationError) as refused:
        add(world, name)
    assert "name" in refused.value.message_dict
    assert not Neighbourhood.objects.exists()


@pytest.mark.parametrize(
    "again", ["Ashford North", "ashford  north", "Ashford-North", "Ashford No\u200brth"]
)
def test_a_duplicate_name_in_the_place_is_refused_with_a_clear_message(world, again):
    add(world)
    with pytest.raises(ValidationError) as refused:
        add(world, again)
    assert refused.value.message_dict["name"] == [
        "Ashford already has a neighbourhood called “Ashford North”. Choose another name."
    ]


def test_an_inactive_neighbourhood_keeps_its_name(world):
    neighbourhoods.neighbourhood_deactivate(actor=world.lead_a, neighbourhood=add(world))
    with pytest.raises(ValidationError) as refused:
        add(world)
    assert "(now inactive)" in refused.value.message_dict["name"][0]


def test_the_same_name_may_serve_two_places(world):
    add(world)
    other = neighbourhoods.neighbourhood_create(
        actor=None, place=world.place_b, name="Ashford North"
    )
    assert other.place == world.place_b


@pytest.mark.parametrize("population", [0, -5, neighbourhoods.LARGEST_POPULATION + 1])
def test_a_population_is_a_number_of_people(world, population):
    with pytest.raises(ValidationError) as refused:
        add(world, population=population)
    assert "population" in refused.value.message_dict


def test_the_lead_organisation_must_be_a_partner_of_the_place(world):
    outsider = OrganisationFactory(system=world.system, name="Brookfield PCN")
    with pytest.raises(ValidationError) as refused:
        add(world, lead_organisation=outsider)
    assert refused.value.message_dict["lead_organisation"] == [
        "Brookfield PCN is not a partner of Ashford. Choose one of the place's partner "
        "organisations, or add it as a partner first."
    ]


def test_an_update_bumps_the_version_and_records_what_changed(world):
    neighbourhood = add(world, population=30_000)
    saved = neighbourhoods.neighbourhood_update(
        actor=world.lead_a, neighbourhood=neighbourhood, version=1, population=45_000
    )
    assert saved.version == 2 and saved.population == 45_000
    event = AuditEvent.objects.get(action="neighbourhood.update")
    assert event.details == {"changed": {"population": ["30000", "45000"]}}


def test_saving_nothing_new_changes_nothing(world):
    neighbourhood = add(world, population=30_000)
    neighbourhoods.neighbourhood_update(
        actor=world.lead_a, neighbourhood=neighbourhood, version=1, population=30_000
    )
    neighbourhood.refresh_from_db()
    assert neighbourhood.version == 1
    assert not AuditEvent.objects.filter(action="neighbourhood.update").exists()


def test_a_stale_save_is_refused_and_nothing_is_overwritten(world):
    neighbourhood = add(world, population=30_000)
    neighbourhoods.neighbourhood_update(
        actor=world.icb_admin, neighbourhood=neighbourhood, version=1, population=31_000
    )
    with pytest.raises(ConcurrentEditError):
        neighbourhoods.neighbourhood_update(
            actor=world.lead_a, neighbourhood=neighbourhood, version=1, population=99_000
        )
    neighbourhood.refresh_from_db()
    assert neighbourhood.population == 31_000


def test_renaming_onto_another_neighbourhood_is_refused(world):
    add(world, "Ashford North")
    south = add(world, "Ashford South")
    with pytest.raises(ValidationError):
        neighbourhoods.neighbourhood_update(
            actor=world.lead_a, neighbourhood=south, version=1, name="ashford north"
        )


def test_a_neighbourhood_is_made_inactive_once_and_never_deleted(world):
    neighbourhood = add(world)
    neighbourhoods.neighbourhood_deactivate(actor=world.lead_a, neighbourhood=neighbourhood)
    neighbourhood.refresh_from_db()
    assert not neighbourhood.is_active and neighbourhood.version == 2
    with pytest.raises(ValidationError, match="already inactive"):
        neighbourhoods.neighbourhood_deactivate(actor=world.lead_a, neighbourhood=neighbourhood)
    assert AuditEvent.objects.filter(action="neighbourhood.deactivate").count() == 1


def test_the_total_counts_active_neighbourhoods_against_the_place(world):
    place = world.place_a  # 300,000 people
    rows = [
        NeighbourhoodFactory(place=place, name="A", population=200_000),
        NeighbourhoodFactory(place=place, name="B", population=150_000),
        NeighbourhoodFactory(place=place, name="C", population=None),
        NeighbourhoodFactory(place=place, name="D", population=90_000, is_active=False),
    ]
    total = neighbourhoods.population_total(place, rows)
    assert (total.total, total.counted, total.uncounted) == (350_000, 2, 1)
    assert total.over_place and total.share == 117


# The form ---------------------------------------------------------------------------------


def form(world: World, data: dict, neighbourhood=None) -> NeighbourhoodForm:
    return NeighbourhoodForm(data, place=world.place_a, neighbourhood=neighbourhood)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the neighbourhood's name."),
        ({"name": "x" * 201}, "name", "Enter a name of 200 characters or fewer."),
        ({"name": "N", "population": "lots"}, "population", "whole number"),
        ({"name": "N", "population": "0"}, "population", "above 0"),
        ({"name": "N", "population": "-40000"}, "population", "above 0"),
        ({"name": "N", "population": "999999999"}, "population", "no larger than"),
        ({"name": "N", "lead_kind": "mayor"}, "lead_kind", "Choose who leads"),
        ({"name": "N", "lead_organisation": "999999"}, "lead_organisation", "partner"),
    ],
)
def test_bad_input_gets_a_message_saying_how_to_fix_it(world, data, field, message):
    bound = form(world, data)
    assert not bound.is_valid()
    assert message in " ".join(bound.errors[field])


def test_only_the_places_partners_are_offered_as_lead(world):
    partner = partner_in(world.place_a, name="Ashford PCN", sector=Sector.PRIMARY_CARE_NETWORK)
    other = partner_in(world.place_b, name="Brookfield PCN", sector=Sector.PRIMARY_CARE_NETWORK)
    offered = list(form(world, {}).fields["lead_organisation"].queryset)  # type: ignore[attr-defined]
    assert offered == [partner]
    bound = form(world, {"name": "N", "lead_organisation": str(other.pk)})
    assert not bound.is_valid() and "lead_organisation" in bound.errors


def test_the_form_saves_a_cleaned_name(world):
    bound = form(world, {"name": " Ashford\u200b  North ", "population": "41000"})
    assert bound.is_valid(), bound.errors
    saved = bound.save(actor=world.lead_a)
    assert saved.name == "Ashford North" and saved.population == 41_000


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=hostile_text)
def test_hostile_names_are_stored_as_text_or_refused_with_a_message(world, name):
    with rolled_back():
        bound = form(world, {"name": name})
        if not bound.is_valid():
            assert bound.errors["name"]
            return
        try:
            saved = bound.save(actor=world.lead_a)
        except ValidationError as error:
            assert error.message_dict["name"]
            return
        assert saved.name == neighbourhoods.clean_name(name)
        assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in saved.name)
        assert saved.name == " ".join(saved.name.split())


def test_every_hostile_sample_is_kept_as_text(world):
    for index, sample in enumerate(HOSTILE_SAMPLES):
        bound = form(world, {"name": f"{sample} {index}"})
        assert bound.is_valid(), bound.errors
        assert bound.save(actor=world.lead_a).name == neighbourhoods.clean_name(f"{sample} {index}")
