"""The anonymisation engine (governance/anonymise.py): names, patterns, manual redactions,
place labels and small-count suppression."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.consultation.anonymise import (
    MARKERS,
    Gazetteer,
    can_release,
    gazetteer_for_system,
    new_label_seed,
    phrase_tokens,
    place_labels,
    scrub,
    suppress_small_counts,
)
from governance.consultation.identifier_patterns import nhs_number_is_valid
from partners.models import Role
from tests.factories import (
    OrganisationAliasFactory,
    OrganisationFactory,
    PlaceFactory,
    UserFactory,
    make_member,
)
from tests.reach import Reach, reaching

GAZETTEER = Gazetteer.from_entries(
    [
        ("Ashworth", "place"),
        ("Brookfield", "place"),
        ("St. Mary's", "place"),
        ("Ashworth Borough Council", "organisation"),
        ("the council", "organisation"),
        ("Riverside Hospitals NHS Trust", "organisation"),
        ("RHT", "organisation"),
        ("ABC", "organisation"),
        ("ABH", "organisation"),
        ("Barts & the London", "organisation"),
        ("Jo Dunn", "person"),
        ("Chen O'Neill", "person"),
        ("Zoë Ashby-Smith", "person"),
    ]
)


def scrubbed(text: str, **kwargs: object) -> str:
    return scrub(text, gazetteer=GAZETTEER, **kwargs).text  # type: ignore[arg-type]


# Names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We met in Ashworth.", "We met in [place]."),
        ("we met in ASHWORTH today", "we met in [place] today"),
        ("St Marys and St. Mary's and st. marys", "[place] and [place] and [place]"),
        ("ST MARY’S is small", "[place] is small"),
        ("Jo  Dunn chaired", "[person] chaired"),
        ("jo-dunn chaired", "[person] chaired"),
        ("Jo\nDunn chaired", "[person] chaired"),
        ("Chen ONeill and chen o'neill", "[person] and [person]"),
        ("Zoe Ashby Smith and ZOË ASHBY-SMITH", "[person] and [person]"),
        ("Zoe\u0308 Ashby-Smith", "[person]"),  # decomposed accent
        ("Barts and the London, Barts & The London", "[organisation], [organisation]"),
        (
            "The A.B.H. and abh and A.B.H agreed",
            "The [organisation] and [organisation] and [organisation] agreed",
        ),
    ],
)
def test_names_match_whatever_the_case_and_punctuation(text: str, expected: str) -> None:
    assert scrubbed(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ABCD is not ABC", "ABCD is not [organisation]"),
        (
            "Ashworthy is a different word from Ashworth",
            "Ashworthy is a different word from [place]",
        ),
        ("preAshworth", "preAshworth"),
        # Plurals and demonyms are read for places only.
        ("RHTs", "RHTs"),
        ("Brookfields and Ashworthians", "[place] and [place]"),
    ],
)
def test_names_match_on_word_boundaries_only(text: str, expected: str) -> None:
    assert scrubbed(text) == expected


def test_possessives_match_the_name() -> None:
    assert scrubbed("Ashworth's plan, RHT's board and Jo Dunn’s view") == (
        "[place] plan, [organisation] board and [person] view"
    )
    # The place is called "St. Mary's": "St Mary's" and "St Marys" are both that place.
    assert scrubbed("St Mary's, St Marys") == "[place], [place]"


def test_longest_match_wins_when_names_overlap() -> None:
    result = scrub("Ashworth Borough Council objected.", gazetteer=GAZETTEER)
    assert result.text == "[organisation] objected."
    assert dict(result.counts) == {"organisation": 1}


def test_a_shorter_name_still_matches_where_the_longer_one_does_not() -> None:
    assert scrubbed("Ashworth Borough is large") == "[place] Borough is large"


def test_overlapping_names_are_covered_as_fully_as_possible() -> None:
    gazetteer = Gazetteer.from_entries(
        [("North Vale", "place"), ("Vale Community Trust", "organisation")]
    )
    # Leftmost-first would take "North Vale" and leave "Community Trust"; the cover takes the
    # longer organisation and the remaining word "North" is not a name.
    assert scrub("North Vale Community Trust", gazetteer=gazetteer).text == "North [organisation]"


def test_aliases_like_the_council_and_abbreviations() -> None:
    result = scrub(
        "The Council and RHT agreed; the council's officer and rht staff too.", gazetteer=GAZETTEER
    )
    assert result.text == (
        "[organisation] and [organisation] agreed; [organisation] officer and [organisation] "
        "staff too."
    )
    assert dict(result.counts) == {"organisation": 4}


def test_the_same_name_under_two_kinds_takes_the_more_sensitive_kind_in_any_order() -> None:
    entries = [("Hale", "place"), ("Hale", "person")]
    for ordered in (entries, entries[::-1]):
        gazetteer = Gazetteer.from_entries(ordered)
        assert scrub("Hale", gazetteer=gazetteer).text == "[person]"
        assert len(gazetteer) == 1


def test_unknown_kinds_and_empty_names() -> None:
    with pytest.raises(ValueError):
        Gazetteer.from_entries([("Ashworth", "town")])
    assert len(Gazetteer.from_entries([("  --  ", "place"), ("", "person")])) == 0


def test_phrase_tokens_fold_like_normalise_name() -> None:
    assert phrase_tokens("St. Mary's") == ("st", "marys")
    assert phrase_tokens("A.B.H.") == ("abh",)
    assert phrase_tokens("Ashby-Smith & Co") == ("ashby", "smith", "and", "co")


# Patterns ---------------------------------------------------------------------------------


def found_in(sentence: str, marker: str, kind: str, values: list[str]) -> list[Any]:
    """Cases of one pattern: each value, written into the sentence at `{}`, becomes the
    marker and is counted once under `kind`."""
    return [pytest.param(sentence, value, marker, kind, id=f"{kind}: {value}") for value in values]


PATTERN_CASES = [
    *found_in(
        "Write to {}.",
        "[email]",
        "email",
        ["jo.dunn@example.nhs.uk", "JO_DUNN+icb@nhs.net", "o'neill@ashworth.gov.uk"],
    ),
    *found_in(
        "Call {} today.",
        "[phone]",
        "phone",
        [
            "020 7946 0958",
            "0207 946 0958",
            "02079460958",
            "(020) 7946 0958",
            "01632 960123",
            "(01632) 960 123",
            "01632-960-123",
            "0300 123 4567",
            "07700 900123",
            "07700-900-123",
            "+44 7700 900123",
            "+447700900123",
            "+44 (0)20 7946 0958",
            "0044 20 7946 0958",
        ],
    ),
    *found_in(
        "See {}. Thanks",
        "[url]",
        "url",
        [
            "https://www.ashworth.gov.uk/consultation?id=3",
            "http://example.org",
            "www.example.com/page",
            "riversidehospitals.nhs.uk/about",
        ],
    ),
    *found_in(
        "Patient {} was seen.",
        "[NHS number]",
        "nhs_number",
        ["943 476 5919", "9434765919", "943-476-5919"],
    ),
]


@pytest.mark.parametrize(("sentence", "value", "marker", "kind"), PATTERN_CASES)
def test_each_pattern_becomes_its_marker(sentence: str, value: str, marker: str, kind: str) -> None:
    result = scrub(sentence.format(value), gazetteer=GAZETTEER)
    assert result.text == sentence.format(marker)
    assert dict(result.counts) == {kind: 1}


def test_an_email_containing_a_name_is_one_email() -> None:
    assert scrubbed("jo.dunn@ashworth.gov.uk") == "[email]"


@pytest.mark.parametrize(
    "text",
    ["In 2024 we had 300,000 residents", "£12,500,000 budget", "08000 123456 is free", "0207 94"],
)
def test_other_numbers_are_not_phones(text: str) -> None:
    assert scrubbed(text) == text


@pytest.mark.parametrize(
    "postcode", ["SW1A 1AA", "M1 1AE", "sw1a 1aa", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A1BB"]
)
def test_uk_postcodes(postcode: str) -> None:
    result = scrub(f"Based at {postcode}, near the station.", gazetteer=GAZETTEER)
    assert result.text == "Based at [postcode], near the station."


def test_outward_codes_and_lookalikes_are_not_postcodes() -> None:
    for text in ["the SW1A area", "in Q3 2nd phase", "COVID 19 and A1 road"]:
        assert scrubbed(text) == text


@pytest.mark.parametrize("number", ["943 476 5918", "9434765910", "123 456 7890"])
def test_ten_digits_with_an_invalid_check_digit_are_not_nhs_numbers(number: str) -> None:
    assert "[NHS number]" not in scrubbed(f"Reference {number}")


def test_nhs_number_check_digit() -> None:
    assert nhs_number_is_valid("9434765919")
    assert not nhs_number_is_valid("9434765918")
    assert not nhs_number_is_valid("943476591")
    # 4010232137: check digit 7 is right; nine digits whose check would be 10 are never valid.
    assert nhs_number_is_valid("4010232137")
    assert not any(nhs_number_is_valid(f"000000006{d}") for d in "0123456789")


# Manual redactions and the keep-list ---------------------------------------------------------


def test_manual_redactions_are_matched_like_names() -> None:
    result = scrub(
        "As THE ONLY coastal-place in the system, Ashworth differs.",
        gazetteer=GAZETTEER,
        redact=["the only coastal place"],
    )
    assert result.text == "As [redacted] in the system, [place] differs."
    assert dict(result.counts) == {"place": 1, "redacted": 1}


def test_keep_phrases_undo_false_positives_everywhere() -> None:
    gazetteer = Gazetteer.from_entries([("Reading", "place"), ("Jo Dunn", "person")])
    result = scrub(
        "Reading the report in Reading, Jo Dunn agreed: reading the report helps.",
        gazetteer=gazetteer,
        keep=["reading the report"],
    )
    assert (
        result.text == "Reading the report in [place], [person] agreed: reading the report helps."
    )


def test_a_keep_phrase_does_not_protect_a_longer_name() -> None:
    result = scrub("Ashworth Borough Council", gazetteer=GAZETTEER, keep=["Ashworth"])
    assert result.text == "[organisation]"


# The result -------------------------------------------------------------------------------


def test_counts_by_type_and_spans_on_the_original() -> None:
    text = "Jo Dunn (jo@x.org, 07700 900123) of RHT in Ashworth and Brookfield, SW1A 1AA."
    result = scrub(text, gazetteer=GAZETTEER)
    assert (
        result.text
        == "[person] ([email], [phone]) of [organisation] in [place] and [place], [postcode]."
    )
    assert dict(result.counts) == {
        "email": 1,
        "organisation": 1,
        "person": 1,
        "phone": 1,
        "place": 2,
        "postcode": 1,
    }
    assert result.total == 7
    assert [(span.kind, text[span.start : span.end]) for span in result.spans] == [
        ("person", "Jo Dunn"),
        ("email", "jo@x.org"),
        ("phone", "07700 900123"),
        ("organisation", "RHT"),
        ("place", "Ashworth"),
        ("place", "Brookfield"),
        ("postcode", "SW1A 1AA"),
    ]


def test_the_result_keeps_no_removed_text() -> None:
    secrets = ["Jo Dunn", "jo@x.org", "07700 900123", "Ashworth", "SW1A 1AA", "coastal"]
    result = scrub(" ".join(secrets), gazetteer=GAZETTEER, redact=["coastal"])
    logged = repr(result.counts) + repr(result.spans) + repr(list(result.counts))
    for secret in secrets:
        assert secret not in result.text
        assert secret not in logged
    assert set(result.counts) <= set(MARKERS)


def test_scrubbing_is_deterministic() -> None:
    text = "Ashworth Borough Council, RHT and Jo Dunn (jo@x.org) in St Mary's, M1 1AE."
    first = scrub(text, gazetteer=GAZETTEER)
    again = scrub(text, gazetteer=Gazetteer.from_entries(reversed(ENTRIES_FOR_REBUILD)))
    assert first == scrub(text, gazetteer=GAZETTEER)
    assert first.text == again.text and first.counts == again.counts


ENTRIES_FOR_REBUILD = [
    ("Ashworth", "place"),
    ("Brookfield", "place"),
    ("St. Mary's", "place"),
    ("Ashworth Borough Council", "organisation"),
    ("the council", "organisation"),
    ("RHT", "organisation"),
    ("Jo Dunn", "person"),
]


def test_scrubbing_twice_changes_nothing() -> None:
    text = "Place Ashworth, [place] and Person Jo Dunn: [person]; call 020 7946 0958."
    once = scrubbed(text)
    assert scrubbed(once) == once
    # A gazetteer holding the marker words still leaves markers alone.
    words = Gazetteer.from_entries([("place", "place"), ("person", "person")])
    assert scrub("[place] [person] place", gazetteer=words).text == "[place] [person] [place]"


def test_an_empty_text() -> None:
    result = scrub("", gazetteer=GAZETTEER)
    assert result.text == "" and dict(result.counts) == {} and result.spans == ()


# The gazetteer from the database -----------------------------------------------------------


@pytest.mark.django_db
def test_gazetteer_for_system_holds_places_organisations_aliases_and_people(
    world, django_assert_max_num_queries
) -> None:
    organisation = OrganisationFactory(system=world.system, name="Riverside Hospitals NHS Trust")
    OrganisationAliasFactory(organisation=organisation, alias="RHT")
    other_organisation = OrganisationFactory(system=world.other_system, name="Elsewhere Trust")
    OrganisationAliasFactory(organisation=other_organisation, alias="ELT")
    named = make_member(place=world.place_a, user=UserFactory(full_name="Farah Hale"))
    # No membership in this system; a name the user factory never makes, so no person of
    # this system can share it.
    stranger = UserFactory(full_name="Quentin Marsh")
    make_member(system=world.other_system, role=Role.ICB_ADMIN, user=stranger)

    with django_assert_max_num_queries(4):
        gazetteer = gazetteer_for_system(system=world.system)

    text = (
        # The member's name comes straight after a place: after "Hale", a first name the
        # factory gave someone of this system ("Hale Hari") would read as that person written
        # surname first.
        f"Ashford; Brookfield; {world.member_a.full_name}; Riverside Hospitals NHS Trust (RHT); "
        "Farah Hale; Hale; Elsewhere Trust; ELT; Quentin Marsh."
    )
    assert scrub(text, gazetteer=gazetteer).text == (
        "[place]; [place]; [person]; [organisation] ([organisation]); [person]; Hale; "
        "Elsewhere Trust; ELT; Quentin Marsh."
    )
    assert named.full_name == "Farah Hale"


@pytest.mark.django_db
def test_gazetteer_for_system_query_count_is_constant(world, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(4):
        small = gazetteer_for_system(system=world.system)
    for n in range(10):
        place = PlaceFactory(system=world.system, name=f"Extra {n}", slug=f"extra-{n}")
        make_member(place=place)
        organisation = OrganisationFactory(system=world.system)
        OrganisationAliasFactory(organisation=organisation)
    with django_assert_max_num_queries(4):
        large = gazetteer_for_system(system=world.system)
    assert len(large) > len(small)


# Place labels -----------------------------------------------------------------------------


def test_every_place_is_labelled_once() -> None:
    labels = place_labels(place_ids=[5, 3, 9, 3, 1], seed="s")
    assert sorted(labels) == [1, 3, 5, 9]
    assert sorted(labels.values()) == ["Place A", "Place B", "Place C", "Place D"]


def test_labels_are_deterministic_for_a_seed_and_differ_between_seeds() -> None:
    ids = list(range(1, 11))
    assert place_labels(place_ids=ids, seed="summary-1") == place_labels(
        place_ids=reversed(ids), seed="summary-1"
    )
    assert place_labels(place_ids=ids, seed="summary-1") != place_labels(
        place_ids=ids, seed="summary-2"
    )


def test_labels_do_not_follow_ids_or_names() -> None:
    # Ids in name order: a label order following either would give A to id 1 every time.
    ids = list(range(1, 9))
    in_id_order = {pk: f"Place {chr(ord('A') + i)}" for i, pk in enumerate(ids)}
    orders = [place_labels(place_ids=ids, seed=f"seed-{n}") for n in range(20)]
    assert sum(order == in_id_order for order in orders) == 0
    assert len({order[1] for order in orders}) > 3  # id 1 gets many different labels


def test_labels_beyond_26() -> None:
    labels = place_labels(place_ids=range(30), seed=1)
    assert sorted(labels.values(), key=lambda label: (len(label), label))[-4:] == [
        "Place AA",
        "Place AB",
        "Place AC",
        "Place AD",
    ]
    assert len(set(labels.values())) == 30


def test_new_label_seeds_are_fresh() -> None:
    assert new_label_seed() != new_label_seed()


# Small counts -----------------------------------------------------------------------------


def test_suppress_small_counts() -> None:
    counts = {"option 1": 0, "option 2": 1, "option 3": 4, "option 4": 5, "option 5": 12}
    assert suppress_small_counts(counts, threshold=5) == {
        "option 1": 0,
        "option 2": "fewer than 5",
        "option 3": "fewer than 5",
        "option 4": 5,
        "option 5": 12,
    }
    assert suppress_small_counts(counts, threshold=1) == counts
    with pytest.raises(ValueError):
        suppress_small_counts(counts, threshold=0)
    with pytest.raises(ValueError):
        suppress_small_counts({"x": -1}, threshold=3)


def test_can_release() -> None:
    assert not can_release(response_count=0, threshold=3)
    assert not can_release(response_count=2, threshold=3)
    assert can_release(response_count=3, threshold=3)
    assert can_release(response_count=7, threshold=3)


# Properties -------------------------------------------------------------------------------

WORDS = ["ash", "brook", "field", "vale", "north", "jo", "dunn", "care", "trust", "the"]
SEPARATORS = [" ", "  ", "-", ". ", ", ", "'", "\n", " & ", " (", ") "]
_MARKER_RE = re.compile("|".join(re.escape(marker) for marker in MARKERS.values()))

names = st.lists(
    st.tuples(
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join),
        st.sampled_from(["place", "organisation", "person"]),
    ),
    min_size=1,
    max_size=8,
)
texts = st.lists(
    st.tuples(
        st.sampled_from(WORDS).map(lambda w: w.upper() if len(w) % 2 else w.title()),
        st.sampled_from(SEPARATORS),
    ),
    max_size=25,
).map(lambda parts: "".join(word + sep for word, sep in parts))


def _contains_name(text: str, name: str) -> bool:
    # Markers become a barrier no name crosses; then compare normalised token sequences.
    segments = _MARKER_RE.split(text)
    wanted = phrase_tokens(name)
    for segment in segments:
        tokens = phrase_tokens(segment)
        for i in range(len(tokens) - len(wanted) + 1):
            if tokens[i : i + len(wanted)] == wanted:
                return True
    return False


def test_no_gazetteer_name_survives_and_scrubbing_is_idempotent() -> None:
    @reaching(settings(max_examples=300, deadline=None), given(entries=names, text=texts))
    def check(reach: Reach, entries: list[tuple[str, str]], text: str) -> None:
        gazetteer = Gazetteer.from_entries(entries)
        once = scrub(text, gazetteer=gazetteer).text
        reach.assertion()
        for name, _kind in entries:
            assert not _contains_name(once, name)
        assert scrub(once, gazetteer=gazetteer).text == once

    check()


def test_any_text_scrubs_idempotently() -> None:
    @reaching(settings(max_examples=300, deadline=None), given(text=st.text()))
    def check(reach: Reach, text: str) -> None:
        once = scrubbed(text)
        reach.assertion()
        assert scrubbed(once) == once
        for name in ["Ashworth", "Jo Dunn", "RHT", "the council"]:
            assert not _contains_name(once, name)

    check()
