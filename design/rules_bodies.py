"""The rules every body of a place meets whatever its option: a chair guidance would have
independent, voting members enough for the quorum, no single partner able to block a
decision, approved terms of reference reviewed on time, and a line of accountability for
every delegated matter."""

from __future__ import annotations

from design import check_items as check
from governance.structures.models import Committee, CommitteeKind, DecisionRule, MemberPosition
from governance.structures.selectors import review_overdue
from partners.models import Sector

# Section 6.3 of the 2021 paper, on both committee options.
VETO_SOURCE = (
    "Section 6.3: shared decisions rest on terms of reference that give partners an equal "
    "voice and do not let one partner veto a decision."
)
CHAIR_SOURCE = "Section 6.3: good governance suggests a non-executive chair."


def independent_chair(design: check.Design) -> list[check.CheckItem]:
    items = []
    for committee in design.active:
        if committee.kind not in (CommitteeKind.ICB_COMMITTEE, CommitteeKind.JOINT_COMMITTEE):
            continue
        chair = next(
            (m for m in design.members(committee) if m.position == MemberPosition.CHAIR), None
        )
        title = f"{committee.name}: independent chair"
        if chair is not None and chair.independent:
            items.append(
                check.CheckItem(
                    "independent_chair",
                    title,
                    check.PASS,
                    f"Chaired by {chair.role_title}, an independent or non-executive member.",
                    subject=committee.name,
                    source=CHAIR_SOURCE,
                )
            )
        else:
            detail = (
                "It has no chair yet; guidance advises an independent or non-executive chair."
                if chair is None
                else f"The chair ({chair.role_title}) is not independent; guidance advises an "
                "independent or non-executive chair."
            )
            items.append(
                check.CheckItem(
                    "independent_chair",
                    title,
                    check.WARNING,
                    detail + " Make the chair's seat an independent one.",
                    check.committee_fix(design.place, committee, "committee-members"),
                    committee.name,
                    CHAIR_SOURCE,
                )
            )
    return items


def committee_rules(design: check.Design) -> list[check.CheckItem]:
    items = []
    sector_names = dict(Sector.choices)
    for committee in design.committees:
        voters = [m for m in design.members(committee) if m.voting]
        fix = check.Fix("committees:member_add", (design.place.pk, committee.pk))
        name = committee.name
        if not voters:
            items.append(
                check.CheckItem(
                    "voting_members",
                    f"{name}: voting members",
                    check.FAIL,
                    f"{name} has no voting members. Add its members' seats.",
                    fix,
                    name,
                )
            )
        else:
            items.append(
                check.CheckItem(
                    "voting_members",
                    f"{name}: voting members",
                    check.PASS,
                    f"{name} has {len(voters)} voting member{'s' if len(voters) != 1 else ''}.",
                    subject=name,
                )
            )
        problems = []
        if committee.quorum_minimum > len(voters):
            problems.append(
                f"the quorum needs {committee.quorum_minimum} voting members but there "
                f"{'is' if len(voters) == 1 else 'are'} {len(voters)}"
            )
        voting_sectors = {m.organisation.sector for m in voters}
        absent = [s for s in committee.quorum_sectors or [] if s not in voting_sectors]
        if absent:
            problems.append(
                "no voting member comes from "
                + check.names(sector_names.get(s, s).lower() for s in absent)
                + ", which the quorum requires"
            )
        items.append(
            check.CheckItem(
                "quorum",
                f"{name}: the quorum can be met",
                check.FAIL if problems else check.PASS,
                (check.sentence("; ".join(problems)) + ". Add voting seats or lower the quorum.")
                if problems
                else f"A quorum of {committee.quorum_minimum} can be met by its voting members.",
                check.committee_edit_fix(design.place, committee) if problems else None,
                name,
            )
        )
        partners = sorted({m.organisation.name for m in voters})
        if committee.single_partner_veto:
            veto = (
                check.FAIL,
                f"Any single partner can veto decisions of {name}: "
                f"{check.names(partners) or 'any organisation that joins it'}. Remove the veto from "
                "how it decides.",
            )
        elif committee.decision_rule == DecisionRule.UNANIMOUS:
            veto = (
                check.WARNING,
                f"{name} decides unanimously, so any one of {check.names(partners)} can block a "
                "decision. Consider a majority rule.",
            )
        else:
            veto = (check.PASS, f"No single partner can block decisions of {name}.")
        items.append(
            check.CheckItem(
                "veto",
                f"{name}: no single partner veto",
                veto[0],
                veto[1],
                check.committee_edit_fix(design.place, committee)
                if veto[0] != check.PASS
                else None,
                name,
                VETO_SOURCE,
            )
        )
        if committee.is_active:
            items += _review(design, committee)
            approved = bool(getattr(committee, "has_approved_tor", False))
            items.append(
                check.CheckItem(
                    "terms_of_reference",
                    f"{name}: approved terms of reference",
                    check.PASS if approved else check.FAIL,
                    f"{name} has approved terms of reference."
                    if approved
                    else f"{name} is active but has no approved terms of reference. Take a "
                    "version for approval.",
                    None
                    if approved
                    else check.committee_fix(design.place, committee, "committee-terms"),
                    name,
                )
            )
    return items


def _review(design: check.Design, committee: Committee) -> list[check.CheckItem]:
    """An approved version whose review date has passed is due for review."""
    tor = next(iter(getattr(committee, "approved_tors", [])), None)
    if tor is None or not review_overdue(tor, today=design.today):
        return []
    due = tor.review_date
    return [
        check.CheckItem(
            "tor_review",
            f"{committee.name}: terms of reference reviewed on time",
            check.WARNING,
            f"The approved terms of reference of {committee.name} were due for review on "
            f"{due:%-d %B %Y}. Start a new version and take it for approval.",
            check.Fix("committees:tor_new", (design.place.pk, committee.pk)),
            committee.name,
        )
    ]


def delegation_routes(design: check.Design) -> list[check.CheckItem]:
    title = "Every delegated matter has a route"
    if not design.lines:
        held_by_director = any(design.director_lines(d) for d in design.directors)
        if held_by_director:
            return [
                check.CheckItem(
                    "delegation_routes",
                    title,
                    check.PASS,
                    "The ICB's delegations for the place go to its individual director; its "
                    "bodies hold none, as their options allow.",
                )
            ]
        return [
            check.CheckItem(
                "delegation_routes",
                title,
                check.WARNING,
                "No scheme of delegation in force delegates anything to the place's bodies "
                "yet. Record the lines of the partners' schemes that delegate to them.",
                check.Fix("delegations_place:delegations", (design.place.pk,)),
            )
        ]
    problems: dict[str, str] = {}
    for line, committee in design.body_lines():
        label = f"{line.matter.name} ({line.scheme.organisation.name})"
        if not committee.is_active:
            problems.setdefault(
                label, f"{label} is delegated to {committee.name}, which is not active"
            )
        elif (
            not committee.accountable_to_committee_id
            and not committee.accountable_to_organisation_id
            and not design.parties(committee)
        ):
            problems.setdefault(
                label, f"{label} is delegated to {committee.name}, which answers to no one"
            )
    if problems:
        return [
            check.CheckItem(
                "delegation_routes",
                title,
                check.FAIL,
                check.sentence("; ".join(problems.values())) + ".",
                check.Fix("delegations_place:delegations", (design.place.pk,)),
            )
        ]
    return [
        check.CheckItem(
            "delegation_routes",
            title,
            check.PASS,
            f"All {len(design.lines)} delegation lines in force go to active bodies with a line "
            "of accountability.",
        )
    ]
