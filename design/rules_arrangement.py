"""The place's arrangement, read from what it has recorded: each body is an instance of a
framework option (governance.structures.options), an individual director of the ICB holding
delegations is option 4, and the set of them is the place's recorded arrangement. The rules
here judge that set by the framework's combination rules, set it beside the place's proposal,
and hold each body to what its option may do: hold delegated authority and budgets, take
delegations from whom, answer to whom, and (option 4) send what is above the director's limits
to a body of the place."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from delegations.bands import money
from delegations.models import Delegation, MatterCategory
from design.check_items import (
    FAIL,
    PASS,
    WARNING,
    CheckItem,
    Design,
    Fix,
    committee_edit_fix,
    names,
    sentence,
)
from governance.catalogue.models import Accountability, Delegators
from governance.catalogue.rules import (
    option_set_key,
    option_set_numbers,
    option_set_verdict,
)
from governance.structures.models import Committee, CommitteeKind
from governance.structures.options import (
    accountability_problem,
    delegation_refusal,
    option_noun,
    party_problems,
)
from partners.legal_forms import LegalForm

DIRECTOR = 4  # the framework's individual director with delegated authority


@dataclass
class Arrangement:
    """The options the place's records make, and what makes each."""

    made_by: dict[int, list[str]] = field(default_factory=dict)  # option number → names

    @property
    def numbers(self) -> list[int]:
        return sorted(self.made_by)

    @property
    def key(self) -> str:
        return option_set_key(self.numbers) if self.numbers else ""


def director_option(design: Design) -> int | None:
    """The number of the option an individual director is, if the framework has one."""
    for option in design.options.values():
        if "individual_director" in (option.membership_rules or []):
            return option.number
    return None


def recorded_arrangement(design: Design) -> Arrangement:
    arrangement = Arrangement()
    for committee in design.active:
        option = design.option_of.get(committee.pk)
        if option is not None:
            arrangement.made_by.setdefault(option.number, []).append(committee.name)
    number = director_option(design)
    for director in design.directors:
        if number is not None and design.director_lines(director):
            arrangement.made_by.setdefault(number, []).append(director.title)
    return arrangement


def _in_words(design: Design, arrangement: Arrangement, number: int) -> str:
    option = design.options.get(number)
    label = option_noun(option)[2:].lstrip() if option else f"option {number}"
    return f"option {number}, {label} ({names(arrangement.made_by.get(number, []))})"


def recorded_allowed(design: Design) -> list[CheckItem]:
    title = "The recorded arrangement is allowed"
    arrangement = recorded_arrangement(design)
    fix = Fix("committees:list", (design.place.pk,))
    if not arrangement.numbers or design.framework is None:
        return [
            CheckItem(
                "recorded_arrangement",
                title,
                FAIL,
                "The place has no active bodies and no individual director with delegations, "
                "so it has no arrangement yet. Add its bodies.",
                fix,
            )
        ]
    rules = design.framework_rules()
    verdict = option_set_verdict(rules, arrangement.numbers)
    made = "; ".join(_in_words(design, arrangement, n) for n in arrangement.numbers)
    if verdict.allowed:
        return [
            CheckItem(
                "recorded_arrangement",
                title,
                PASS,
                f"What the place has recorded makes the arrangement {arrangement.key}: {made}. "
                f"The {design.framework.name} allows it.",
            )
        ]
    return [
        CheckItem(
            "recorded_arrangement",
            title,
            FAIL,
            f"What the place has recorded makes {arrangement.key}: {made}. "
            + " ".join(verdict.reasons)
            + " Close or change the bodies so that the place is one allowed arrangement.",
            fix,
            source=design.framework.source,
        )
    ]


def proposal_allowed(design: Design) -> tuple[list[CheckItem], list[int]]:
    title = "The proposed arrangement is allowed"
    response = design.response
    if response is None or not response.proposed_option_set:
        return [
            CheckItem(
                "option_set",
                title,
                WARNING,
                "The place has not submitted a proposal yet, so the proposal cannot be "
                "checked or compared with what is recorded.",
            )
        ], []
    try:
        numbers = option_set_numbers(response.proposed_option_set)
    except ValueError:
        numbers = []
    verdict = option_set_verdict(design.framework_rules(), numbers)
    fix = Fix("proposal:response", (design.place.pk, response.round_id))
    if verdict.allowed:
        detail = (
            f"The proposal ({verdict.key}) submitted to {response.round.title} is an allowed "
            "arrangement."
        )
        return [CheckItem("option_set", title, PASS, detail, fix)], numbers
    detail = f"The proposal ({verdict.key}) is not allowed: " + " ".join(verdict.reasons)
    return [CheckItem("option_set", title, FAIL, detail, fix)], numbers


def proposal_matches(design: Design, proposed: list[int]) -> list[CheckItem]:
    """The proposal and the recorded structure side by side, with each difference."""
    if not proposed:
        return []
    arrangement = recorded_arrangement(design)
    title = "The recorded structure is the proposed arrangement"
    proposed_key = option_set_key(proposed)
    if set(proposed) == set(arrangement.numbers):
        return [
            CheckItem(
                "proposal_matches",
                title,
                PASS,
                f"Proposed {proposed_key}; recorded {arrangement.key}: the same.",
            )
        ]
    differences = []
    extra = [n for n in arrangement.numbers if n not in proposed]
    if extra:
        differences.append(
            "recorded but not proposed: "
            + "; ".join(_in_words(design, arrangement, n) for n in extra)
        )
    for number in (n for n in proposed if n not in arrangement.numbers):
        option = design.options.get(number)
        what = option_noun(option)[2:].lstrip() if option else f"option {number}"
        differences.append(f"proposed but not recorded: option {number}, {what}")
    return [
        CheckItem(
            "proposal_matches",
            title,
            WARNING,
            f"Proposed {proposed_key}; recorded {arrangement.key or 'nothing'}. "
            + sentence("; ".join(differences))
            + ". Record the bodies the proposal describes, or propose what is recorded.",
            Fix("committees:list", (design.place.pk,)),
        )
    ]


def _lineage(line: Delegation) -> list[MatterCategory]:
    """The line's matter and the matters above it (read with the line, two levels deep)."""
    found: list[MatterCategory] = []
    matter: MatterCategory | None = line.matter
    while matter is not None and matter not in found:
        found.append(matter)
        matter = matter.parent
    return found


def _budget_matter(line: Delegation) -> bool:
    return any(matter.is_budget for matter in _lineage(line))


def body_powers(design: Design) -> list[CheckItem]:
    """Each line in force to a body is one its option lets it hold (authority, budgets, from
    whom); lines recorded before these rules were enforced are caught here."""
    problems: dict[int, list[str]] = {}
    sources: dict[int, str] = {}
    for line, committee in design.body_lines():
        refusal = delegation_refusal(
            committee=committee,
            option=design.option_of.get(committee.pk),
            delegator=line.scheme.organisation,
            is_budget=_budget_matter(line),
            parties=[p.pk for p in design.parties(committee)],
        )
        if refusal is not None:
            problems.setdefault(committee.pk, []).append(
                f"{line.scheme.organisation.name} delegates {line.matter.name} ({line.band}) to "
                f"it: {refusal.message}"
            )
            sources[committee.pk] = refusal.source
    items = []
    for committee in design.active:
        option = design.option_of.get(committee.pk)
        if option is None:
            continue
        title = f"{committee.name}: holds only what {option_noun(option)} may"
        if committee.pk in problems:
            items.append(
                CheckItem(
                    "body_powers",
                    title,
                    FAIL,
                    " ".join(problems[committee.pk]),
                    Fix("delegations_place:delegations", (design.place.pk,)),
                    committee.name,
                    sources[committee.pk],
                )
            )
        else:
            detail = (
                f"{committee.name} holds only delegations option {option.number} allows, from "
                "organisations that may delegate to it."
                if option.holds_delegated_authority
                else f"{committee.name} holds no delegated authority, as option "
                f"{option.number} requires: its members decide within their own schemes."
            )
            items.append(
                CheckItem(
                    "body_powers",
                    title,
                    PASS,
                    detail,
                    subject=committee.name,
                    source=(option.sources or {}).get("authority", ""),
                )
            )
    return items


def accountability(design: Design) -> list[CheckItem]:
    """Each body answers to whom its option says: a committee of the ICB to the ICB's board,
    a lead provider's board to a statutory organisation, a joint committee to its parties (the
    ICB and at least one statutory provider, all of them statutory)."""
    parents = {c.pk: c for c in design.committees}
    items = []
    for committee in design.active:
        option = design.option_of.get(committee.pk)
        if option is None or committee.kind == CommitteeKind.SUB_COMMITTEE:
            continue
        if option.accountable_to == Accountability.PARTIES:
            found = party_problems(option, design.parties(committee))
            messages = [p.message for p in found]
            source = found[0].source if found else (option.sources or {}).get("membership", "")
        else:
            problem = accountability_problem(committee, option, parents)
            messages = [problem.message] if problem else []
            source = problem.source if problem else (option.sources or {}).get("accountable_to", "")
        title = f"{committee.name}: answers to {_answers_to(option.accountable_to)}"
        if messages:
            items.append(
                CheckItem(
                    "accountability",
                    title,
                    FAIL,
                    " ".join(messages),
                    committee_edit_fix(design.place, committee),
                    committee.name,
                    source,
                )
            )
        else:
            items.append(
                CheckItem(
                    "accountability",
                    title,
                    PASS,
                    _accountable_text(design, committee, option.accountable_to),
                    subject=committee.name,
                    source=source,
                )
            )
    return items


def _answers_to(rule: str) -> str:
    answers: dict[str, str] = {
        Accountability.ICB_BOARD: "the ICB's board",
        Accountability.PARTIES: "every organisation that forms it",
        Accountability.OWN_BOARD: "a statutory organisation's board",
    }
    return answers.get(rule, "its partners")


def _accountable_text(design: Design, committee: Committee, rule: str) -> str:
    if rule == Accountability.PARTIES:
        return (
            f"{committee.name} is formed by, and answers to, "
            + names(sorted(p.name for p in design.parties(committee)))
            + "."
        )
    organisation = committee.accountable_to_organisation
    if organisation is not None:
        return f"{committee.name} answers to the board of {organisation.name}."
    parent = committee.accountable_to_committee
    return (
        f"{committee.name} answers to {parent.name}."
        if parent
        else f"{committee.name} informs the partners."
    )


def joint_voting(design: Design) -> list[CheckItem]:
    """A body formed by parties gives votes only to statutory parties that delegate to it."""
    delegating: dict[int, set[int]] = {}
    for line in design.lines:
        if line.delegate_committee_id is not None:
            delegating.setdefault(line.delegate_committee_id, set()).add(
                line.scheme.organisation_id
            )
    items = []
    for committee in design.active:
        option = design.option_of.get(committee.pk)
        if option is None or option.delegated_by != Delegators.PARTIES:
            continue
        parties = {p.pk for p in design.parties(committee)}
        voters = {m.organisation.pk: m.organisation for m in design.members(committee) if m.voting}
        problems = []
        outsiders = sorted(o.name for pk, o in voters.items() if pk not in parties)
        if outsiders:
            problems.append(
                f"{names(outsiders)} {'votes' if len(outsiders) == 1 else 'vote'} but "
                f"{'is not a party' if len(outsiders) == 1 else 'are not parties'}"
            )
        idle = sorted(
            o.name
            for pk, o in voters.items()
            if pk in parties and pk not in delegating.get(committee.pk, set())
        )
        if idle:
            problems.append(
                f"{names(idle)} {'has' if len(idle) == 1 else 'have'} delegated nothing to it in "
                "a scheme in force"
            )
        title = f"{committee.name}: voting members are parties that delegate to it"
        if problems:
            detail = sentence("; ".join(problems)) + (
                ". Give each voting party a line in its scheme of delegation, or make its seat "
                "non-voting."
            )
            items.append(
                CheckItem(
                    "joint_committee",
                    title,
                    FAIL,
                    detail,
                    Fix("delegations_place:delegations", (design.place.pk,)),
                    committee.name,
                    (option.sources or {}).get("voting", ""),
                )
            )
        else:
            items.append(
                CheckItem(
                    "joint_committee",
                    title,
                    PASS,
                    "Every voting member is a statutory party with delegations in force to it.",
                    subject=committee.name,
                    source=(option.sources or {}).get("voting", ""),
                )
            )
    return items


def director(design: Design, proposed: list[int]) -> list[CheckItem]:
    """Option 4: an individual director of the ICB, holding lines of the ICB's scheme with
    limits; what is above each limit goes to a body of the place."""
    number = director_option(design)
    arrangement = recorded_arrangement(design)
    if number is None or (
        number not in proposed and number not in arrangement.numbers and not design.directors
    ):
        return []
    source_authority = design.source(number, "authority")
    source_limits = design.source(number, "limits")
    title = "The individual director holds the ICB's delegations, with limits"
    holders = [d for d in design.directors if design.director_lines(d)]
    if not holders:
        detail = (
            "No individual director of the ICB for this place holds a line of the ICB's scheme "
            "of delegation in force. Add the director's lines to the ICB's scheme."
            if design.directors
            else "The proposal uses an individual director (option 4), but the ICB has no "
            "individual director for this place. Add one as a delegate role of the ICB."
        )
        return [
            CheckItem(
                "director",
                title,
                FAIL,
                detail,
                Fix("delegations_place:delegations", (design.place.pk,)),
                source=source_authority,
            )
        ]
    items = []
    for role in holders:
        lines = design.director_lines(role)
        unlimited = [f"{line.matter.name} ({line.band})" for line in lines if line.limit_to is None]
        if unlimited:
            items.append(
                CheckItem(
                    "director",
                    f"{role.title}: delegations with limits",
                    FAIL,
                    f"{role.title} may decide {names(unlimited)} with no upper limit. Give each of "
                    "the director's lines an upper limit, above which a body of the place decides.",
                    Fix("delegations_place:delegations", (design.place.pk,)),
                    role.title,
                    source_authority,
                )
            )
        gaps = [
            _gap_above(design, arrangement, line) for line in lines if line.limit_to is not None
        ]
        gaps = [g for g in gaps if g]
        routes_title = f"{role.title}: above the limits, a body of the place decides"
        if gaps:
            items.append(
                CheckItem(
                    "director_routes",
                    routes_title,
                    FAIL,
                    sentence("; ".join(gaps)) + ". Delegate what is above the director's limit "
                    "to a committee or joint committee of the place.",
                    Fix("delegations_place:delegations", (design.place.pk,)),
                    role.title,
                    source_limits,
                )
            )
        elif not unlimited:
            items.append(
                CheckItem(
                    "director_routes",
                    routes_title,
                    PASS,
                    f"Every matter {role.title} holds goes to a body of the place above the "
                    "director's limit.",
                    subject=role.title,
                    source=source_limits,
                )
            )
    return items


def _gap_above(design: Design, arrangement: Arrangement, line: Delegation) -> str:
    """Why what is above `line`'s limit has no body of the place to go to ("" if it has)."""
    limit = line.limit_to if line.limit_to is not None else Decimal(0)
    for other in design.icb_lines:
        if other.pk == line.pk or other.reserved or other.delegate_committee_id is None:
            continue
        committee = next((c for c in design.active if c.pk == other.delegate_committee_id), None)
        option = design.option_of.get(committee.pk) if committee else None
        if option is None or not option.holds_delegated_authority:
            continue
        covers_matter = other.matter_id in {matter.pk for matter in _lineage(line)}
        if (
            covers_matter
            and other.limit_from <= limit
            and (other.limit_to is None or other.limit_to > limit)
        ):
            return ""
    # With a partnership board (1+4), matters above the limit go to the board, where each
    # partner decides within its own scheme (section 6.3): the ICB's member must sit on it.
    boards = [c for c in design.active if c.kind == CommitteeKind.PARTNERSHIP_BOARD]
    for board in boards:
        if any(m.organisation.legal_form == LegalForm.ICB for m in design.members(board)):
            return ""
    return f"{line.matter.name} over {money(limit)} has no body of {design.place.name} to go to"
