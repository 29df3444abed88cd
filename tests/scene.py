"""A realistic scene for checking every page a person reaches: a place with long-named
partners, a committee with seats and terms of reference, schemes of delegation in force, a
closed round whose summary is compiled and released, and an open round the place has started
on; and, for each role, who signs in and the pages they visit. The reflow test looks at each
page in a browser; the query budget test counts each page's queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse

from governance.catalogue.loader import catalogue_load_all
from governance.catalogue.models import OptionFramework
from governance.consultation import feedback, rounds, summary_release
from governance.consultation.models import ConsultationRound, JobState, SummaryPart
from governance.structures.models import (
    Committee,
    CommitteeKind,
    MemberPosition,
    TermsOfReference,
    TorStatus,
)
from partners.models import Place, Sector, User
from tests.conftest import World
from tests.factories import (
    LEAD_CARE_PROVIDER,
    CommitteeFactory,
    CommitteeMemberFactory,
    DelegateRoleFactory,
    DelegationFactory,
    DeliveryArrangementFactory,
    NeighbourhoodFactory,
    OrganisationAliasFactory,
    PlaceFactory,
    SchemeFactory,
    TermsOfReferenceFactory,
    UserFactory,
    archetype,
    contract_matters,
    contracting_form,
    hold,
    make_member,
    make_response,
    make_round,
    partner_in,
    save_proposal,
    submit_responses,
)

FRAMEWORK = "ics-design-framework-2021"  # the real framework, loaded from the catalogue
ARCHETYPES = "operating-model-2025"  # the 2025 delivery archetypes, loaded the same way

ICB = "NHS North Shire Integrated Care Board"
TRUST = "Ashford and District Hospitals NHS Foundation Trust"
COUNCIL = "Ashford Metropolitan Borough Council"
COMMITTEE = "Ashford Health and Care Partnership Committee"
LONG_EMAIL = "alexandra.fotheringham-whittaker@ashfordanddistricthospitals.nhs.uk"
CLOSED_ROUND = "Place governance options 2025: first consultation on the arrangements"
OPEN_ROUND = "Place governance options 2026: second consultation round"
M = Decimal(1_000_000)


@dataclass
class Scene:
    world: World
    committee: Committee
    terms: TermsOfReference
    closed_round: ConsultationRound
    open_round: ConsultationRound
    scheme_pk: int
    neighbourhood_pk: int = 0

    @property
    def slug(self) -> str:
        return self.world.system.slug

    @property
    def place(self) -> Place:
        return self.world.place_a


def build_scene(world: World) -> Scene:
    """A place with long-named partners, a committee with seats and approved terms, schemes
    of delegation in force, a closed round whose summary is compiled and released, and an
    open round the place has started on."""
    catalogue_load_all()
    framework = OptionFramework.objects.get(slug=FRAMEWORK)
    place, system = world.place_a, world.system
    icb = partner_in(place, name=ICB, sector=Sector.ICB)
    trust = partner_in(place, name=TRUST, sector=Sector.ACUTE_TRUST)
    council = partner_in(place, name=COUNCIL, sector=Sector.UPPER_TIER_COUNCIL)
    OrganisationAliasFactory(organisation=trust, system=system, alias="Ashford General")
    make_member(place=place, user=UserFactory(email=LONG_EMAIL, full_name="Alexandra Fotheringham"))

    committee = CommitteeFactory(
        place=place,
        name=COMMITTEE,
        kind=CommitteeKind.ICB_COMMITTEE,
        accountable_to_organisation=icb,
    )
    for organisation, title, position in (
        (icb, "Director of Place (Ashford) and Senior Responsible Officer", MemberPosition.CHAIR),
        (trust, "Chief Executive", MemberPosition.MEMBER),
        (council, "Director of Adult Social Services and Public Health", MemberPosition.MEMBER),
    ):
        CommitteeMemberFactory(
            committee=committee, organisation=organisation, role_title=title, position=position
        )
    terms = TermsOfReferenceFactory(committee=committee, number=1, status=TorStatus.DRAFT)

    _, award = contract_matters(system)
    scheme = SchemeFactory(organisation=icb, number=3)
    DelegationFactory(
        scheme=scheme, matter=award, delegate_committee=committee, limit_to=5 * M, reference="4.2"
    )
    DelegationFactory(
        scheme=SchemeFactory(organisation=council, number=1),
        matter=award,
        delegate_role=DelegateRoleFactory(
            organisation=council, title="Director of Adult Social Services"
        ),
        limit_to=Decimal(500_000),
        reference="C7",
    )

    # Neighbourhoods: one led by a partner, one whose lead is not yet recorded, and a line of
    # the ICB's scheme for one of them only.
    north = NeighbourhoodFactory(
        place=place, name="Ashford North and Kennington", population=48_500, lead_organisation=trust
    )
    NeighbourhoodFactory(place=place, name="Ashford Rural South", population=None, lead_kind="")
    DelegationFactory(
        scheme=scheme,
        matter=award,
        delegate_committee=committee,
        place=place,
        neighbourhood=north,
        limit_from=5 * M,
        limit_to=10 * M,
        reference="4.3",
    )

    places = [place, world.place_b, PlaceFactory(system=system, name="Coldharbour")]
    closed = make_round(
        system=system, framework=framework, invited_places=places, title=CLOSED_ROUND
    )
    submit_responses(
        world=world,
        round=closed,
        places=places,
        case=lambda index, p: (
            f"We want a partnership board with an individual director, as {p.name} has a "
            f"long history of joint working (see https://www.example.nhs.uk/governance/"
            f"place-partnership-board-terms-of-reference-2025-final-version.pdf)."
        ),
    )
    rounds.round_close_now(actor=world.icb_admin, round=closed)
    summary = feedback.summary_request_compile(actor=world.icb_admin, round=closed)
    summary.refresh_from_db()
    assert summary.state == JobState.COMPLETE, summary.error
    for part in SummaryPart:
        summary_release.summary_release(actor=world.icb_admin, summary=summary, part=part)

    # How the place delivers care: the lead care provider archetype, with its terms and a
    # holder for every function.
    arrangement = DeliveryArrangementFactory(
        place=place,
        archetype=archetype(LEAD_CARE_PROVIDER),
        budget_form="capitated",
        section_75_council=council,
        lead_care_provider=trust,
        contracting_form=contracting_form("corporate-joint-venture"),
        contract_years=10,
    )
    for function in ("integrator", "budget_holding", "contract_holding", "gp_contracts"):
        hold(place, function, arrangement.lead_care_provider)
    hold(place, "strategic_commissioning", committee)

    opened = make_round(system=system, framework=framework, title=OPEN_ROUND)
    save_proposal(
        world.lead_a,
        make_response(round=opened, place=place),
        [1, 4],
        "A partnership board with a director holding delegated authority.",
    )
    return Scene(
        world=world,
        committee=committee,
        terms=terms,
        closed_round=closed,
        open_round=opened,
        scheme_pk=scheme.pk,
        neighbourhood_pk=north.pk,
    )


def place_pages(s: Scene) -> list[tuple[str, str]]:
    place = s.place.pk
    return [
        ("home", reverse("home")),
        ("place page", reverse("place_detail", args=[place])),
        ("committees", reverse("committees:list", args=[place])),
        ("a committee", reverse("committees:committee", args=[place, s.committee.pk])),
        ("terms of reference", reverse("committees:tor", args=[place, s.committee.pk, 1])),
        ("governance map", reverse("map:place_map", args=[place])),
        ("delegations", reverse("delegations_place:delegations", args=[place])),
        ("decision router", reverse("design:decide", args=[place])),
        ("design check", reverse("design:check", args=[place])),
        ("how the place delivers care", reverse("delivery:overview", args=[place])),
        ("neighbourhoods", reverse("neighbourhoods:list", args=[place])),
        ("response page", reverse("proposal:response", args=[place, s.open_round.pk])),
    ]


def catalogue_pages(s: Scene) -> list[tuple[str, str]]:
    return [
        ("options", reverse("governance:options")),
        ("an option", reverse("governance:option_detail", args=[1])),
        ("ratings", reverse("governance:ratings")),
        ("options explorer", reverse("governance:explorer") + "?options=1&options=4"),
        ("delivery models", reverse("governance:delivery_models")),
        ("archetypes", reverse("governance:options") + "?framework=" + ARCHETYPES),
        (
            "an archetype",
            reverse("governance:option_detail", args=[2]) + "?framework=" + ARCHETYPES,
        ),
    ]


def lead_pages(s: Scene) -> list[tuple[str, str]]:
    place, committee = s.place.pk, s.committee.pk
    return [
        ("home", reverse("home")),
        ("response page", reverse("proposal:response", args=[place, s.open_round.pk])),
        ("add a committee", reverse("committees:add", args=[place])),
        ("edit a committee", reverse("committees:edit", args=[place, committee])),
        ("edit terms of reference", reverse("committees:tor_edit", args=[place, committee, 1])),
        ("decision router", reverse("design:decide", args=[place])),
        ("how the place delivers care", reverse("delivery:overview", args=[place])),
        ("delivery archetype", reverse("delivery:archetype", args=[place])),
        ("section 75 council and lead", reverse("delivery:partners", args=[place])),
        ("a function's holder", reverse("delivery:holder", args=[place, "integrator"])),
        ("remove a holder", reverse("delivery:holder_remove", args=[place, "integrator"])),
        ("contracting form", reverse("delivery:contracting_form", args=[place])),
        ("lead provider terms", reverse("delivery:terms", args=[place])),
        ("neighbourhoods", reverse("neighbourhoods:list", args=[place])),
        ("add a neighbourhood", reverse("neighbourhoods:add", args=[place])),
        (
            "edit a neighbourhood",
            reverse("neighbourhoods:edit", args=[place, s.neighbourhood_pk]),
        ),
        (
            "make a neighbourhood inactive",
            reverse("neighbourhoods:deactivate", args=[place, s.neighbourhood_pk]),
        ),
    ]


def advisory_pages(s: Scene) -> list[tuple[str, str]]:
    return [
        ("home", reverse("home")),
        ("feedback summaries", reverse("feedback:summaries", args=[s.slug])),
        ("a feedback summary", reverse("feedback:summary", args=[s.slug, s.closed_round.pk])),
        ("ratings", reverse("governance:ratings")),
    ]


def console_pages(s: Scene) -> list[tuple[str, str]]:
    slug, closed = s.slug, s.closed_round.pk
    return [
        ("console dashboard", reverse("console:dashboard", args=[slug])),
        ("console system population", reverse("console:system_edit", args=[slug])),
        ("console places", reverse("console:places", args=[slug])),
        ("console place", reverse("console:place", args=[slug, s.place.pk])),
        ("console organisations", reverse("console:organisations", args=[slug])),
        ("console people", reverse("console:people", args=[slug])),
        ("console rounds", reverse("console:rounds", args=[slug])),
        ("console closed round", reverse("console:round", args=[slug, closed])),
        ("console open round", reverse("console:round", args=[slug, s.open_round.pk])),
        ("console round set-up", reverse("console:round_add", args=[slug])),
        ("console summary", reverse("console:summary", args=[slug, closed])),
        ("console summary review", reverse("console:summary_review", args=[slug, closed])),
        ("console audit log", reverse("console:audit", args=[slug])),
        ("console schemes", reverse("console:schemes", args=[slug])),
        ("console scheme", reverse("console:scheme", args=[slug, s.scheme_pk])),
        ("console matters", reverse("console:matters", args=[slug])),
        ("console delegate roles", reverse("console:delegate_roles", args=[slug])),
    ]


# (role, who signs in, the pages they visit)
ROLES: dict[str, tuple[Callable[[World], User], Callable[[Scene], list[tuple[str, str]]]]] = {
    "place member": (
        lambda w: w.member_a,
        lambda s: place_pages(s) + catalogue_pages(s),
    ),
    "place lead": (lambda w: w.lead_a, lead_pages),
    "advisory member": (lambda w: w.advisory, advisory_pages),
    "ICB admin": (lambda w: w.icb_admin, lambda s: [("home", reverse("home")), *console_pages(s)]),
}
