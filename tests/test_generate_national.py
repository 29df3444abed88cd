"""generate_national at a tiny size: the counts asked for, a lead in every place, every sector,
and object permissions exactly as the per-user sync would derive them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from guardian.models import UserObjectPermission

from delegations.models import (
    DelegateRole,
    Delegation,
    MatterCategory,
    SchemeOfDelegation,
    SchemeStatus,
)
from governance.models import Committee, CommitteeKind, CommitteeMember, TermsOfReference
from partners.models import (
    AuditEvent,
    Invitation,
    Membership,
    Organisation,
    OrganisationAlias,
    Place,
    PlacePartner,
    Role,
    Sector,
    System,
    User,
)
from partners.permissions import permissions_sync_all_bulk, permissions_sync_for_user

TINY = {"systems": 2, "places": 4, "organisations": 30, "people": 60, "seed": 7}

pytestmark = pytest.mark.django_db


def generate(**sizes: int) -> str:
    out = StringIO()
    call_command("generate_national", stdout=out, **{**TINY, **sizes})
    return out.getvalue()


def test_counts_leads_and_sectors() -> None:
    output = generate()
    assert "Generated in" in output
    assert System.objects.count() == 2
    assert Place.objects.count() == 4
    assert Organisation.objects.count() == 30
    assert User.objects.count() == 60
    assert set(Organisation.objects.values_list("sector", flat=True)) == set(Sector.values)
    for system in System.objects.all():
        assert system.places.exists()
        assert Membership.objects.current().filter(system=system, role=Role.ICB_ADMIN).exists()
    for place in Place.objects.all():
        assert (
            Membership.objects.current()
            .filter(place=place, role=Role.PLACE_LEAD, user__is_active=True)
            .exists()
        ), place
        assert PlacePartner.objects.filter(place=place).exists()
    # Everyone holds at least one role; aliases never clash with a name in their system.
    assert not User.objects.filter(memberships__isnull=True).exists()
    for alias in OrganisationAlias.objects.select_related("organisation"):
        assert alias.system_id == alias.organisation.system_id
        assert not Organisation.objects.filter(
            system_id=alias.system_id, normalised_name=alias.normalised_alias
        ).exists()


def structure_snapshot() -> list[tuple[object, ...]]:
    return sorted(
        Delegation.objects.values_list(
            "scheme__organisation__name",
            "matter__code",
            "reserved",
            "delegate_committee__name",
            "delegate_role__title",
            "limit_from",
            "limit_to",
            "place__name",
        ),
        key=repr,
    )


def test_committees_terms_of_reference_and_schemes() -> None:
    output = generate(places=6, organisations=60)
    assert "delegation_lines:" in output
    for place in Place.objects.all():
        board = Committee.objects.get(place=place, kind=CommitteeKind.PARTNERSHIP_BOARD)
        assert board.members.filter(position="chair", independent=True).exists()
        bodies = Committee.objects.filter(place=place)
        roles = DelegateRole.objects.filter(place=place, is_individual_director=True)
        assert bodies.count() + roles.count() >= 2, place
    assert not Committee.objects.filter(terms_of_reference__isnull=True).exists()
    assert TermsOfReference.objects.filter(status="approved").count() == Committee.objects.count()
    assert CommitteeMember.objects.count() >= 3 * Committee.objects.count()
    for system in System.objects.all():
        assert MatterCategory.objects.filter(system=system, code="contract-award").exists()
    active = Organisation.objects.filter(is_active=True)
    assert SchemeOfDelegation.objects.filter(status=SchemeStatus.IN_FORCE).count() == (
        active.count()
    )
    lines = Delegation.objects.select_related(
        "scheme__organisation", "delegate_committee", "delegate_role", "place"
    )
    assert lines.count() >= 6 * active.count()
    partner_places = set(PlacePartner.objects.values_list("organisation_id", "place_id"))
    for line in lines:
        organisation = line.scheme.organisation
        # Lines follow the rules the scheme editor applies: a delegate of one of the
        # organisation's places (or its own role), and a matter of its system.
        if line.delegate_committee is not None:
            assert (organisation.pk, line.delegate_committee.place_id) in partner_places
            assert line.place_id == line.delegate_committee.place_id
        elif line.delegate_role is not None:
            assert line.delegate_role.organisation_id == organisation.pk
        else:
            assert line.reserved and line.limit_to is None
        line.full_clean()


def test_permissions_match_the_per_user_sync() -> None:
    generate()
    assert UserObjectPermission.objects.exists()
    sample = [
        *User.objects.filter(memberships__role=Role.ICB_ADMIN)[:3],
        *User.objects.filter(memberships__role=Role.ADVISORY_MEMBER)[:2],
        *User.objects.filter(memberships__role=Role.PLACE_LEAD)[:3],
        *User.objects.filter(memberships__role=Role.PLACE_MEMBER).order_by("pk")[:10],
        *User.objects.filter(is_active=False)[:2],
        *User.objects.filter(memberships__ended_at__isnull=False)[:2],
    ]
    assert len(sample) >= 15
    for user in sample:
        assert permissions_sync_for_user(user=user) == (0, 0), user
    # Running the bulk sync again changes nothing.
    assert permissions_sync_all_bulk() == (0, 0)


def test_same_seed_same_data() -> None:
    generate()
    first = sorted(Organisation.objects.values_list("name", "sector", "ods_code"))
    first_lines = structure_snapshot()
    Delegation.objects.all().delete()
    SchemeOfDelegation.objects.all().delete()
    DelegateRole.objects.all().delete()
    Committee.objects.filter(accountable_to_committee__isnull=False).delete()
    Committee.objects.all().delete()
    MatterCategory.objects.filter(parent__isnull=False).delete()
    MatterCategory.objects.all().delete()
    for model in (
        UserObjectPermission,
        AuditEvent,
        Invitation,
        Membership,
        PlacePartner,
        OrganisationAlias,
        Organisation,
        Place,
        User,
        System,
    ):
        model.objects.all().delete()
    generate()
    assert sorted(Organisation.objects.values_list("name", "sector", "ods_code")) == first
    assert structure_snapshot() == first_lines


def test_refuses_a_database_that_has_data() -> None:
    generate()
    with pytest.raises(CommandError, match="fresh one"):
        generate()
