"""North Shire's bodies and their terms of reference, each place's the arrangement it proposed
and the 2021 framework allows, but one:

- Ashworth and Dunmore Coast (1+4): a partnership board (an independent chair; seats for its
  partners, including the council's director of public health, the ICB and Healthwatch) and
  an individual director of the ICB, a delegate role (see `delegations`);
- Brackenfield (2+3): a committee of the ICB and a joint committee of the ICB, the council and
  two trusts;
- Elmsworth (5): the lead provider's board, Dunmore and Elmsworth Health and Care's;
- Coldharbour fails the design check on purpose, so that a new user sees what a failure
  looks like: it proposed 2+3 but records a partnership board beside a committee of the ICB
  (1+2, which the framework does not allow), and its primary care sub-committee has no
  approved terms of reference yet."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from demo.build.structures import seat, tor_approved, tor_drafted
from demo.north_shire.partners import PLACES
from demo.north_shire.sign_ins import demo_user
from governance.structures import committees
from governance.structures.models import (
    Committee,
    CommitteeKind,
    DecisionRule,
    Frequency,
    MemberPosition,
)
from partners.models import Organisation, Place, Sector, System, User

ICB_BOARD = "NHS North Shire ICB board"


def next_review() -> date:
    """The end of March after next: the demo's terms stay in date whenever it is loaded."""
    return date(date.today().year + 1, 3, 31)


@dataclass
class Scene:
    """Who builds the bodies, the places, and the organisations the bodies seat."""

    actor: User
    places: dict[str, Place]
    icb: Organisation
    abh: Organisation  # Ashworth and Brackenfield Hospitals
    rch: Organisation  # the Royal Coldharbour Hospital
    nsch: Organisation  # the community health trust
    nspft: Organisation  # the partnership (mental health) trust
    dehc: Organisation  # Dunmore and Elmsworth Health and Care
    councils: dict[str, Organisation]
    local: dict[str, dict[str, Organisation]]  # each place's partners by sector
    boards: dict[str, Committee] = field(default_factory=dict)  # partnership boards
    bodies: dict[str, Committee] = field(
        default_factory=dict
    )  # committees of the ICB, the LP board
    joint: Committee | None = None  # Brackenfield's joint committee

    def acute(self, place_name: str) -> Organisation:
        return self.abh if place_name in {"Ashworth", "Brackenfield"} else self.rch

    def seat(
        self, committee: Committee, organisation: Organisation, title: str, **fields: Any
    ) -> None:
        seat(
            actor=self.actor, committee=committee, organisation=organisation, title=title, **fields
        )

    def approve(
        self, committee: Committee, sections: dict[str, str], approved_by: str, on: date
    ) -> None:
        tor_approved(
            actor=self.actor,
            committee=committee,
            sections=sections,
            approved_by=approved_by,
            approved_on=on,
            review_date=next_review(),
        )

    def draft(
        self, committee: Committee, sections: dict[str, str], *, submit: bool = False
    ) -> None:
        tor_drafted(actor=self.actor, committee=committee, sections=sections, submit=submit)

    def body(self, place_name: str, name: str, kind: str, **fields: Any) -> Committee:
        return committees.committee_create(
            actor=self.actor, place=self.places[place_name], name=name, kind=kind, **fields
        )


def scene(system: System, places: dict[str, Place]) -> Scene:
    organisations = {o.name: o for o in Organisation.objects.filter(system=system)}
    return Scene(
        actor=demo_user("icb.admin"),
        places=places,
        icb=organisations["NHS North Shire Integrated Care Board"],
        abh=organisations["Ashworth and Brackenfield Hospitals NHS Trust"],
        rch=organisations["Royal Coldharbour Hospital NHS Foundation Trust"],
        nsch=organisations["North Shire Community Health NHS Trust"],
        nspft=organisations["North Shire Partnership NHS Foundation Trust"],
        dehc=organisations["Dunmore and Elmsworth Health and Care NHS Trust"],
        councils={name: organisations[council] for name, _pop, council, _abbr in PLACES},
        local={
            name: {
                o.sector: o for o in Organisation.objects.filter(place_partnerships__place=place)
            }
            for name, place in places.items()
        },
    )


def sections(committee: Committee, place: str, answers_to: str, authority: str) -> dict[str, str]:
    """The ten sections of a North Shire body's terms of reference."""
    return {
        "purpose": f"To bring the partners of {place} together to agree the place's "
        "priorities for health and care, oversee the delivery of the place plan and "
        "make the decisions the partners have delegated to it.",
        "membership": "Seats are held by a director or an equivalent senior officer; each "
        "member may send a named deputy of similar seniority.",
        "chair": "The vice-chair presides when the chair is absent or conflicted.",
        "quorum": "",
        "decision_making": "Where no decision can be reached, the matter goes back to each "
        "partner's own governance.",
        "delegated_authority": authority,
        "conflicts_of_interest": "Members declare interests at the start of each "
        "meeting; the chair decides how a declared interest is managed and the "
        "minutes record it. The register of interests is published.",
        "reporting_to_partners": "The minutes and a summary of decisions go to every "
        "partner's board or cabinet after each meeting.",
        "reporting_to_community": "Papers and minutes are published on the partners' "
        "websites; Healthwatch reports what local people have said at each meeting.",
        "reporting_to_system": f"Reports to {answers_to} and, each quarter, to the "
        "integrated care partnership on delivery of the place plan.",
    }


# When each council's cabinet approved its partnership board's terms.
BOARD_APPROVALS = {
    "Ashworth": ("Ashworth Borough Council cabinet", date(2025, 3, 12)),
    "Coldharbour": ("Coldharbour County Council cabinet", date(2025, 2, 26)),
    "Dunmore Coast": ("Dunmore Coast Council cabinet", date(2025, 3, 5)),
}


PLACES_WITH_BOARDS = ("Ashworth", "Coldharbour", "Dunmore Coast")


def build_partnership_boards(s: Scene) -> None:
    for name in PLACES_WITH_BOARDS:
        council = s.councils[name]
        board = s.body(
            name,
            f"{name} Place Partnership Board",
            CommitteeKind.PARTNERSHIP_BOARD,
            accountable_to_organisation=council,
            frequency=Frequency.BIMONTHLY,
            meets_in_public=True,
            quorum_minimum=4,
            quorum_sectors=[Sector.ICB, Sector.UPPER_TIER_COUNCIL],
        )
        s.boards[name] = board
        local = s.local[name]
        s.seat(board, s.icb, "Independent Chair", position=MemberPosition.CHAIR, independent=True)
        s.seat(board, s.icb, "Place Director", position=MemberPosition.VICE_CHAIR)
        s.seat(board, council, "Director of Public Health")
        s.seat(board, council, "Director of Adult Social Care")
        s.seat(board, s.acute(name), "Chief Operating Officer")
        s.seat(board, s.nspft, "Director of Strategy and Partnerships")
        s.seat(board, local[Sector.GP_FEDERATION], "Clinical Director")
        s.seat(board, local[Sector.VCFSE], "Chief Executive", deputy_allowed=False)
        s.seat(board, local[Sector.HEALTHWATCH], "Healthwatch Representative", voting=False)
    for name, board in s.boards.items():
        text = sections(
            board,
            name,
            f"{s.councils[name].name} (through its health and wellbeing board)",
            "The board holds no delegated authority of its own: each member decides within "
            "their own organisation's scheme of delegation, and anything beyond it goes back "
            "to that organisation.",
        )
        if name in BOARD_APPROVALS:
            s.approve(board, text, *BOARD_APPROVALS[name])
        else:
            s.draft(board, text)


def build_icb_committees(s: Scene) -> None:
    """Brackenfield's and Coldharbour's committees of the ICB; Brackenfield's terms are on their
    second version (the first superseded); Coldharbour's has a primary care sub-committee
    whose terms are still a draft."""
    for name in ("Brackenfield", "Coldharbour"):
        committee = s.body(
            name,
            f"{name} Place Committee of the ICB",
            CommitteeKind.ICB_COMMITTEE,
            accountable_to_organisation=s.icb,
            quorum_minimum=4,
            quorum_sectors=[Sector.ICB],
            decision_rule=DecisionRule.MAJORITY,
        )
        s.bodies[name] = committee
        s.seat(
            committee,
            s.icb,
            "Non-executive Member of the ICB Board",
            position=MemberPosition.CHAIR,
            independent=True,
        )
        s.seat(committee, s.icb, "Place Director", position=MemberPosition.VICE_CHAIR)
        s.seat(committee, s.icb, "Associate Director of Finance")
        s.seat(committee, s.councils[name], "Director of Public Health")
        s.seat(committee, s.acute(name), "Director of Operations", voting=False)
        s.seat(committee, s.nsch, "Director of Community Services", voting=False)
    icb_text = sections(
        s.bodies["Brackenfield"],
        "Brackenfield",
        "the ICB board",
        "Awards and varies contracts for the place up to £1,000,000 and approves revenue "
        "business cases up to £250,000, as the ICB's scheme of delegation sets out. Larger "
        "decisions go to the ICB's finance and performance committee or the ICB board.",
    )
    s.approve(s.bodies["Brackenfield"], icb_text, ICB_BOARD, date(2024, 6, 4))
    tor_approved(
        actor=s.actor,
        committee=s.bodies["Brackenfield"],
        sections={
            "quorum": "The Associate Director of Finance, or their deputy, must be present for "
            "any decision with a financial value."
        },
        approved_by=ICB_BOARD,
        approved_on=date(2025, 4, 1),
        # Overdue on purpose: the design check warns, and the committee page says so.
        review_date=date.today() - timedelta(days=40),
    )
    s.approve(
        s.bodies["Coldharbour"],
        sections(
            s.bodies["Coldharbour"],
            "Coldharbour",
            "the ICB board",
            icb_text["delegated_authority"],
        ),
        ICB_BOARD,
        date(2025, 4, 1),
    )
    primary_care = s.body(
        "Coldharbour",
        "Coldharbour Primary Care Sub-committee",
        CommitteeKind.SUB_COMMITTEE,
        accountable_to_committee=s.bodies["Coldharbour"],
        frequency=Frequency.QUARTERLY,
        quorum_minimum=3,
    )
    s.seat(primary_care, s.icb, "Head of Primary Care", position=MemberPosition.CHAIR)
    s.seat(primary_care, s.councils["Coldharbour"], "Consultant in Public Health")
    s.seat(primary_care, s.local["Coldharbour"][Sector.GP_FEDERATION], "Clinical Director")
    s.draft(
        primary_care,
        sections(
            primary_care,
            "Coldharbour",
            "the Coldharbour Place Committee of the ICB",
            "None yet: the sub-committee advises the place committee.",
        ),
    )


def build_joint_committee(s: Scene) -> None:
    """Brackenfield's joint committee of the ICB, the council and two trusts, which each
    delegate to it; its terms are up for approval."""
    council = s.councils["Brackenfield"]
    joint = s.body(
        "Brackenfield",
        "Brackenfield Joint Committee",
        CommitteeKind.JOINT_COMMITTEE,
        parties=[s.icb, council, s.abh, s.nsch],
        quorum_minimum=4,
        quorum_sectors=[Sector.ICB, Sector.UPPER_TIER_COUNCIL, Sector.ACUTE_TRUST],
        decision_rule=DecisionRule.TWO_THIRDS,
    )
    s.joint = joint
    s.seat(
        joint,
        s.icb,
        "Independent Chair (non-executive member of the ICB board)",
        position=MemberPosition.CHAIR,
        independent=True,
    )
    s.seat(joint, council, "Leader of the Council", position=MemberPosition.VICE_CHAIR)
    s.seat(joint, council, "Director of Public Health")
    s.seat(joint, s.abh, "Chief Executive")
    s.seat(joint, s.nsch, "Director of Finance")
    s.seat(joint, s.nspft, "Chief Operating Officer", voting=False)
    text = sections(
        joint,
        "Brackenfield",
        "the boards of the ICB, the council and the two trusts",
        "Within the limits each party's scheme of delegation sets: the ICB's section 75 "
        "pooled budget up to £500,000, contract awards up to £1,000,000 for Ashworth and "
        "Brackenfield Hospitals and up to £500,000 for the council, and contract "
        "variations up to £500,000 for the community trust.",
    )
    s.approve(
        joint, text, "The boards of the ICB, the council and the two trusts", date(2025, 6, 2)
    )
    # A second version, up for approval: the parties' boards are asked to meet in public.
    s.draft(
        joint,
        {"reporting_to_community": text["reporting_to_community"] + " It meets in public."},
        submit=True,
    )


def build_lead_provider_board(s: Scene) -> None:
    lead_provider = s.body(
        "Elmsworth",
        "Elmsworth Lead Provider Board",
        CommitteeKind.LEAD_PROVIDER_BOARD,
        accountable_to_organisation=s.dehc,
        quorum_minimum=3,
        quorum_sectors=[Sector.COMBINED_TRUST],
        decision_rule=DecisionRule.MAJORITY,
    )
    s.bodies["Elmsworth"] = lead_provider
    s.seat(
        lead_provider, s.dehc, "Chair of the Trust", position=MemberPosition.CHAIR, independent=True
    )
    s.seat(
        lead_provider, s.dehc, "Managing Director, Elmsworth", position=MemberPosition.VICE_CHAIR
    )
    s.seat(lead_provider, s.rch, "Director of Strategy")
    s.seat(lead_provider, s.nspft, "Director of Operations")
    s.seat(lead_provider, s.councils["Elmsworth"], "Director of Public Health", voting=False)
    s.approve(
        lead_provider,
        sections(
            lead_provider,
            "Elmsworth",
            "the board of Dunmore and Elmsworth Health and Care NHS Trust",
            "Awards contracts for the place's services up to £5,000,000 under the "
            "lead provider's scheme of delegation.",
        ),
        "Dunmore and Elmsworth Health and Care NHS Trust board",
        date(2025, 5, 14),
    )


def build_bodies(system: System, places: dict[str, Place]) -> Scene:
    s = scene(system, places)
    build_partnership_boards(s)
    build_icb_committees(s)
    build_joint_committee(s)
    build_lead_provider_board(s)
    return s
