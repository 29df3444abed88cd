"""Recording how a place delivers care: saves, stale versions refused, an audit row for each
change, history kept, and what the record itself must be (a real archetype, a partner council,
a partner or the ICB holding a function)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.locking import ConcurrentEditError
from governance.delivery import services
from governance.delivery.models import BudgetForm, DeliveryArrangement, FunctionHolding
from partners.models import AuditEvent, Sector
from tests.factories import (
    LEAD_CARE_PROVIDER,
    PLACE_PARTNERSHIP,
    CommitteeFactory,
    OrganisationFactory,
    archetype,
    contracting_form,
    make_framework,
    partner_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def partners(world):
    place = world.place_a
    return {
        "icb": OrganisationFactory(system=world.system, name="North Shire ICB", sector=Sector.ICB),
        "council": partner_in(place, name="Ashford Council", sector=Sector.UPPER_TIER_COUNCIL),
        "trust": partner_in(place, name="Ashford Hospitals NHS Trust"),
        "board": CommitteeFactory(place=place, name="Ashford Partnership Board"),
    }


def save(world, version=services.NOT_SAVED_YET, **changes):
    return services.arrangement_save(
        actor=world.lead_a, place=world.place_a, version=version, **changes
    )


def test_the_first_save_creates_the_arrangement_and_audits_it(world):
    arrangement = save(
        world, archetype=archetype(PLACE_PARTNERSHIP), budget_form=BudgetForm.DELEGATED
    )
    assert arrangement.version == 1
    assert arrangement.updated_by == world.lead_a
    event = AuditEvent.objects.get(action="delivery.create")
    assert event.system == world.system
    assert "recorded how Ashford delivers care" in event.summary
    assert arrangement.history.count() == 1
    assert arrangement.history.first().history_user == world.lead_a


def test_a_later_save_bumps_the_version_and_keeps_the_history(world, partners):
    first = save(world, archetype=archetype(PLACE_PARTNERSHIP))
    second = save(world, version=first.version, section_75_council=partners["council"])
    assert second.version == 2
    assert second.archetype == archetype(PLACE_PARTNERSHIP)  # other pages' answers stay
    assert [h.section_75_council_id for h in second.history.order_by("history_date")] == [
        None,
        partners["council"].pk,
    ]
    event = AuditEvent.objects.get(action="delivery.update")
    assert event.details["changed"]["section_75_council"] == ["", "Ashford Council"]


def test_a_save_with_nothing_changed_writes_nothing(world):
    first = save(world, archetype=archetype(PLACE_PARTNERSHIP))
    again = save(world, version=first.version, archetype=archetype(PLACE_PARTNERSHIP))
    assert again.version == 1
    assert AuditEvent.objects.filter(action="delivery.update").count() == 0


def test_a_save_from_a_stale_version_is_refused_and_changes_nothing(world):
    save(world, archetype=archetype(PLACE_PARTNERSHIP))
    save(world, version=1, budget_form=BudgetForm.DELEGATED)
    with pytest.raises(ConcurrentEditError, match="you opened version 1"):
        save(world, version=1, budget_form=BudgetForm.CAPITATED)
    assert DeliveryArrangement.objects.get().budget_form == BudgetForm.DELEGATED


def test_two_first_saves_cannot_both_create(world):
    save(world, archetype=archetype(PLACE_PARTNERSHIP))
    with pytest.raises(ConcurrentEditError):
        save(world, archetype=archetype(LEAD_CARE_PROVIDER))
    assert DeliveryArrangement.objects.get().archetype == archetype(PLACE_PARTNERSHIP)


def test_an_option_of_an_arrangements_framework_is_not_an_archetype(world):
    option = make_framework(slug="arrangements").options.get(number=1)
    with pytest.raises(ValidationError) as refused:
        save(world, archetype=option)
    assert "is not a delivery archetype" in str(refused.value)
    assert not DeliveryArrangement.objects.exists()


def test_the_section_75_council_is_a_partner_council(world, partners):
    with pytest.raises(ValidationError, match="is not a council"):
        save(world, section_75_council=partners["trust"])
    elsewhere = OrganisationFactory(system=world.system, sector=Sector.UPPER_TIER_COUNCIL)
    with pytest.raises(ValidationError, match="is not a partner of Ashford"):
        save(world, section_75_council=elsewhere)


def test_the_lead_care_provider_is_a_partner(world):
    elsewhere = OrganisationFactory(system=world.system, name="Far Trust")
    with pytest.raises(ValidationError, match="Far Trust is not a partner of Ashford"):
        save(world, lead_care_provider=elsewhere)


def test_the_terms_are_saved_with_their_text_trimmed(world):
    saved = save(
        world,
        contracting_form=contracting_form("corporate-joint-venture"),
        contract_years=12,
        lead_risk_share=70,
        reserved_matters="  Changes to the articles.  ",
    )
    assert (saved.contract_years, saved.lead_risk_share) == (12, 70)
    assert saved.reserved_matters == "Changes to the articles."


def test_a_risk_share_over_100_is_refused(world):
    with pytest.raises(ValidationError):
        save(world, lead_risk_share=101)


def test_an_unknown_field_is_a_programming_error(world):
    with pytest.raises(TypeError):
        save(world, place=world.place_b)


# Function holders ---------------------------------------------------------------------------


def hold(world, function="integrator", version=services.NOT_SAVED_YET, **holder):
    return services.holding_save(
        actor=world.lead_a, place=world.place_a, function=function, version=version, **holder
    )


def test_a_holder_is_recorded_changed_and_removed_with_audit_and_history(world, partners):
    holding = hold(world, holder_committee=partners["board"])
    assert holding.version == 1
    changed = hold(world, version=1, holder_organisation=partners["trust"], notes="Interim")
    assert changed.version == 2 and changed.holder_committee is None
    services.holding_remove(actor=world.lead_a, holding=changed, version=2)
    assert not FunctionHolding.objects.exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="delivery.holder").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == [
        "delivery.holder_remove",
        "delivery.holder_set",
        "delivery.holder_set",
    ]
    set_event = AuditEvent.objects.filter(action="delivery.holder_set").order_by("pk").last()
    assert set_event.details["changed"]["holder"] == [
        "Ashford Partnership Board",
        "Ashford Hospitals NHS Trust",
    ]
    history = FunctionHolding.history.filter(id=holding.pk).order_by("history_date")
    assert [h.history_type for h in history] == ["+", "~", "-"]


def test_the_icb_of_the_system_may_hold_a_function_without_being_a_partner(world, partners):
    assert hold(world, "strategic_commissioning", holder_organisation=partners["icb"]).pk


def test_an_organisation_outside_the_place_may_not_hold_a_function(world):
    elsewhere = OrganisationFactory(system=world.system, name="Far Trust")
    with pytest.raises(ValidationError, match="Far Trust is not a partner of Ashford"):
        hold(world, holder_organisation=elsewhere)


def test_an_inactive_body_or_another_places_body_may_not_hold_a_function(world):
    closed = CommitteeFactory(place=world.place_a, name="Old board", is_active=False)
    with pytest.raises(ValidationError, match="is not an active body of Ashford"):
        hold(world, holder_committee=closed)
    theirs = CommitteeFactory(place=world.place_b, name="Brookfield board")
    with pytest.raises(ValidationError, match="is not an active body of Ashford"):
        hold(world, holder_committee=theirs)


def test_a_function_is_held_by_exactly_one_holder(world, partners):
    with pytest.raises(ValidationError, match="Choose one organisation or one body"):
        hold(world, holder_organisation=partners["trust"], holder_committee=partners["board"])
    with pytest.raises(ValidationError, match="Choose one organisation or one body"):
        hold(world)


def test_a_stale_holder_save_or_removal_is_refused(world, partners):
    holding = hold(world, holder_committee=partners["board"])
    hold(world, version=1, holder_organisation=partners["trust"])
    with pytest.raises(ConcurrentEditError, match="you opened version 1"):
        hold(world, version=1, holder_organisation=partners["council"])
    with pytest.raises(ConcurrentEditError):
        services.holding_remove(actor=world.lead_a, holding=holding, version=1)
    assert FunctionHolding.objects.get().holder_organisation == partners["trust"]
