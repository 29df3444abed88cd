"""Which framework option each of a place's bodies is, and what that option lets it do.

A body a place records is an instance of one option of a framework: the framework's options
list the kinds of body that are them (`GovernanceOption.body_kinds`: a partnership board is
option 1 of the 2021 framework, a committee of the ICB option 2, a joint committee option 3, a
lead provider board option 5). A sub-committee is the option of the body it answers to, and
one answering straight to the ICB's board is a committee of the ICB. What the option may do
(hold delegated authority, hold budgets, whose schemes may delegate to it, whom it answers
to, who must sit on it) is framework data on the option, so the rules below read it rather
than naming kinds.

The framework a kind belongs to is the newest one that lists it: today only the 2021 design
framework describes bodies."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from governance.catalogue.models import (
    Accountability,
    Delegators,
    GovernanceOption,
    OptionFramework,
)
from governance.structures.models import Committee, CommitteeKind
from partners.legal_forms import LegalForm
from partners.models import Organisation


def options_by_kind() -> dict[str, GovernanceOption]:
    """Each kind of body's option, from the newest framework that lists the kind (one query;
    `current_options_by_kind` for code that runs on every request)."""
    return options_by_kind_from(GovernanceOption.objects.select_related("framework"))


def options_by_kind_from(options: Iterable[GovernanceOption]) -> dict[str, GovernanceOption]:
    """`options_by_kind` from options a caller has already read (with their frameworks), so
    that a page that reads every framework's options for other reasons reads them once."""
    # Newest framework first, each framework's options by number (two stable sorts).
    by_number = sorted(options, key=lambda o: o.number)
    newest_first = sorted(
        by_number, key=lambda o: (o.framework.created_at, o.framework.pk), reverse=True
    )
    by_kind: dict[str, GovernanceOption] = {}
    for option in newest_first:
        for kind in option.body_kinds or []:
            by_kind.setdefault(kind, option)
    return by_kind


def current_options_by_kind() -> dict[str, GovernanceOption]:
    """`options_by_kind`, kept per process for each state of the frameworks: one small query
    reads every framework's version (its `updated_at`, which any change to its options moves;
    governance.catalogue.signals), so an option changed in the admin or by loading a
    framework's file in another process is seen by the next request."""
    versions = tuple(OptionFramework.objects.order_by("pk").values_list("pk", "updated_at"))
    return _options_by_kind_at(versions)


@functools.lru_cache(maxsize=4)
def _options_by_kind_at(versions: tuple[tuple[int, Any], ...]) -> dict[str, GovernanceOption]:
    return options_by_kind()


def authority_bar(kind: str | None, by_kind: dict[str, GovernanceOption]) -> str:
    """Why a body of `kind` cannot hold delegated authority ("" when it can)."""
    option = by_kind.get(kind or "")
    if option is None or option.holds_delegated_authority:
        return ""
    return f"is {option_noun(option)} (option {option.number}), which holds no delegated authority"


def body_option(
    committee: Committee,
    by_kind: dict[str, GovernanceOption],
    parents: Mapping[int, Committee] | None = None,
) -> GovernanceOption | None:
    """The option `committee` is an instance of. `parents` are the place's bodies by pk, for
    following a sub-committee up to the body it answers to (read when not given)."""
    seen: set[int] = set()
    current: Committee | None = committee
    while current is not None and current.kind == CommitteeKind.SUB_COMMITTEE:
        if current.pk in seen:
            return None
        seen.add(current.pk)
        parent_id = current.accountable_to_committee_id
        if parent_id is None:
            organisation = current.accountable_to_organisation
            if organisation is not None and organisation.legal_form == LegalForm.ICB:
                return by_kind.get(CommitteeKind.ICB_COMMITTEE)
            return None
        current = (parents or {}).get(parent_id) or Committee.objects.filter(pk=parent_id).first()
    return by_kind.get(current.kind) if current is not None else None


def option_noun(option: GovernanceOption) -> str:
    """The option's short name as a noun in a sentence: "a partnership board", "an ICB
    committee" (an acronym keeps its capitals)."""
    name = option.short_name
    if len(name) > 1 and not name[:2].isupper():
        name = name[0].lower() + name[1:]
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{article} {name}"


@dataclass(frozen=True)
class Refusal:
    """Why a delegation to a body is not allowed, and the source passage behind the rule."""

    message: str
    source: str = ""


def delegation_refusal(
    *,
    committee: Committee,
    option: GovernanceOption | None,
    delegator: Organisation,
    is_budget: bool,
    parties: Iterable[int] = (),
) -> Refusal | None:
    """Whether `delegator`'s scheme may delegate a matter (a budget if `is_budget`) to
    `committee`, an instance of `option`; `parties` are a joint committee's organisations."""
    if option is None:
        return None
    sources = option.sources or {}
    what = f"{committee.name} is {option_noun(option)} (option {option.number})"
    if not option.holds_delegated_authority:
        return Refusal(
            f"{what}, which holds no delegated authority: its members decide within their own "
            "organisations' schemes. Delegate to a member's own role instead, or to a body "
            "that may hold delegated authority.",
            sources.get("authority", ""),
        )
    if is_budget and not option.holds_budgets:
        return Refusal(
            f"{what}, which cannot hold a budget or a pooled fund.", sources.get("budgets", "")
        )
    delegators = option.delegated_by
    if delegators == Delegators.ICB and delegator.legal_form != LegalForm.ICB:
        return Refusal(
            f"{what}: only the ICB delegates to it, over the ICB's own resources. "
            f"{delegator.name} can delegate to its own roles or to a joint committee it is a "
            "party to.",
            sources.get("delegated_by", ""),
        )
    if delegators == Delegators.PARTIES and delegator.pk not in set(parties):
        return Refusal(
            f"{what}: only the statutory organisations that form it delegate to it, and "
            f"{delegator.name} is not one of them. Add it as a party of the joint committee "
            "first.",
            sources.get("delegated_by", ""),
        )
    if (
        delegators == Delegators.ICB_AND_OWN
        and delegator.legal_form != LegalForm.ICB
        and delegator.pk != committee.accountable_to_organisation_id
    ):
        return Refusal(
            f"{what}: only the ICB, by contract, and the organisation whose board it is "
            "delegate to it.",
            sources.get("authority", ""),
        )
    return None


def accountability_problem(
    committee: Committee, option: GovernanceOption | None, parents: Mapping[int, Committee]
) -> Refusal | None:
    """Whether `committee` answers to whom its option says it must."""
    if option is None or committee.kind == CommitteeKind.SUB_COMMITTEE:
        return None
    sources = option.sources or {}
    organisation = committee.accountable_to_organisation
    parent = parents.get(committee.accountable_to_committee_id or 0)
    if option.accountable_to == Accountability.ICB_BOARD:
        answers_to_icb = organisation is not None and organisation.legal_form == LegalForm.ICB
        if not answers_to_icb and parent is None:
            return Refusal(
                f"{committee.name} is a committee of the ICB, so it answers to the ICB's board "
                "(or to another body of the ICB). Choose the ICB's board.",
                sources.get("accountable_to", ""),
            )
    if option.accountable_to == Accountability.OWN_BOARD and (
        organisation is None or not organisation.is_statutory
    ):
        return Refusal(
            f"{committee.name} is the board of the lead provider, which must be a statutory "
            "organisation (an NHS trust or foundation trust, a council or the ICB). Choose "
            "the statutory organisation whose board it is.",
            sources.get("membership", ""),
        )
    return None


def party_problems(
    option: GovernanceOption | None, parties: Iterable[Organisation]
) -> list[Refusal]:
    """What is wrong with a joint committee's parties (none when its option does not need
    parties): the ICB and at least one statutory provider among them, and every one of them
    a statutory body."""
    if option is None or option.delegated_by != Delegators.PARTIES:
        return []
    source = (option.sources or {}).get("membership", "")
    parties = list(parties)
    problems = []
    if not any(p.legal_form == LegalForm.ICB for p in parties):
        problems.append(
            Refusal("A joint committee is formed by the ICB with others: add the ICB.", source)
        )
    if not any(p.legal_facts.statutory_provider for p in parties):
        problems.append(
            Refusal(
                "A joint committee needs at least one statutory provider (an NHS trust or "
                "foundation trust) among its parties: add one.",
                source,
            )
        )
    not_statutory = sorted(p.name for p in parties if not p.is_statutory)
    if not_statutory:
        problems.append(
            Refusal(
                f"Only statutory bodies can form a joint committee; {', '.join(not_statutory)} "
                f"{'is' if len(not_statutory) == 1 else 'are'} not. Remove "
                f"{'it' if len(not_statutory) == 1 else 'them'}, or give them a seat without a "
                "vote.",
                source,
            )
        )
    return problems
