"""The rules in partners.services: what is refused, with what message, and that nothing is
saved when it is."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from core.locking import ConcurrentEditError
from demo.build.partners import organisation_add
from partners import services
from partners.legal_forms import LegalForm
from partners.models import AuditEvent, Membership, Organisation, OrganisationAlias, Role, Sector
from tests.factories import OrganisationFactory, PlaceFactory, make_member, membership_of

pytestmark = pytest.mark.django_db


def create_organisation(
    system,
    name="Ashworth Borough Council",
    aliases=("ABC", "the council"),
    sector=Sector.UPPER_TIER_COUNCIL,
):
    return organisation_add(system=system, name=name, sector=sector, aliases=aliases)


def test_organisation_is_created_with_aliases_and_an_audit_row(world):
    organisation = services.organisation_create(
        actor=world.icb_admin,
        system=world.system,
        name="Royal Coldharbour Hospital",
        sector=Sector.ACUTE_TRUST,
        legal_form=LegalForm.NHS_FOUNDATION_TRUST,
        aliases=["RCH", " the Royal ", "rch"],
    )
    assert sorted(organisation.aliases.values_list("alias", flat=True)) == ["RCH", "the Royal"]
    event = AuditEvent.objects.get(action="organisation.create")
    assert event.actor == world.icb_admin
    assert event.system == world.system


def test_a_name_already_used_as_an_alias_is_refused_and_nothing_saved(world):
    create_organisation(world.system)
    with pytest.raises(ValidationError) as error:
        create_organisation(world.system, "The Council", ["TC"], sector=Sector.OTHER)
    assert "already used by Ashworth Borough Council" in error.value.message_dict["name"][0]
    assert not Organisation.objects.filter(name="The Council").exists()
    assert not OrganisationAlias.objects.filter(alias="TC").exists()


def test_an_alias_used_by_another_organisation_is_refused(world):
    create_organisation(world.system)
    with pytest.raises(ValidationError) as error:
        create_organisation(world.system, "Brackenfield Council", ["The Council"])
    assert "already used by Ashworth Borough Council" in error.value.message_dict["aliases"][0]
    assert not Organisation.objects.filter(name="Brackenfield Council").exists()


def test_aliases_may_repeat_across_systems(world):
    create_organisation(world.system)
    create_organisation(world.other_system)
    assert OrganisationAlias.objects.filter(normalised_alias="the council").count() == 2


def test_alias_add_refuses_a_duplicate_and_remove_deletes(world):
    organisation = create_organisation(world.system)
    other = create_organisation(world.system, name="Fenby District Council", aliases=["FDC"])
    with pytest.raises(ValidationError):
        services.organisation_alias_add(actor=None, organisation=other, alias="abc")
    alias = services.organisation_alias_add(actor=None, organisation=other, alias="Fenby")
    services.organisation_alias_remove(actor=None, alias=alias)
    assert list(other.aliases.values_list("alias", flat=True)) == ["FDC"]
    assert organisation.aliases.count() == 2


def test_update_with_a_stale_version_is_refused_without_overwriting(world):
    organisation = create_organisation(world.system)
    opened_at = organisation.version
    services.organisation_update(
        actor=None, organisation=organisation, expected_version=opened_at, name="Ashworth Council"
    )
    with pytest.raises(ConcurrentEditError):
        services.organisation_update(
            actor=None,
            organisation=organisation,
            expected_version=opened_at,
            name="Ashworth Metropolitan Council",
        )
    organisation.refresh_from_db()
    assert organisation.name == "Ashworth Council"


def test_place_update_detects_concurrent_edits(world):
    opened_at = world.place_a.version
    services.place_update(
        actor=None, place=world.place_a, expected_version=opened_at, population=1000
    )
    with pytest.raises(ConcurrentEditError):
        services.place_update(
            actor=None, place=world.place_a, expected_version=opened_at, population=2
        )
    world.place_a.refresh_from_db()
    assert world.place_a.population == 1000


def test_removing_the_last_place_lead_is_refused_with_the_reason(world):
    with pytest.raises(ValidationError) as error:
        services.membership_end(
            actor=world.icb_admin, membership=membership_of(world.lead_a, world.place_a)
        )
    assert "only place lead of Ashford" in error.value.messages[0]
    assert membership_of(world.lead_a, world.place_a).ended_at is None


def test_demoting_the_last_place_lead_is_refused(world):
    with pytest.raises(ValidationError):
        services.membership_update(
            actor=None,
            membership=membership_of(world.lead_a, world.place_a),
            role=Role.PLACE_MEMBER,
            organisation=None,
        )


def test_a_lead_can_go_once_another_lead_is_appointed(world):
    make_member(place=world.place_a, role=Role.PLACE_LEAD)
    services.membership_end(actor=None, membership=membership_of(world.lead_a, world.place_a))
    assert not Membership.objects.current().filter(user=world.lead_a).exists()


def test_deactivating_the_last_lead_is_refused_and_they_stay_active(world):
    with pytest.raises(ValidationError):
        services.user_deactivate(actor=None, user=world.lead_a)
    world.lead_a.refresh_from_db()
    assert world.lead_a.is_active


def test_an_organisation_in_use_cannot_be_deleted_but_can_be_deactivated(world):
    organisation = OrganisationFactory(system=world.system)
    services.place_partner_add(actor=None, place=world.place_a, organisation=organisation)
    with pytest.raises(ValidationError) as error:
        services.organisation_delete(actor=None, organisation=organisation)
    assert "Deactivate it instead" in error.value.messages[0]
    services.organisation_update(actor=None, organisation=organisation, is_active=False)
    organisation.refresh_from_db()
    assert not organisation.is_active


def test_an_unused_organisation_can_be_deleted(world):
    organisation = OrganisationFactory(system=world.system)
    services.organisation_delete(actor=world.icb_admin, organisation=organisation)
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    assert AuditEvent.objects.filter(action="organisation.delete").exists()


def test_a_partner_with_representatives_cannot_be_removed(world):
    organisation = OrganisationFactory(system=world.system)
    partner = services.place_partner_add(actor=None, place=world.place_a, organisation=organisation)
    make_member(place=world.place_a, organisation=organisation)
    with pytest.raises(ValidationError):
        services.place_partner_remove(actor=None, partner=partner)


def test_organisations_of_another_system_cannot_join_a_place(world):
    foreign = OrganisationFactory(system=world.other_system)
    with pytest.raises(ValidationError):
        services.place_partner_add(actor=None, place=world.place_a, organisation=foreign)


def join_place_a(world, user, system, role):
    return services.membership_create(
        actor=None, user=user, system=system, role=role, place=world.place_a
    )


@pytest.mark.parametrize(
    "system, role",
    [("system", Role.ICB_ADMIN), ("other_system", Role.PLACE_MEMBER)],
    ids=["a system role in a place", "a place of another system"],
)
def test_membership_scope_must_match_the_role(world, system, role):
    with pytest.raises(ValidationError):
        join_place_a(world, world.outsider, getattr(world, system), role)


def test_joining_a_place_twice_is_refused_with_a_message(world):
    with pytest.raises(ValidationError) as error:
        join_place_a(world, world.member_a, world.system, Role.PLACE_LEAD)
    assert "already a member of this place" in " ".join(error.value.messages)


def test_place_slugs_stay_unique(world):
    first = services.place_create(actor=None, system=world.system, name="Holme Valley")
    second = services.place_create(actor=None, system=world.system, name="Holme-Valley")
    assert (first.slug, second.slug) == ("holme-valley", "holme-valley-2")


def test_membership_end_records_when(world):
    membership = membership_of(world.member_a, world.place_a)
    ended = services.membership_end(actor=None, membership=membership)
    assert ended.ended_at is not None
    assert ended.ended_at - ended.started_at < timedelta(minutes=1)


def test_place_population_must_be_positive(world):
    with pytest.raises(ValidationError):
        PlaceFactory.build(system=world.system, name="Zero", slug="zero", population=0).full_clean()
