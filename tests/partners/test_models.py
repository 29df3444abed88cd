"""Constraints the database itself enforces, whatever code writes the rows."""

import pytest
from django.db import IntegrityError, transaction

from partners.models import Membership, OrganisationAlias, Role, board_of, normalise_name
from tests.factories import (
    OrganisationFactory,
    PlaceFactory,
    PlacePartnerFactory,
    SystemFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("St. Mary's Hospice", "st marys hospice"),
        ("Royal  Coldharbour", "royal coldharbour"),
        ("Café Partnership", "cafe partnership"),
        ("RHT", "r.h.t"),
    ],
)
def test_names_that_differ_only_in_case_punctuation_or_accents_normalise_alike(a, b):
    assert normalise_name(a).replace(" ", "") == normalise_name(b).replace(" ", "")


@pytest.mark.parametrize(
    ("organisation", "board"),
    [
        ("Ashworth Council", "Ashworth Council board"),
        ("Ashford Community NHS Trust", "Ashford Community NHS Trust board"),
        ("NHS North Shire Integrated Care Board", "NHS North Shire Integrated Care Board"),
        ("Vale Partnership board", "Vale Partnership board"),
    ],
)
def test_an_organisations_board_is_named_without_doubling_board(organisation, board):
    assert board_of(organisation) == board


def test_organisation_names_are_unique_per_system_ignoring_case():
    system = SystemFactory()
    OrganisationFactory(system=system, name="Ashworth Borough Council")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(system=system, name="ashworth borough council")
    # The same name in another system is fine.
    OrganisationFactory(system=SystemFactory(), name="Ashworth Borough Council")


def test_aliases_are_unique_per_system():
    system = SystemFactory()
    first = OrganisationFactory(system=system)
    second = OrganisationFactory(system=system)
    OrganisationAlias.objects.create(organisation=first, alias="RHT")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationAlias.objects.create(organisation=second, alias="rht")


def test_place_names_are_unique_per_system():
    system = SystemFactory()
    PlaceFactory(system=system, name="Ashworth")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlaceFactory(system=system, name="ASHWORTH")


def test_an_organisation_is_a_partner_of_a_place_once():
    partner = PlacePartnerFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PlacePartnerFactory(place=partner.place, organisation=partner.organisation)


def test_one_current_membership_per_person_per_place_but_history_is_kept():
    place = PlaceFactory()
    user = UserFactory()
    first = Membership.objects.create(
        user=user, system=place.system, place=place, role=Role.PLACE_MEMBER
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, system=place.system, place=place, role=Role.PLACE_LEAD)
    first.ended_at = first.started_at
    first.save()
    Membership.objects.create(user=user, system=place.system, place=place, role=Role.PLACE_LEAD)
    assert Membership.objects.filter(user=user, place=place).count() == 2


def test_place_roles_need_a_place_and_system_roles_must_not_have_one():
    place = PlaceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=UserFactory(), system=place.system, role=Role.PLACE_MEMBER)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=UserFactory(), system=place.system, place=place, role=Role.ICB_ADMIN
        )


def test_people_referenced_by_memberships_cannot_be_deleted():
    place = PlaceFactory()
    user = UserFactory()
    Membership.objects.create(user=user, system=place.system, place=place, role=Role.PLACE_MEMBER)
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        user.delete()
