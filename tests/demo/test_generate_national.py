"""generate_national at a tiny size: the counts asked for, a lead in every place, every sector,
object permissions exactly as the per-user sync would derive them, and a consultation round
in every system to which every place has submitted a complete response."""

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
from design.validator import PASS, design_check
from governance.catalogue.rules import FrameworkRules, option_set_numbers, option_set_verdict
from governance.consultation import selectors
from governance.consultation.models import (
    Answer,
    ConsultationRound,
    DeadlineExtension,
    PlaceRating,
    PlaceResponse,
    ResponseStatus,
)
from governance.consultation.response_history import response_history
from governance.consultation.responses import response_missing_items, response_sheet
from governance.delivery.models import DeliveryArrangement, DeliveryFunction, FunctionHolding
from governance.structures.models import Committee, CommitteeKind, CommitteeMember, TermsOfReference
from governance.structures.options import body_option, delegation_refusal, options_by_kind
from partners import models as partners
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
    assert partners.System.objects.count() == 2
    assert partners.Place.objects.count() == 4
    assert partners.Organisation.objects.count() == 30
    assert partners.User.objects.count() == 60
    assert set(partners.Organisation.objects.values_list("sector", flat=True)) == set(
        partners.Sector.values
    )
    for system in partners.System.objects.all():
        assert system.places.exists()
        assert (
            partners.Membership.objects.current()
            .filter(system=system, role=partners.Role.ICB_ADMIN)
            .exists()
        )
    for place in partners.Place.objects.all():
        assert (
            partners.Membership.objects.current()
            .filter(place=place, role=partners.Role.PLACE_LEAD, user__is_active=True)
            .exists()
        ), place
        assert partners.PlacePartner.objects.filter(place=place).exists()
    # Everyone holds at least one role; aliases never clash with a name in their system.
    assert not partners.User.objects.filter(memberships__isnull=True).exists()
    for alias in partners.OrganisationAlias.objects.select_related("organisation"):
        assert alias.system_id == alias.organisation.system_id
        assert not partners.Organisation.objects.filter(
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
    for place in partners.Place.objects.all():
        for board in Committee.objects.filter(place=place, kind=CommitteeKind.PARTNERSHIP_BOARD):
            assert board.members.filter(position="chair", independent=True).exists()
        bodies = Committee.objects.filter(place=place)
        roles = DelegateRole.objects.filter(place=place, is_individual_director=True)
        assert bodies.exists(), place
        assert bodies.count() + roles.count() >= 1, place
        # Each place is an arrangement the framework allows.
        [arrangement] = [i for i in design_check(place=place) if i.code == "recorded_arrangement"]
        assert arrangement.status == PASS, arrangement.detail
    assert not Committee.objects.filter(terms_of_reference__isnull=True).exists()
    assert TermsOfReference.objects.filter(status="approved").count() == Committee.objects.count()
    assert CommitteeMember.objects.count() >= 3 * Committee.objects.count()
    for system in partners.System.objects.all():
        assert MatterCategory.objects.filter(system=system, code="contract-award").exists()
    active = partners.Organisation.objects.filter(is_active=True)
    assert SchemeOfDelegation.objects.filter(status=SchemeStatus.IN_FORCE).count() == (
        active.count()
    )
    lines = Delegation.objects.select_related(
        "scheme__organisation", "delegate_committee", "delegate_role", "place"
    )
    assert lines.count() >= 6 * active.count()
    partner_places = set(partners.PlacePartner.objects.values_list("organisation_id", "place_id"))
    by_kind = options_by_kind()
    for line in lines:
        organisation = line.scheme.organisation
        # Lines follow the rules the scheme editor applies: a delegate of one of the
        # organisation's places (or its own role), and a matter of its system.
        if line.delegate_committee is not None:
            assert (organisation.pk, line.delegate_committee.place_id) in partner_places
            assert line.place_id == line.delegate_committee.place_id
            # ... and one the body's framework option lets it hold.
            committee = line.delegate_committee
            assert (
                delegation_refusal(
                    committee=committee,
                    option=body_option(committee, by_kind),
                    delegator=organisation,
                    is_budget=False,
                    parties=list(committee.parties.values_list("pk", flat=True)),
                )
                is None
            ), line
        elif line.delegate_role is not None:
            assert line.delegate_role.organisation_id == organisation.pk
        else:
            assert line.reserved and line.limit_to is None
        line.full_clean()


def test_every_place_has_submitted_a_complete_response() -> None:
    output = generate(places=6, organisations=60)
    assert "place_responses_submitted: 6" in output
    assert ConsultationRound.objects.count() == partners.System.objects.count()
    in_context_rated = 0
    for consultation in ConsultationRound.objects.select_related("framework", "system"):
        assert consultation.is_open()
        places = set(partners.Place.objects.filter(system=consultation.system, is_active=True))
        assert set(consultation.invited_places.all()) == places
        assert consultation.milestones.count() == 4
        sheet = response_sheet(round=consultation, response=None)
        assert len(sheet.questions) == 7
        assert any(question.choices for question in sheet.questions)
        rules = FrameworkRules.load(consultation.framework)
        responses = consultation.responses.select_related("place", "submitted_by")
        assert {response.place for response in responses} == places
        for response in responses:
            assert response.status == ResponseStatus.SUBMITTED
            # Submitted by a current lead of the place, after the round opened.
            assert (
                partners.Membership.objects.current()
                .filter(
                    user=response.submitted_by, place=response.place, role=partners.Role.PLACE_LEAD
                )
                .exists()
            ), response
            assert consultation.opens_at < response.submitted_at < consultation.closes_at
            # An allowed proposal with a case of some length, naming the place.
            numbers = option_set_numbers(response.proposed_option_set)
            assert option_set_verdict(rules, numbers).allowed, response.proposed_option_set
            assert len(response.proposal_case.split()) >= 120
            assert response.place.name in response.proposal_case
            # Every question answered, every option rated against every principle.
            answers = {a.question_id: a for a in response.answers.all()}
            assert set(answers) == {question.pk for question in sheet.questions}
            for question in sheet.questions:
                answer = answers[question.pk]
                assert answer.text.strip()
                if question.choices:
                    assert answer.choice in question.choices
                assert answer.updated_at <= response.submitted_at
            cells = {(r.option_id, r.option_set, r.principle_id): r for r in response.ratings.all()}
            # Every option alone; and a place that proposes a combination also rates each of
            # its options there, wherever the framework does.
            alone = {(o.pk, str(o.number), p.pk) for o in sheet.options for p in sheet.principles}
            in_context = {
                (c.option.pk, c.option_set, p.pk)
                for c in sheet.contexts
                if c.option_set == response.proposed_option_set
                for p in c.principles
            }
            assert set(cells) == alone | in_context
            in_context_rated += len(in_context)
            for rating in cells.values():
                assert rating.band and rating.agreement and rating.reasons.strip()
                assert len(rating.reasons.split()) < 40  # short reasons
                rating.full_clean()
            assert response_missing_items(response=response) == []
            # The history the response page shows: who proposed, answered, rated, submitted.
            changes = response_history(response=response)
            assert changes[0].what == "Status" and changes[0].new == "Submitted"
            assert changes[0].who == response.submitted_by
            assert len(changes) >= 2 + 7 + 15 * 3
        # The progress board counts every place as submitted.
        board = selectors.round_progress(round=consultation)
        assert [row.place for row in board] == sorted(places, key=lambda p: (p.name, p.pk))
        assert all(row.has_submitted and row.submitted_by is not None for row in board)
    assert PlaceRating.objects.count() == 6 * 15 + in_context_rated
    assert Answer.objects.count() == 6 * 7
    assert partners.AuditEvent.objects.filter(action="response.submit").count() == 6


def test_permissions_match_the_per_user_sync() -> None:
    generate()
    assert UserObjectPermission.objects.exists()
    sample = [
        *partners.User.objects.filter(memberships__role=partners.Role.ICB_ADMIN)[:3],
        *partners.User.objects.filter(memberships__role=partners.Role.ADVISORY_MEMBER)[:2],
        *partners.User.objects.filter(memberships__role=partners.Role.PLACE_LEAD)[:3],
        *partners.User.objects.filter(memberships__role=partners.Role.PLACE_MEMBER).order_by("pk")[
            :10
        ],
        *partners.User.objects.filter(is_active=False)[:2],
        *partners.User.objects.filter(memberships__ended_at__isnull=False)[:2],
    ]
    assert len(sample) >= 15
    for user in sample:
        assert permissions_sync_for_user(user=user) == (0, 0), user
    # Running the bulk sync again changes nothing.
    assert permissions_sync_all_bulk() == (0, 0)


def responses_snapshot() -> list[tuple[object, ...]]:
    return sorted(
        [
            *PlaceResponse.objects.values_list(
                "place__name", "proposed_option_set", "proposal_case", "submitted_by__email"
            ),
            *Answer.objects.values_list(
                "response__place__name", "question__order", "choice", "text"
            ),
            *PlaceRating.objects.values_list(
                "response__place__name",
                "option__number",
                "option_set",
                "principle__number",
                "band",
                "reasons",
            ),
        ],
        key=repr,
    )


def test_same_seed_same_data() -> None:
    generate()
    first = sorted(partners.Organisation.objects.values_list("name", "sector", "ods_code"))
    first_lines = structure_snapshot()
    first_responses = responses_snapshot()
    first_geography = geography_snapshot()
    for model in (PlaceResponse, DeadlineExtension, ConsultationRound):
        model.objects.all().delete()
    Delegation.objects.all().delete()
    FunctionHolding.objects.all().delete()
    DeliveryArrangement.objects.all().delete()
    partners.Neighbourhood.objects.all().delete()
    SchemeOfDelegation.objects.all().delete()
    DelegateRole.objects.all().delete()
    Committee.objects.filter(accountable_to_committee__isnull=False).delete()
    Committee.objects.all().delete()
    MatterCategory.objects.filter(parent__isnull=False).delete()
    MatterCategory.objects.all().delete()
    for model in (
        UserObjectPermission,
        partners.AuditEvent,
        partners.Invitation,
        partners.Membership,
        partners.PlacePartner,
        partners.OrganisationAlias,
        partners.Organisation,
        partners.Place,
        partners.User,
        partners.System,
    ):
        model.objects.all().delete()
    generate()
    assert sorted(partners.Organisation.objects.values_list("name", "sector", "ods_code")) == first
    assert structure_snapshot() == first_lines
    assert responses_snapshot() == first_responses
    assert geography_snapshot() == first_geography


def geography_snapshot() -> list[tuple[object, ...]]:
    return sorted(
        partners.Neighbourhood.objects.values_list(
            "place__name", "name", "population", "lead_kind", "lead_organisation__name"
        )
    ) + sorted(
        DeliveryArrangement.objects.values_list(
            "place__name", "archetype__number", "budget_form", "lead_care_provider__name"
        )
    )


def test_every_place_has_neighbourhoods_and_a_delivery_arrangement_with_every_function_held() -> (
    None
):
    generate()
    assert DeliveryArrangement.objects.exists()
    for system in partners.System.objects.all():
        assert system.population == sum(p.population for p in system.places.all())
    for place in partners.Place.objects.all():
        neighbourhoods = list(place.neighbourhoods.all())
        assert 5 <= len(neighbourhoods) <= 8
        assert all(n.population and n.population > 0 for n in neighbourhoods)
        if not place.system.organisations.filter(sector=partners.Sector.ICB).exists():
            # A data set this small may leave a system without its ICB: nobody to commission.
            assert not DeliveryArrangement.objects.filter(place=place).exists()
            continue
        arrangement = DeliveryArrangement.objects.get(place=place)
        assert arrangement.archetype.framework.slug == "operating-model-2025"
        held = set(place.function_holdings.values_list("function", flat=True))
        assert held == set(DeliveryFunction.values)
        # The design check reads them: commissioning stays with the ICB everywhere.
        items = {(item.code, item.subject): item for item in design_check(place=place)}
        commissioning = items[("function_holder", "Strategic commissioning")]
        assert commissioning.status == PASS


def test_refuses_a_database_that_has_data() -> None:
    generate()
    with pytest.raises(CommandError, match="fresh one"):
        generate()
