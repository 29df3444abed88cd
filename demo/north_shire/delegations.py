"""The schemes of delegation in force for North Shire's ICB, its councils and its main
trusts, over the default matter tree, each line one the framework lets its delegate hold.

The ICB delegates to its committees in Brackenfield and Coldharbour, to the individual
directors of Ashworth and Dunmore Coast (with limits: above them the ICB's finance and
performance committee decides, a role that serves the whole system), its section 75 pooled
budget in Brackenfield to the joint committee, and reserves the largest decisions to its board.
A partnership board holds no delegated authority, so the councils of the places that have one
delegate to their own director of adult social care, who sits on the board; Brackenfield's
council, the hospital trust and the community trust delegate to the joint committee they
form; the lead provider delegates to its board for Elmsworth, and small service changes in
one of Elmsworth's neighbourhoods, Elm Park, to its neighbourhood manager there. The lines make a £2.5m contract
award in Coldharbour worth asking about: the ICB's finance and performance committee and the
Royal's chief executive may decide it; the county council and the community trust must take
it to their own boards."""

from __future__ import annotations

from datetime import date

from delegations.matters import matter_tree_ensure
from delegations.models import DelegateRole
from demo.build.delegations import Line, role_add, scheme_in_force
from demo.north_shire.structures import Scene
from governance.structures.models import Committee
from partners.models import Neighbourhood, Organisation


def _initials(organisation: Organisation) -> str:
    """What a line's reference starts with: the capitals of the organisation's name."""
    return "".join(w[0] for w in organisation.name.split() if w[0].isupper())[:6]


def build_schemes(s: Scene) -> None:
    actor = s.actor
    matter_tree_ensure(system=s.icb.system, actor=actor)
    directors = {
        name: role_add(
            actor=actor,
            organisation=s.icb,
            title=f"Director of Place, {name}",
            place=s.places[name],
            is_individual_director=True,
        )
        for name in ("Ashworth", "Dunmore Coast")
    }

    def role(organisation: Organisation, title: str) -> DelegateRole:
        return role_add(actor=actor, organisation=organisation, title=title)

    finance_committee = role(s.icb, "Finance and Performance Committee")
    chief_executives = {o.pk: role(o, "Chief Executive") for o in (s.abh, s.rch, s.nspft, s.dehc)}
    nsch_finance = role(s.nsch, "Director of Finance")

    def scheme(organisation: Organisation, approved_by: str, lines: list[Line]) -> None:
        scheme_in_force(
            actor=actor,
            organisation=organisation,
            effective_from=date(2025, 4, 1),
            approved_by=approved_by,
            notes="Annual review of the scheme of reservation and delegation.",
            lines=lines,
            reference_prefix=_initials(organisation),
        )

    within_budget = "Within the place's delegated budget; reported to the next ICB board."
    icb_lines: list[Line] = []
    for name in ("Brackenfield", "Coldharbour"):
        icb_lines += [
            Line("contract-award", s.bodies[name], "0", "1000000", s.places[name], within_budget),
            Line("contract-variation", s.bodies[name], "0", "500000", s.places[name], ""),
            Line("investment-revenue", s.bodies[name], "0", "250000", s.places[name], ""),
            Line("service-change-minor", s.bodies[name], "0", None, s.places[name], ""),
        ]
    for name, director in directors.items():
        place = s.places[name]
        icb_lines += [
            Line("contract-award", director, "0", "500000", place, within_budget),
            Line("contract-variation", director, "0", "250000", place, ""),
            Line(
                "service-change-minor",
                director,
                "0",
                "250000",
                place,
                f"After hearing the {name} Place Partnership Board.",
            ),
        ]
    icb_lines += [
        Line(
            "contract-award",
            finance_committee,
            "1000000",
            "5000000",
            None,
            "Below £1m the place's own body decides where the scheme names one.",
        ),
        Line("investment-revenue", finance_committee, "250000", "2000000", None, ""),
        Line("contract-award", None, "5000000", None, None, "Reserved to the ICB board."),
        Line("investment-revenue", None, "2000000", None, None, ""),
        Line("investment-capital", None, "0", None, None, ""),
        Line("strategy", None, "0", None, None, "The ICB's joint forward plan."),
        Line("service-change-major", None, "0", None, None, ""),
        Line("section-75", s.joint, "0", "500000", s.places["Brackenfield"], ""),
    ]
    scheme(s.icb, "NHS North Shire ICB board", icb_lines)

    for name, council in s.councils.items():
        if name == "Brackenfield":
            delegate: Committee | DelegateRole | None = s.joint
        else:
            delegate = role_add(
                actor=actor,
                organisation=council,
                title="Director of Adult Social Care",
                place=s.places[name],
            )
        scheme(
            council,
            f"{council.name} (full council)",
            [
                Line(
                    "contract-award",
                    delegate,
                    "0",
                    "500000",
                    s.places[name],
                    "Where the council's share of the cost is within the approved budget.",
                ),
                Line("section-75", delegate, "0", "500000", s.places[name], ""),
                Line(
                    "contract-award",
                    None,
                    "500000",
                    None,
                    None,
                    "Above £500,000 the council's cabinet decides.",
                ),
                Line("strategy", None, "0", None, None, "The joint health and wellbeing strategy."),
            ],
        )

    trust_lines: dict[Organisation, list[Line]] = {
        s.abh: [
            Line(
                "contract-award",
                s.joint,
                "0",
                "1000000",
                s.places["Brackenfield"],
                "",
            ),
            Line("contract-variation", chief_executives[s.abh.pk], "0", "1000000", None, ""),
            Line("contract-award", None, "1000000", None, None, ""),
        ],
        s.rch: [
            Line(
                "contract-award",
                chief_executives[s.rch.pk],
                "0",
                "3000000",
                None,
                "With the Director of Finance.",
            ),
            Line("contract-award", None, "3000000", None, None, ""),
            Line("investment-capital", None, "0", None, None, ""),
        ],
        s.nsch: [
            Line("contract-variation", s.joint, "0", "500000", s.places["Brackenfield"], ""),
            Line("contract-award", nsch_finance, "0", "1000000", None, ""),
            Line("contract-award", None, "1000000", None, None, "The trust board decides."),
        ],
        s.nspft: [
            Line("contract-award", chief_executives[s.nspft.pk], "0", "2000000", None, ""),
            Line("contract-award", None, "2000000", None, None, ""),
        ],
        s.dehc: [
            Line(
                "contract-award",
                s.bodies["Elmsworth"],
                "0",
                "5000000",
                s.places["Elmsworth"],
                "Within the lead provider contract for Elmsworth.",
            ),
            Line("contract-variation", chief_executives[s.dehc.pk], "0", "1000000", None, ""),
            Line("contract-award", None, "5000000", None, None, ""),
            # The lead care provider's neighbourhood manager decides small changes to care in
            # Elm Park alone.
            Line(
                "service-change-minor",
                role_add(
                    actor=actor,
                    organisation=s.dehc,
                    title="Neighbourhood Manager, Elm Park",
                    place=s.places["Elmsworth"],
                ),
                "0",
                None,
                s.places["Elmsworth"],
                "Agreed with the neighbourhood's primary care network first.",
                neighbourhood=Neighbourhood.objects.get(
                    place=s.places["Elmsworth"], name="Elm Park"
                ),
            ),
        ],
    }
    for trust, lines in trust_lines.items():
        scheme(trust, f"{trust.name} board", lines)
