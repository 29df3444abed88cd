"""What the design check reads and what it returns: the place's design, read once, and the
checklist items each rule adds (design/rules_*.py; design/validator.py runs them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from delegations.models import DelegateRole, Delegation
from governance.catalogue.models import GeographicTier, GovernanceOption, OptionFramework
from governance.catalogue.rules import FrameworkRules
from governance.consultation.models import PlaceResponse
from governance.delivery.models import DeliveryArrangement, FunctionHolding
from governance.structures.models import Committee, CommitteeMember
from partners.models import Neighbourhood, Organisation, Place

PASS = "pass"  # noqa: S105 - a check status, not a secret
WARNING = "warning"
FAIL = "fail"
ORDER = {FAIL: 0, WARNING: 1, PASS: 2}


@dataclass(frozen=True)
class Fix:
    """Where to put an item right: a URL name and its arguments, and a fragment on the page."""

    name: str
    args: tuple[Any, ...] = ()
    fragment: str = ""


@dataclass(frozen=True)
class CheckItem:
    code: str
    title: str
    status: str  # PASS, WARNING or FAIL
    detail: str
    fix_url: Fix | None = None
    subject: str = ""  # the committee (or other record) the item is about, if any
    source: str = ""  # the passage of the framework's source the rule restates

    @property
    def passed(self) -> bool:
        return self.status == PASS


@dataclass
class Design:
    """Everything the rules read about one place, fetched in a fixed number of queries."""

    place: Place
    today: date
    framework: OptionFramework | None
    options: dict[int, GovernanceOption]  # the framework's options by number
    option_of: dict[int, GovernanceOption | None]  # each body's option, by committee pk
    partners: list[Organisation] = field(default_factory=list)
    committees: Sequence[Committee] = field(default_factory=list)
    response: PlaceResponse | None = None  # the newest submitted on an arrangements framework
    lines: list[Delegation] = field(default_factory=list)  # lines in force to the bodies
    icb_lines: list[Delegation] = field(default_factory=list)  # the ICB's, for this place
    directors: list[DelegateRole] = field(default_factory=list)  # the ICB's, for this place
    rules: FrameworkRules | None = None  # the framework's combination rules, if it has one
    parties_of: dict[int, list[Organisation]] = field(default_factory=dict)  # by body pk
    # How the place delivers care (governance.delivery), and its geography.
    delivery: DeliveryArrangement | None = None
    holdings: dict[str, FunctionHolding] = field(default_factory=dict)  # by function
    neighbourhoods: list[Neighbourhood] = field(default_factory=list)  # the active ones
    tiers: dict[str, GeographicTier] = field(default_factory=dict)  # by slug
    # The newest submitted response on a framework of delivery archetypes: its proposed
    # option set is the archetype's number.
    archetype_response: PlaceResponse | None = None
    archetype_options: list[GovernanceOption] = field(default_factory=list)  # every such option

    @property
    def active(self) -> list[Committee]:
        return [c for c in self.committees if c.is_active]

    def members(self, committee: Committee) -> list[CommitteeMember]:
        return list(committee.members.all())

    def parties(self, committee: Committee) -> list[Organisation]:
        return list(self.parties_of.get(committee.pk, []))

    def framework_rules(self) -> FrameworkRules:
        """What the design's framework allows (the one the place proposed against, if it
        has proposed), read with the design."""
        assert self.rules is not None, "a design with a framework has its rules"
        return self.rules

    def source(self, number: int, rule: str) -> str:
        """The passage behind an option's rule, from the framework data."""
        option = self.options.get(number)
        return (option.sources or {}).get(rule, "") if option else ""

    def option_with_rule(self, rule: str) -> GovernanceOption | None:
        """The framework's option whose membership rules include `rule`."""
        return next((o for o in self.options.values() if rule in (o.membership_rules or [])), None)

    def body_lines(self) -> list[tuple[Delegation, Committee]]:
        """Each line in force to one of the place's bodies, with the body."""
        by_pk = {c.pk: c for c in self.committees}
        return [
            (line, by_pk[line.delegate_committee_id])
            for line in self.lines
            if line.delegate_committee_id in by_pk
        ]

    def director_lines(self, director: DelegateRole) -> list[Delegation]:
        return [line for line in self.icb_lines if line.delegate_role_id == director.pk]


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def names(items: Iterable[str]) -> str:
    listed = list(items)
    if len(listed) <= 1:
        return "".join(listed)
    return ", ".join(listed[:-1]) + " and " + listed[-1]


def committee_fix(place: Place, committee: Committee, fragment: str = "") -> Fix:
    return Fix("committees:committee", (place.pk, committee.pk), fragment)


def committee_edit_fix(place: Place, committee: Committee) -> Fix:
    return Fix("committees:edit", (place.pk, committee.pk))
