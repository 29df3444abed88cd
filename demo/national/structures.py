"""The national data set's bodies, each place an arrangement the 2021 framework allows: a
partnership board with an individual director of the ICB (1+4), a committee of the ICB with a
director (2+4) or with a joint committee (2+3), a joint committee alone (3) or a lead
provider's board (5); a decision-making body sometimes has a sub-committee. Each has its seats
and an approved version of its terms of reference. A joint committee is formed by the ICB, the
council and the place's acute or combined trusts, and only they vote on it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from delegations.models import DelegateRole
from demo.build.rows import bulk_insert
from demo.build.structures import seat_row
from demo.national.world import World
from governance.structures.models import (
    Committee,
    CommitteeKind,
    CommitteeMember,
    DecisionRule,
    Frequency,
    MemberPosition,
    TermsOfReference,
    TorStatus,
)
from governance.structures.tor_sections import kept_sections
from partners.models import Organisation, Place, Sector

TRUST_SECTORS = frozenset(
    {
        Sector.ACUTE_TRUST,
        Sector.COMMUNITY_TRUST,
        Sector.MENTAL_HEALTH_TRUST,
        Sector.COMBINED_TRUST,
        Sector.AMBULANCE_TRUST,
    }
)
TOR_TEXT = {
    "purpose": "To bring the partners of {place} together to agree the place's priorities, "
    "oversee delivery of the place plan and take the decisions delegated to it.",
    "membership": "Each member may send a named deputy.",
    "chair": "The vice-chair presides when the chair is absent or conflicted.",
    "quorum": "",
    "decision_making": "Where no decision can be reached, the matter returns to each partner's "
    "own governance.",
    "delegated_authority": "As the partners' schemes of delegation set out.",
    "conflicts_of_interest": "Interests are declared at each meeting and recorded.",
    "reporting_to_partners": "Minutes go to every partner's board after each meeting.",
    "reporting_to_community": "Papers and minutes are published.",
    "reporting_to_system": "Reports to {answers_to} and each quarter to the integrated care "
    "partnership.",
}


def _arrangement(
    place: Place,
    icb: Organisation,
    council: Organisation | None,
    providers: list[Organisation],
    roll: float,
    choose: Any,
) -> tuple[list[Committee], list[Organisation], bool]:
    """A place's bodies for one allowed arrangement, a joint committee's parties, and whether
    an individual director of the ICB completes it."""
    board = Committee(
        place=place,
        name=f"{place.name} Place Partnership Board",
        kind=CommitteeKind.PARTNERSHIP_BOARD,
        accountable_to_organisation=council or icb,
        frequency=Frequency.BIMONTHLY,
        meets_in_public=True,
        quorum_minimum=4,
        quorum_sectors=[Sector.ICB, Sector.UPPER_TIER_COUNCIL],
    )
    icb_committee = Committee(
        place=place,
        name=f"{place.name} Place Committee of the ICB",
        kind=CommitteeKind.ICB_COMMITTEE,
        accountable_to_organisation=icb,
        decision_rule=DecisionRule.MAJORITY,
        quorum_minimum=4,
        quorum_sectors=[Sector.ICB],
    )
    joint = Committee(
        place=place,
        name=f"{place.name} Joint Committee",
        kind=CommitteeKind.JOINT_COMMITTEE,
        decision_rule=DecisionRule.TWO_THIRDS,
        quorum_minimum=3,
        quorum_sectors=[Sector.ICB],
    )
    parties = [icb, *([council] if council else []), *providers]
    if roll < 0.2 or (not providers and roll < 0.5):
        return [board], [], True
    if roll < 0.45 or not providers:
        return [icb_committee], [], True
    if roll < 0.7:
        return [icb_committee, joint], parties, False
    if roll < 0.85:
        return [joint], parties, False
    lead_provider = Committee(
        place=place,
        name=f"{place.name} Lead Provider Board",
        kind=CommitteeKind.LEAD_PROVIDER_BOARD,
        accountable_to_organisation=choose(providers),
        decision_rule=DecisionRule.MAJORITY,
        quorum_minimum=3,
    )
    return [lead_provider], [], False


def generate_committees(world: World) -> None:
    """Every place's bodies, and the individual directors that stand in for a second body."""
    rng = world.rng
    committees: list[Committee] = []
    directors: list[DelegateRole] = []
    parties_of: dict[int, list[Organisation]] = {}  # by id() of the unsaved committee
    for place in world.places:
        partners = world.partners_by_place.get(place.pk, [])
        by_sector: dict[str, list[Organisation]] = {}
        for organisation in partners:
            by_sector.setdefault(organisation.sector, []).append(organisation)
        icb = world.icb_by_system.get(place.system_id)
        councils = by_sector.get(Sector.UPPER_TIER_COUNCIL, [])
        council = councils[0] if councils else None
        providers = by_sector.get(Sector.ACUTE_TRUST, []) + by_sector.get(Sector.COMBINED_TRUST, [])
        if icb is None:
            continue
        bodies, parties, has_director = _arrangement(
            place, icb, council, providers, rng.random(), rng.choice
        )
        for body in bodies:
            committees.append(body)
            if body.kind == CommitteeKind.JOINT_COMMITTEE:
                parties_of[id(body)] = parties
        if has_director:
            directors.append(
                DelegateRole(
                    organisation=icb,
                    title=f"Director of Place, {place.name}",
                    place=place,
                    is_individual_director=True,
                )
            )
    saved_parties = [parties_of.get(id(c), []) for c in committees]
    committees = bulk_insert(Committee, committees)
    through = Committee.parties.through
    bulk_insert(
        through,
        (
            through(committee_id=committee.pk, organisation_id=organisation.pk)
            for committee, parties in zip(committees, saved_parties, strict=True)
            for organisation in parties
        ),
    )
    world.parties = {
        committee.pk: {o.pk for o in parties}
        for committee, parties in zip(committees, saved_parties, strict=True)
        if parties
    }
    # Sub-committees, for about one place in three with a decision-making body; a place with
    # two such bodies never has two sub-committees of the same name.
    subs = []
    named: set[tuple[int, str]] = set()
    for committee in committees:
        if committee.kind != CommitteeKind.PARTNERSHIP_BOARD and rng.random() < 0.35:
            topic = rng.choice(["Primary Care", "Finance and Investment", "Quality"])
            name = f"{committee.place.name} {topic} Sub-committee"
            if (committee.place_id, name) in named:
                continue
            named.add((committee.place_id, name))
            subs.append(
                Committee(
                    place=committee.place,
                    name=name,
                    kind=CommitteeKind.SUB_COMMITTEE,
                    accountable_to_committee=committee,
                    frequency=Frequency.QUARTERLY,
                )
            )
    committees += bulk_insert(Committee, subs)
    world.counts["committees"] = len(committees)

    world.committees = committees
    world.directors = directors


def generate_seats_and_terms(world: World) -> None:
    rng = world.rng
    committees = world.committees
    members: list[CommitteeMember | None] = []
    terms = []
    for committee in committees:
        first_seat = len(members)
        place = committee.place
        local: dict[str, Organisation] = {}
        for organisation in world.partners_by_place.get(place.pk, []):
            local.setdefault(organisation.sector, organisation)
        icb = world.icb_by_system.get(place.system_id)
        council_seat = local.get(Sector.UPPER_TIER_COUNCIL)
        trusts = [o for o in world.partners_by_place.get(place.pk, []) if o.sector in TRUST_SECTORS]
        chair_org = (
            committee.accountable_to_organisation
            if committee.kind == CommitteeKind.LEAD_PROVIDER_BOARD
            else icb
        )
        members += [
            seat_row(
                committee, chair_org, "Independent Chair", MemberPosition.CHAIR, independent=True
            ),
            seat_row(committee, icb, "Place Director", MemberPosition.VICE_CHAIR),
            seat_row(committee, council_seat, "Director of Public Health"),
        ]
        if committee.kind != CommitteeKind.SUB_COMMITTEE:
            members += [
                seat_row(committee, council_seat, "Director of Adult Social Care"),
                *(
                    seat_row(
                        committee,
                        trust,
                        rng.choice(["Chief Operating Officer", "Director of Strategy"]),
                        voting=committee.kind != CommitteeKind.JOINT_COMMITTEE
                        or trust.pk in world.parties.get(committee.pk, set()),
                    )
                    for trust in trusts[:2]
                ),
                seat_row(committee, local.get(Sector.GP_FEDERATION), "Clinical Director"),
                seat_row(
                    committee, local.get(Sector.VCFSE), "Chief Executive", deputy_allowed=False
                ),
                seat_row(
                    committee,
                    local.get(Sector.HEALTHWATCH),
                    "Healthwatch Representative",
                    voting=False,
                ),
            ]
        answers_to = (
            committee.accountable_to_committee.name
            if committee.accountable_to_committee
            else f"the board of {committee.accountable_to_organisation.name}"
            if committee.accountable_to_organisation
            else "the partners"
        )
        approved_on = (world.now - timedelta(days=rng.randint(30, 700))).date()
        terms.append(
            TermsOfReference(
                committee=committee,
                number=1,
                status=TorStatus.APPROVED,
                review_date=date(approved_on.year + 1, approved_on.month, 1),
                approved_by=committee.accountable_to_organisation.name + " board"
                if committee.accountable_to_organisation
                else answers_to,
                approved_on=approved_on,
                # What the approved version said of the body's record, as approving keeps it.
                generated_sections=kept_sections(
                    committee, [m for m in members[first_seat:] if m is not None], on=approved_on
                ),
                **{
                    key: text.format(
                        place=place.name, quorum=committee.quorum_minimum, answers_to=answers_to
                    )
                    for key, text in TOR_TEXT.items()
                },
            )
        )
    seats = bulk_insert(CommitteeMember, [m for m in members if m is not None])
    bulk_insert(TermsOfReference, terms)
    world.counts["committee_members"] = len(seats)
    world.counts["terms_of_reference"] = len(terms)
