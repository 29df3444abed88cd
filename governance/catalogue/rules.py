"""The combination rules of an option framework, in one place. Forms, services, the admin,
the explorer and the tests all ask `option_set_verdict`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from governance.catalogue.models import OptionFramework


def option_set_key(numbers: Iterable[int]) -> str:
    """The canonical key of a set of option numbers: ascending, joined by "+"."""
    return "+".join(str(n) for n in sorted(set(numbers)))


def option_set_numbers(key: str) -> list[int]:
    """The option numbers in a key; a ValueError for anything that is not a key."""
    if not key:
        return []
    numbers = [int(part) for part in key.split("+")]
    if option_set_key(numbers) != key:
        raise ValueError(f"{key!r} is not a canonical option set")
    return numbers


def option_set_label(key: str) -> str:
    """ "Option 4", "Options 1 + 4", or "None chosen" for the empty set."""
    if not key:
        return "None chosen"
    numbers = option_set_numbers(key)
    if len(numbers) == 1:
        return f"Option {numbers[0]}"
    return "Options " + " + ".join(str(n) for n in numbers)


def options_named(numbers: Sequence[int], conjunction: str) -> str:
    """Option numbers in words, the last joined by `conjunction`: "and" for all of them
    together ("option 4", "options 2 and 3", "options 1, 2 and 4"), "or" for any one of them
    ("option 4", "option 3 or 4", "option 1, 2 or 4")."""
    *first, last = [str(n) for n in numbers]
    listed = f"{', '.join(first)} {conjunction} {last}" if first else last
    noun = "options" if first and conjunction == "and" else "option"
    return f"{noun} {listed}"


def option_in_context_label(number: int, key: str) -> str:
    """How a rating of option `number` in the context of the set `key` is named: "Option 4
    alone", "Option 4 with option 1", "Option 4 with options 2 and 3"."""
    others = [n for n in option_set_numbers(key) if n != number]
    if not others:
        return f"Option {number} alone"
    return f"Option {number} with {options_named(others, 'and')}"


def option_rated_label(number: int, key: str) -> str:
    """What a rating cell is of: "Option 4" for the option alone (the usual cell, named as
    it always was), "Option 4 with option 1" in a combination."""
    return option_in_context_label(number, key) if "+" in key else f"Option {number}"


@dataclass(frozen=True)
class FrameworkRules:
    """What a framework allows, loaded once so that checking many sets costs no queries."""

    options: dict[int, str]  # number → short name
    stands_alone: frozenset[int]
    allowed: frozenset[str]  # keys of the allowed sets of two or more options

    @classmethod
    def load(cls, framework: OptionFramework) -> FrameworkRules:
        return cls.from_rows(
            framework.options.values_list("number", "short_name", "stands_alone"),
            framework.combinations.values_list("key", flat=True),
        )

    @classmethod
    def from_rows(
        cls, options: Iterable[tuple[int, str, bool]], combination_keys: Iterable[str]
    ) -> FrameworkRules:
        """The rules from rows a caller has already read (number, short name, stands alone;
        combination keys), so a page that shows the options too reads them once."""
        rows = list(options)
        return cls(
            options={number: name for number, name, _ in rows},
            stands_alone=frozenset(number for number, _, alone in rows if alone),
            allowed=frozenset(combination_keys),
        )

    def partners_of(self, number: int) -> list[int]:
        partners: set[int] = set()
        for key in self.allowed:
            numbers = option_set_numbers(key)
            if number in numbers:
                partners.update(n for n in numbers if n != number)
        return sorted(partners)


@dataclass(frozen=True)
class Verdict:
    key: str
    allowed: bool
    reasons: list[str] = field(default_factory=list)


def option_set_verdict(rules: FrameworkRules, numbers: Iterable[int]) -> Verdict:
    """Whether a set of options may be used together, and if not, why not, in words that
    name the rule."""
    chosen = sorted(set(numbers))
    key = option_set_key(chosen)
    if not chosen:
        return Verdict(key, False, ["Choose at least one option."])
    unknown = [n for n in chosen if n not in rules.options]
    if unknown:
        return Verdict(key, False, [f"There is no option {n} in this framework." for n in unknown])
    if len(chosen) == 1 or key in rules.allowed:
        return Verdict(key, True)
    reasons = []
    for number in chosen:
        name = f"Option {number} ({rules.options[number]})"
        if number in rules.stands_alone:
            reasons.append(f"{name} stands alone: it cannot be combined with other options.")
            continue
        partners = rules.partners_of(number)
        others = [n for n in chosen if n != number]
        if any(n not in partners for n in others):
            reasons.append(
                f"{name} can be combined only with {options_named(partners, 'or')}."
                if partners
                else f"{name} cannot be combined with any other option."
            )
    if not reasons:
        allowed_sets = sorted(
            k
            for k in rules.allowed
            if set(option_set_numbers(k)) < set(chosen) or set(chosen) < set(option_set_numbers(k))
        )
        reasons.append(
            f"Options {key} are not an allowed combination"
            + (
                f"; allowed sets with these options are {', '.join(allowed_sets)}."
                if allowed_sets
                else "."
            )
        )
    return Verdict(key, False, reasons)


def allowed_option_sets(rules: FrameworkRules) -> list[str]:
    """Every allowed set: each option alone, then the listed combinations."""
    singles = [str(n) for n in sorted(rules.options)]
    combined = sorted(
        rules.allowed, key=lambda k: (len(option_set_numbers(k)), option_set_numbers(k))
    )
    return singles + combined
