"""Schemes of reservation and delegation: the matter tree, versions of a scheme and the rules
every line must follow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from delegations import matters as matter_tree
from delegations import roles, services
from delegations.models import Delegation, MatterCategory, SchemeStatus
from partners.models import AuditEvent
from tests.factories import (
    DelegateRoleFactory,
    DelegationFactory,
    OrganisationFactory,
    PlaceFactory,
    PlacePartnerFactory,
    SchemeFactory,
    UserFactory,
    joint_committee_of,
)

pytestmark = pytest.mark.django_db


@dataclass
class Setup:
    actor: Any
    organisation: Any
    place: Any
    other_place: Any
    committee: Any
    other_committee: Any
    role: Any
    scheme: Any
    contracts: MatterCategory
    award: MatterCategory
    finance: MatterCategory


@pytest.fixture
def setup() -> Setup:
    organisation = OrganisationFactory(name="Ashford Council")
    system = organisation.system
    place = PlaceFactory(system=system, name="Ashford")
    other_place = PlaceFactory(system=system, name="Brookfield")
    PlacePartnerFactory(place=place, organisation=organisation)
    matter_tree.matter_tree_ensure(system=system)
    matters = {m.code: m for m in MatterCategory.objects.filter(system=system)}
    return Setup(
        actor=UserFactory(),
        organisation=organisation,
        place=place,
        other_place=other_place,
        committee=joint_committee_of(place, organisation, name="Ashford Joint Committee"),
        other_committee=joint_committee_of(
            other_place, organisation, name="Brookfield Joint Committee"
        ),
        role=DelegateRoleFactory(organisation=organisation, title="Place Director"),
        scheme=SchemeFactory(organisation=organisation, status=SchemeStatus.DRAFT, number=1),
        contracts=matters["contracts"],
        award=matters["contract-award"],
        finance=matters["finance"],
    )


def add(s: Setup, **fields: Any) -> Delegation:
    fields.setdefault("matter", s.award)
    if not fields.get("reserved") and "delegate_role" not in fields:
        fields.setdefault("delegate_committee", s.committee)
    return services.delegation_add(actor=s.actor, scheme=s.scheme, **fields)


def refused(s: Setup, field: str, **fields: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        add(s, **fields)
    assert field in caught.value.message_dict, caught.value.message_dict
    return " ".join(caught.value.message_dict[field])


# The matter tree --------------------------------------------------------------------------


def test_the_default_matter_tree_is_made_once(setup):
    system = setup.organisation.system
    count = MatterCategory.objects.filter(system=system).count()
    assert count > 20
    assert matter_tree.matter_tree_ensure(system=system) == 0
    assert MatterCategory.objects.filter(system=system).count() == count
    assert setup.award.parent == setup.contracts
    assert MatterCategory.objects.get(system=system, code="section-75").parent.code == (
        "pooled-budgets"
    )


def test_matters_are_added_renamed_and_removed_unless_used(setup):
    system = setup.organisation.system
    matter = matter_tree.matter_add(
        actor=setup.actor, system=system, name="Estates", code="estates"
    )
    matter_tree.matter_update(actor=setup.actor, matter=matter, name="Estates and buildings")
    matter.refresh_from_db()
    assert matter.name == "Estates and buildings"
    with pytest.raises(ValidationError):
        matter_tree.matter_add(actor=setup.actor, system=system, name="Again", code="estates")
    add(setup, matter=matter)
    with pytest.raises(ValidationError, match="used by lines"):
        matter_tree.matter_remove(actor=setup.actor, matter=matter)
    with pytest.raises(ValidationError, match="beneath it"):
        matter_tree.matter_remove(actor=setup.actor, matter=setup.contracts)
    spare = matter_tree.matter_add(actor=setup.actor, system=system, name="Spare", code="spare")
    matter_tree.matter_remove(actor=setup.actor, matter=spare)
    assert not MatterCategory.objects.filter(pk=spare.pk).exists()


# Versions of a scheme ---------------------------------------------------------------------


def test_a_new_version_is_a_numbered_draft_copying_the_latest_lines(setup):
    add(setup, limit_to=Decimal("250000"), conditions="Within budget")
    second = services.scheme_create(
        actor=setup.actor, organisation=setup.organisation, effective_from=date(2026, 4, 1)
    )
    assert second.number == 2 and second.status == SchemeStatus.DRAFT
    assert [(d.matter, d.limit_to, d.conditions) for d in second.delegations.all()] == [
        (setup.award, Decimal("250000"), "Within budget")
    ]
    empty = services.scheme_create(
        actor=setup.actor,
        organisation=setup.organisation,
        effective_from=date(2026, 5, 1),
        copy_lines=False,
    )
    assert empty.number == 3 and not empty.delegations.exists()


def test_bringing_into_force_supersedes_the_previous_scheme(setup):
    add(setup)
    services.scheme_bring_into_force(actor=setup.actor, scheme=setup.scheme)
    setup.scheme.refresh_from_db()
    assert setup.scheme.status == SchemeStatus.IN_FORCE
    second = services.scheme_create(
        actor=setup.actor, organisation=setup.organisation, effective_from=date(2026, 4, 1)
    )
    services.scheme_bring_into_force(actor=setup.actor, scheme=second)
    setup.scheme.refresh_from_db()
    second.refresh_from_db()
    assert second.status == SchemeStatus.IN_FORCE
    assert setup.scheme.status == SchemeStatus.SUPERSEDED
    assert setup.scheme.effective_to == date(2026, 3, 31)
    assert AuditEvent.objects.filter(action="scheme.in_force").count() == 2


def test_a_new_version_must_start_after_the_one_in_force(setup):
    add(setup)
    services.scheme_bring_into_force(actor=setup.actor, scheme=setup.scheme)
    early = services.scheme_create(
        actor=setup.actor, organisation=setup.organisation, effective_from=date(2025, 1, 1)
    )
    with pytest.raises(ValidationError) as caught:
        services.scheme_bring_into_force(actor=setup.actor, scheme=early)
    assert "effective_from" in caught.value.message_dict
    setup.scheme.refresh_from_db()
    assert setup.scheme.status == SchemeStatus.IN_FORCE  # nothing changed


def test_an_empty_scheme_cannot_come_into_force(setup):
    with pytest.raises(ValidationError, match="at least one line"):
        services.scheme_bring_into_force(actor=setup.actor, scheme=setup.scheme)


def test_a_scheme_in_force_is_changed_only_by_a_new_version(setup):
    line = add(setup)
    services.scheme_bring_into_force(actor=setup.actor, scheme=setup.scheme)
    with pytest.raises(ValidationError, match="new version"):
        add(setup, matter=setup.finance)
    with pytest.raises(ValidationError, match="new version"):
        services.delegation_remove(actor=setup.actor, delegation=line)
    with pytest.raises(ValidationError, match="new version"):
        services.scheme_update(actor=setup.actor, scheme=setup.scheme, notes="Changed")


def test_scheme_update_detects_a_conflicting_edit(setup):
    services.scheme_update(
        actor=setup.actor, scheme=setup.scheme, expected_version=1, notes="First"
    )
    with pytest.raises(ValidationError, match="Someone else changed"):
        services.scheme_update(
            actor=setup.actor, scheme=setup.scheme, expected_version=1, notes="Second"
        )
    setup.scheme.refresh_from_db()
    assert setup.scheme.notes == "First" and setup.scheme.version == 2


# The rules of a line ----------------------------------------------------------------------


def test_a_good_line_is_saved_and_audited(setup):
    line = add(setup, limit_to=Decimal("250000"), place=setup.place)
    assert line.pk and line.delegate_committee == setup.committee
    assert AuditEvent.objects.filter(action="delegation.add", target_id=str(line.pk)).exists()


def test_the_limits_run_from_below_up_to(setup):
    assert "at least the 'from' value" in refused(
        setup, "limit_to", limit_from=Decimal("500"), limit_to=Decimal("100")
    )
    assert add(setup, limit_from=Decimal("100"), limit_to=Decimal("100")).pk


def test_a_committee_outside_the_organisations_places_is_refused(setup):
    assert "a delegate outside the place" in refused(
        setup, "delegate_committee", delegate_committee=setup.other_committee
    )
    assert not Delegation.objects.exists()


def test_a_line_for_one_place_needs_that_places_committee(setup):
    PlacePartnerFactory(place=setup.other_place, organisation=setup.organisation)
    message = refused(
        setup, "delegate_committee", place=setup.other_place, delegate_committee=setup.committee
    )
    assert "outside the place" in message
    assert add(setup, place=setup.other_place, delegate_committee=setup.other_committee).pk


def test_a_line_for_a_place_the_organisation_is_not_a_partner_of_is_refused(setup):
    assert "not a partner" in refused(setup, "place", place=setup.other_place)


def test_a_role_of_another_organisation_is_refused(setup):
    stranger = DelegateRoleFactory(
        organisation=OrganisationFactory(system=setup.organisation.system), title="Director"
    )
    assert "its own organisation" in refused(setup, "delegate_role", delegate_role=stranger)
    assert add(setup, delegate_role=setup.role).pk


def test_a_reserved_line_has_no_delegate(setup):
    line = add(setup, reserved=True, delegate_committee=setup.committee)
    assert line.delegate_committee is None  # the board keeps it: the delegate is dropped
    from delegations.rules import SchemeContext, line_problems

    loose = Delegation(scheme=setup.scheme, matter=setup.finance, reserved=True)
    loose.delegate_committee = setup.committee
    problems = line_problems(loose, context=SchemeContext.load(setup.scheme), others=[])
    assert "reserved line has no delegate" in problems["delegate_committee"][0]


def test_a_delegated_line_needs_a_delegate(setup):
    assert "Choose a committee or a role" in refused(
        setup, "delegate_committee", delegate_committee=None
    )


def test_overlapping_bands_for_the_same_matter_are_refused(setup):
    add(setup, reference="4.1", limit_to=Decimal("250000"))
    message = refused(
        setup,
        "limit_from",
        delegate_role=setup.role,
        limit_from=Decimal("100000"),
        limit_to=Decimal("500000"),
    )
    assert message == (
        "Line 4.1 already covers values up to and including £250,000 for this matter. Change "
        "the From or Up to amount so the two lines share no value."
    )
    # A band that follows on is fine, and so is the same band for another matter.
    assert add(setup, delegate_role=setup.role, limit_from=Decimal("250000")).pk
    assert add(setup, matter=setup.finance, limit_to=Decimal("250000")).pk


def test_lines_for_different_places_may_share_a_band(setup):
    PlacePartnerFactory(place=setup.other_place, organisation=setup.organisation)
    add(setup, place=setup.place)
    assert add(setup, place=setup.other_place, delegate_committee=setup.other_committee).pk
    # …but a line for every place overlaps both.
    refused(setup, "limit_from", delegate_role=setup.role)


def test_delegating_a_matter_the_scheme_reserves_is_contradictory(setup):
    add(setup, matter=setup.contracts, reserved=True, limit_from=Decimal("1000000"))
    message = refused(setup, "reserved", limit_from=Decimal("2000000"))
    assert "contradicts" in message and "reserves Contracts" in message
    # Below the reserved band is fine.
    assert add(setup, limit_to=Decimal("1000000")).pk


def test_reserving_a_matter_already_delegated_beneath_it_is_contradictory(setup):
    add(setup)
    assert "contradicts" in refused(setup, "reserved", matter=setup.contracts, reserved=True)


def test_updating_a_line_follows_the_same_rules(setup):
    first = add(setup, limit_to=Decimal("250000"))
    second = add(setup, delegate_role=setup.role, limit_from=Decimal("250000"))
    services.delegation_update(actor=setup.actor, delegation=first, limit_to=Decimal("200000"))
    with pytest.raises(ValidationError) as caught:
        services.delegation_update(
            actor=setup.actor, delegation=second, limit_from=Decimal("100000")
        )
    assert "already covers" in caught.value.message_dict["limit_from"][0]
    second.refresh_from_db()
    assert second.limit_from == Decimal("250000")


def test_removing_a_line(setup):
    line = add(setup)
    services.delegation_remove(actor=setup.actor, delegation=line)
    assert not Delegation.objects.exists()


# Delegate roles ---------------------------------------------------------------------------


def test_delegate_roles_act_only_for_partner_places(setup):
    role = roles.delegate_role_add(
        actor=setup.actor,
        organisation=setup.organisation,
        title="Director of Place",
        place=setup.place,
        is_individual_director=True,
    )
    assert role.is_individual_director
    with pytest.raises(ValidationError) as caught:
        roles.delegate_role_add(
            actor=setup.actor,
            organisation=setup.organisation,
            title="Elsewhere",
            place=setup.other_place,
        )
    assert "not a partner" in caught.value.message_dict["place"][0]
    roles.delegate_role_update(actor=setup.actor, role=role, title="Place Director 2")
    role.refresh_from_db()
    assert role.title == "Place Director 2"


def test_a_line_for_a_place_cannot_use_another_places_role(setup):
    PlacePartnerFactory(place=setup.other_place, organisation=setup.organisation)
    role = DelegateRoleFactory(
        organisation=setup.organisation, title="Brookfield Director", place=setup.other_place
    )
    assert "acts for" in refused(setup, "delegate_role", delegate_role=role, place=setup.place)


def test_the_factory_line_is_judged_like_any_other(setup):
    """A line made directly (as an import of old data might) is still found by the rules."""
    DelegationFactory(scheme=setup.scheme, matter=setup.award, delegate_committee=setup.committee)
    refused(setup, "limit_from", delegate_role=setup.role)
