"""The small rules the anonymiser is built from, each on its own: when two words are one edit
apart (a near miss to flag), how a name with a particle is written, which numbers are NHS
numbers or phone numbers, the small-count rule's refusals, and which reading wins when two
covers of the same words tie. Expected values are worked out by hand in each case."""

from __future__ import annotations

import re

import pytest

from governance.consultation.anonymise import scrub, suppress_small_counts
from governance.consultation.gazetteer import Gazetteer
from governance.consultation.identifier_patterns import _phone_is_plausible, nhs_number_is_valid
from governance.consultation.name_forms import person_forms, within_one_edit
from governance.consultation.text_folding import _invisible_code_points


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("brennan", "brenan"),  # a letter left out
        ("brenan", "brennan"),  # a letter added
        ("brennan", "brennon"),  # a letter changed
        ("brennan", "brenann"),  # two neighbours swapped
        ("ab", "ba"),  # swapped at the start
        ("abc", "acb"),  # swapped at the end
        ("abc", "bc"),  # first letter left out
        ("abc", "ab"),  # last letter left out
        ("abcd", "abxcd"),  # a letter added in the middle
        ("abcd", "xabcd"),  # a letter added at the start
        ("abcd", "abcdx"),  # a letter added at the end
        ("abc", "abd"),  # the last letter changed
        ("abc", "xbc"),  # the first letter changed
        ("a", ""),
    ],
)
def test_words_one_edit_apart_are_near_misses(a: str, b: str) -> None:
    assert within_one_edit(a, b)
    assert within_one_edit(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("brennan", "brennan"),  # the same word is a match, not a near miss
        ("brennan", "brennanxx"),  # two letters added
        ("brennan", "brxnnxn"),  # two letters changed
        ("abc", "bca"),  # a letter moved two places
        ("abcd", "acdb"),
        ("abcd", "abxxd"),  # one letter changed and one added
        ("abcd", "xbcy"),  # first and last changed
        ("abcde", "abdec"),
        ("abcd", "badc"),  # two swaps
        ("abcd", "bacx"),  # a swap and a change
        ("abcd", "axcy"),  # the second and fourth changed
        ("ab", "abcd"),
        ("abc", "xyz"),
    ],
)
def test_words_further_apart_are_not_near_misses(a: str, b: str) -> None:
    assert not within_one_edit(a, b)
    assert not within_one_edit(b, a)


def test_a_surname_keeps_its_particle() -> None:
    """ "Ludwig van Beethoven" is Mr van Beethoven, "Beethoven, Ludwig" is not how he is
    written: the particle belongs to the surname."""
    forms = person_forms([("ludwig",), ("van",), ("beethoven",)])
    assert forms is not None
    assert forms.surname == ("van", "beethoven")
    assert forms.short == (("van", "beethoven", "ludwig"), ("l", "van", "beethoven"))
    assert forms.after_title == (
        ("van", "beethoven"),
        ("ludwig", "van", "beethoven"),
        ("l", "van", "beethoven"),
    )


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("9434765919", True),  # the usual example: remainder 2, check digit 9
        ("1000000060", True),  # weights give 22, remainder 0: the check digit is 0
        ("1000000061", False),
        ("1000000069", False),
        ("1000000010", False),  # weights give 12, remainder 1: no check digit is possible
        ("1000000011", False),
        ("1000000019", False),
        ("943476591", False),
        ("94347659190", False),
        ("943476591x", False),
    ],
)
def test_nhs_numbers_follow_the_modulus_11_check(number: str, valid: bool) -> None:
    assert nhs_number_is_valid(number) is valid


@pytest.mark.parametrize(
    ("written", "plausible"),
    [
        ("020 7946 0000", True),  # London, 11 digits
        ("016977 2345", True),  # a 10-digit area number
        ("+44 20 7946 0000", True),  # international form: the leading 0 is not dialled
        ("0044 20 7946 0000", True),
        ("+44 (0)20 7946 0000", True),  # the (0) written but not dialled
        ("+44 (0)1632 960000", True),
        ("+44 161 496 0000", True),
        ("07700 900000", True),  # mobile
        ("0207 946", False),  # too short
        ("020 7946 00000", False),  # too long
        ("+44 20 7946 00000", False),
        ("0800 123 4567", False),  # free phone: not a person's or a place's line
        ("0500 123456", False),
        ("01234", False),
    ],
)
def test_phone_numbers_are_uk_geographic_or_mobile(written: str, plausible: bool) -> None:
    assert _phone_is_plausible(written) is plausible


def test_the_small_count_rule_refuses_a_threshold_below_one() -> None:
    with pytest.raises(ValueError, match=r"^The threshold must be at least 1\.$"):
        suppress_small_counts({"Option 1": 2}, threshold=0)


def test_the_small_count_rule_refuses_a_negative_count_and_names_it() -> None:
    with pytest.raises(ValueError, match=r"^A count cannot be negative \(Option 2: -1\)\.$"):
        suppress_small_counts({"Option 1": 4, "Option 2": -1}, threshold=3)


def test_two_covers_of_the_same_words_tie_and_the_longest_first_match_wins() -> None:
    """ "Alder Brook Mill" reads as "Alder Brook" + "Mill" or as "Alder" + "Brook Mill": both
    cover three words with two names. The leftmost match is taken at its longest."""
    gazetteer = Gazetteer.from_entries(
        [
            ("Alder Brook", "place"),
            ("Mill", "place"),
            ("Alder", "organisation"),
            ("Brook Mill", "organisation"),
        ]
    )
    assert scrub("Alder Brook Mill", gazetteer=gazetteer).text == "[place] [place]"


def test_a_name_written_as_one_word_is_still_the_name() -> None:
    gazetteer = Gazetteer.from_entries([("North Vale", "place")])
    assert scrub("We met in NorthVale.", gazetteer=gazetteer).text == "We met in [place]."


def test_a_surname_alone_written_with_a_digit_for_a_letter_is_flagged() -> None:
    """ "Br3nnan" is Nadia Brennan's surname with a 3 for an "e": left in the text (a surname
    alone may be a common word) but flagged for the reviewer, like "Brennan" alone."""
    gazetteer = Gazetteer.from_entries([("Nadia Brennan", "person")])
    for text in ("Then Br3nnan said so.", "Then Brennan said so."):
        result = scrub(text, gazetteer=gazetteer)
        assert result.text == text
        assert [(flag.start, flag.end, flag.kind) for flag in result.flags] == [(5, 12, "possible")]


@pytest.mark.parametrize(
    "character",
    [
        "\u200b",  # zero width space (a format character)
        "\u0007",  # bell (a control character)
        "\u034f",  # combining grapheme joiner
        "\u115f",  # Hangul choseong filler
        "\u1160",  # Hangul jungseong filler
        "\u17b4",
        "\u180b",
        "\u180f",
        "\u3164",
        "\ufe00",
        "\ufe0f",
        "\uffa0",
        "\U000e0001",
        "\U000e0fff",
    ],
)
def test_every_default_ignorable_character_is_invisible(character: str) -> None:
    assert re.fullmatch(f"[{_invisible_code_points()}]", character)


@pytest.mark.parametrize("character", ["\t", "\n", "\r", " ", "a", "\u115e", "\u1161", "\u3165"])
def test_tabs_new_lines_and_letters_beside_the_fillers_stay(character: str) -> None:
    assert not re.fullmatch(f"[{_invisible_code_points()}]", character)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("We met in Brackenfielld today.", 10, 23),  # a letter too many
        ("We met in Brakenfield today.", 10, 21),  # a letter too few
        ("We met in Brackenfeild today.", 10, 22),  # two letters swapped
    ],
)
def test_a_word_one_edit_from_the_only_long_name_is_flagged(
    text: str, start: int, end: int
) -> None:
    gazetteer = Gazetteer.from_entries([("Brackenfield", "place")])
    result = scrub(text, gazetteer=gazetteer)
    assert result.text == text
    assert [(flag.start, flag.end, flag.kind) for flag in result.flags] == [
        (start, end, "possible")
    ]


def test_a_possessive_written_with_a_digit_for_a_letter_is_the_name() -> None:
    gazetteer = Gazetteer.from_entries([("Ashworth", "place")])
    assert scrub("Ashw0rth's plan", gazetteer=gazetteer).text == "[place] plan"
