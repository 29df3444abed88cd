"""The combination rules on their own, without a database: the set keys and their names as
pages show them, and every verdict with the reasons a person reads when a set is refused.
The rules here are a small framework of the test's own, so each expected sentence follows
from the rows below and not from the catalogue."""

from __future__ import annotations

import pytest

from governance.catalogue.rules import (
    FrameworkRules,
    Verdict,
    allowed_option_sets,
    option_in_context_label,
    option_rated_label,
    option_set_key,
    option_set_label,
    option_set_numbers,
    option_set_verdict,
    options_named,
)

# Option 5 stands alone; 1 and 4 combine, as do 2 and 4, and 1, 2 and 4 all together.
RULES = FrameworkRules.from_rows(
    [
        (4, "Director", False),
        (1, "Board", False),
        (2, "Committee", False),
        (3, "Joint committee", False),
        (5, "Lead provider", True),
    ],
    ["2+4", "1+2+4", "1+4"],
)


@pytest.mark.parametrize(
    ("numbers", "key"),
    [([], ""), ([4], "4"), ([4, 1], "1+4"), ([4, 1, 4, 2], "1+2+4"), ([12, 3], "3+12")],
)
def test_a_set_has_one_key_whatever_the_order_or_repeats(numbers: list[int], key: str) -> None:
    assert option_set_key(numbers) == key


@pytest.mark.parametrize(
    ("key", "numbers"), [("", []), ("4", [4]), ("1+4", [1, 4]), ("3+12", [3, 12])]
)
def test_a_key_reads_back_as_its_numbers(key: str, numbers: list[int]) -> None:
    assert option_set_numbers(key) == numbers


@pytest.mark.parametrize("key", ["4+1", "1+1", "1++4", "+4", "one", "1,4", " 4"])
def test_anything_but_a_canonical_key_is_refused(key: str) -> None:
    with pytest.raises(ValueError, match=r"not a canonical option set|invalid literal"):
        option_set_numbers(key)


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("", "None chosen"),
        ("4", "Option 4"),
        ("1+4", "Options 1 + 4"),
        ("1+2+4", "Options 1 + 2 + 4"),
    ],
)
def test_a_set_is_named_as_pages_show_it(key: str, label: str) -> None:
    assert option_set_label(key) == label


@pytest.mark.parametrize(
    ("number", "key", "in_context", "in_a_rating_cell"),
    [
        (4, "4", "Option 4 alone", "Option 4"),
        (4, "1+4", "Option 4 with option 1", "Option 4 with option 1"),
        (1, "1+4", "Option 1 with option 4", "Option 1 with option 4"),
        (4, "1+2+4", "Option 4 with options 1 and 2", "Option 4 with options 1 and 2"),
        (2, "1+2+4", "Option 2 with options 1 and 4", "Option 2 with options 1 and 4"),
        (2, "1+2+3+4", "Option 2 with options 1, 3 and 4", "Option 2 with options 1, 3 and 4"),
    ],
)
def test_an_option_in_context_is_named_by_the_others_in_its_set(
    number: int, key: str, in_context: str, in_a_rating_cell: str
) -> None:
    """A rating cell of an option alone keeps the option's plain name."""
    assert option_in_context_label(number, key) == in_context
    assert option_rated_label(number, key) == in_a_rating_cell


@pytest.mark.parametrize(
    ("numbers", "conjunction", "words"),
    [
        ([4], "and", "option 4"),
        ([2, 3], "and", "options 2 and 3"),
        ([1, 2, 4], "and", "options 1, 2 and 4"),
        ([4], "or", "option 4"),
        ([3, 4], "or", "option 3 or 4"),
        ([1, 2, 4], "or", "option 1, 2 or 4"),
    ],
)
def test_option_numbers_are_joined_in_words_with_and_or_or(
    numbers: list[int], conjunction: str, words: str
) -> None:
    assert options_named(numbers, conjunction) == words


def test_the_rules_read_from_rows_keep_names_lone_options_and_combinations() -> None:
    assert RULES.options == {
        1: "Board",
        2: "Committee",
        3: "Joint committee",
        4: "Director",
        5: "Lead provider",
    }
    assert RULES.stands_alone == frozenset({5})
    assert RULES.allowed == frozenset({"1+4", "2+4", "1+2+4"})


@pytest.mark.parametrize(
    ("number", "partners"), [(1, [2, 4]), (2, [1, 4]), (4, [1, 2]), (3, []), (5, [])]
)
def test_an_options_partners_are_those_it_is_allowed_with(number: int, partners: list[int]) -> None:
    assert RULES.partners_of(number) == partners


@pytest.mark.parametrize("numbers", [[1], [3], [5], [4, 1], [1, 4, 1], [4, 2], [2, 4, 1]])
def test_each_option_alone_and_each_listed_combination_is_allowed(numbers: list[int]) -> None:
    verdict = option_set_verdict(RULES, numbers)
    assert verdict == Verdict(option_set_key(numbers), True, [])


@pytest.mark.parametrize(
    ("numbers", "key", "reasons"),
    [
        ([], "", ["Choose at least one option."]),
        ([9], "9", ["There is no option 9 in this framework."]),
        (
            [9, 1, 7],
            "1+7+9",
            ["There is no option 7 in this framework.", "There is no option 9 in this framework."],
        ),
        (
            [5, 4],
            "4+5",
            [
                "Option 4 (Director) can be combined only with option 1 or 2.",
                "Option 5 (Lead provider) stands alone: it cannot be combined with other options.",
            ],
        ),
        (
            [3, 1],
            "1+3",
            [
                "Option 1 (Board) can be combined only with option 2 or 4.",
                "Option 3 (Joint committee) cannot be combined with any other option.",
            ],
        ),
        (
            [1, 2],
            "1+2",
            [
                "Options 1+2 are not an allowed combination; allowed sets with these options "
                "are 1+2+4."
            ],
        ),
    ],
)
def test_a_refused_set_says_which_rule_it_breaks(
    numbers: list[int], key: str, reasons: list[str]
) -> None:
    assert option_set_verdict(RULES, numbers) == Verdict(key, False, reasons)


def test_a_refused_set_with_no_allowed_set_around_it_says_just_that() -> None:
    """Every option may go with each of the others, but only in threes that include 4."""
    rules = FrameworkRules.from_rows(
        [(1, "Board", False), (2, "Committee", False), (3, "Joint", False), (4, "D", False)],
        ["1+2+4", "2+3+4", "1+3+4"],
    )
    assert option_set_verdict(rules, [3, 2, 1]) == Verdict(
        "1+2+3", False, ["Options 1+2+3 are not an allowed combination."]
    )


def test_a_refused_set_lists_the_allowed_sets_inside_it() -> None:
    rules = FrameworkRules.from_rows(
        [(1, "Board", False), (2, "Committee", False), (3, "Joint", False)], ["2+3", "1+3", "1+2"]
    )
    assert option_set_verdict(rules, [1, 2, 3]).reasons == [
        "Options 1+2+3 are not an allowed combination; allowed sets with these options are "
        "1+2, 1+3, 2+3."
    ]


def test_the_allowed_sets_list_each_option_then_the_combinations_smallest_first() -> None:
    assert allowed_option_sets(RULES) == ["1", "2", "3", "4", "5", "1+4", "2+4", "1+2+4"]


def test_combinations_of_the_same_size_are_listed_in_number_order() -> None:
    rules = FrameworkRules.from_rows(
        [(n, f"Option {n}", False) for n in range(1, 5)],
        ["3+4", "1+2", "2+4", "1+3", "2+3", "1+4", "1+2+3", "1+2+4"],
    )
    assert allowed_option_sets(rules) == [
        "1",
        "2",
        "3",
        "4",
        "1+2",
        "1+3",
        "1+4",
        "2+3",
        "2+4",
        "3+4",
        "1+2+3",
        "1+2+4",
    ]
