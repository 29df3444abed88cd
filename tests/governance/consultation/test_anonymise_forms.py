"""The scrubber finds names in every written form: people with titles and initials, places
split, joined, disguised with invisible or look-alike characters, in plurals and demonyms;
near misses and surnames alone are flagged rather than removed."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.consultation.anonymise import POSSIBLE, Gazetteer, gazetteer_for_system, scrub
from governance.consultation.models import RemovedText
from governance.consultation.text_folding import fold_letters, leet_readings, without_invisible
from partners import names
from partners.models import Neighbourhood, Site
from tests import factories
from tests.governance.consultation.disguises import PERSON_DISGUISES, PLACE_DISGUISES
from tests.reach import Reach, reaching

GAZETTEER = Gazetteer.from_entries(
    [
        ("Ashworth", "place"),
        ("Brackenfield", "place"),
        ("Dunmore Coast", "place"),
        ("Coventry", "place"),
        ("Ashworth Borough Council", "organisation"),
        ("RHT", "organisation"),
        ("Nadia Brennan", "person"),
        ("Nadia Jane Brennan", "person"),
        ("Eleanor Frost", "person"),
        ("Dawud Usman", "person"),
        ("Zoë Ashby-Smith", "person"),
        ("Ludwig van Beethoven", "person"),
    ]
)


def scrubbed(text: str) -> str:
    return scrub(text, gazetteer=GAZETTEER).text


def flagged(text: str) -> list[str]:
    result = scrub(text, gazetteer=GAZETTEER)
    assert all(flag.kind == POSSIBLE for flag in result.flags)
    return [text[flag.start : flag.end] for flag in result.flags]


# People -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "Nadia Brennan",
        "NADIA BRENNAN",
        "nadia brennan",
        "Dr Brennan",
        "Dr. Brennan",
        "Mr Brennan",
        "Mrs Brennan",
        "Ms Brennan",
        "Miss Brennan",
        "Mx Brennan",
        "Prof Brennan",
        "Professor Brennan",
        "Cllr Frost",
        "Councillor Frost",
        "Sir Frost",
        "Dame Frost",
        "Rev Frost",
        "Revd Frost",
        "Lord Frost",
        "Lady Frost",
        "cllr Frost",
        "N. Brennan",
        "N Brennan",
        "N.J. Brennan",
        "N J Brennan",
        "NJ Brennan",
        "Nadia J. Brennan",
        "Ms N Brennan",
        "Ms N. J. Brennan",
        "Dr Nadia Brennan",
        "Brennan, Nadia",
        "Frost, Eleanor",
        "E. Frost",
        "D. Usman",
        "Dr Ashby-Smith",
        "Z. Ashby Smith",
        "Mr van Beethoven",
        "Dr Brennan's",
    ],
)
def test_a_known_person_is_removed_in_every_written_form(written: str) -> None:
    result = scrub(f"We spoke to {written} today.", gazetteer=GAZETTEER)
    assert result.text == "We spoke to [person] today.", written
    assert result.flags == ()


@pytest.mark.parametrize(
    "text",
    [
        "a hard frost in the valley",
        "there was a frost",
        "I Frost the cakes",  # a lone "I" is an initial only with its full stop
        "we miss frost",
        "a Dr who knows",
    ],
)
def test_short_forms_need_capitals_so_ordinary_words_stay(text: str) -> None:
    assert scrubbed(text) == text


def test_a_surname_alone_is_flagged_when_capitalised_and_left_in_the_text() -> None:
    text = "Brennan agreed, and Frost said so; a hard frost in Ashworth."
    result = scrub(text, gazetteer=GAZETTEER)
    assert result.text == "Brennan agreed, and Frost said so; a hard frost in [place]."
    assert [text[f.start : f.end] for f in result.flags] == ["Brennan", "Frost"]
    assert dict(result.counts) == {"place": 1}


def test_lower_case_surnames_and_first_names_alone_are_not_flagged() -> None:
    assert flagged("a hard frost in Ashworth; Nadia and Eleanor came") == []
    assert flagged("brennan wrote") == []
    assert flagged("Brennan's plan and Ashby-Smith's") == ["Brennan's", "Ashby-Smith's"]


# Places -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "marker"),
    [
        ("Ashworth", "[place]"),
        ("Ashworth's", "[place]"),
        ("Ash-worth", "[place]"),
        ("Ash worth", "[place]"),
        ("Ash – worth", "[place]"),
        ("ash-worth", "[place]"),
        ("Ashw-or-th", "[place]"),
        ("Bracken-field", "[place]"),
        ("Bracken field", "[place]"),
        ("DunmoreCoast", "[place]"),
        ("Dunmore-Coast", "[place]"),
        ("Dun more Coast", "[place]"),
        ("DUNMORECOAST's", "[place]"),
        ("Brackenfie1d", "[place]"),
        ("Ashw0rth", "[place]"),
        ("A5hw0rth", "[place]"),
        ("Dunm0re Coast", "[place]"),
        ("Ashworths", "[place]"),
        ("Ashworthian", "[place]"),
        ("Ashworthians", "[place]"),
        ("Ashworthite", "[place]"),
        ("Ashworthers", "[place]"),
        ("Dunmore Coasters", "[place]"),
        ("Coventrian", "[place]"),
        ("AshworthBoroughCouncil", "[organisation]"),
        ("Ashworth Borough Council's", "[organisation]"),
    ],
)
def test_a_place_is_removed_in_every_written_form(written: str, marker: str) -> None:
    result = scrub(f"The view from {written} is clear.", gazetteer=GAZETTEER)
    assert result.text == f"The view from {marker} is clear.", written
    assert result.flags == ()


def test_the_ashworthian_view() -> None:
    assert scrubbed("the Ashworthian view") == "the [place] view"


@pytest.mark.parametrize(
    "text",
    [
        "ash worth it",  # split by a space, with no capital: not a name
        "RHTs",  # plurals and demonyms are read for places only
        "Ashworth, the council",  # ", " is no split
        "A B C",
        "M1 1AE is a postcode, not a name",
        "Ashworthy",  # a near miss: flagged, not removed
    ],
)
def test_splits_and_suffixes_stay_within_their_rules(text: str) -> None:
    expected = text.replace("Ashworth,", "[place],").replace("M1 1AE", "[postcode]")
    assert scrubbed(text) == expected


# Invisible and look-alike characters --------------------------------------------------------

INVISIBLE = [
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u2060",  # word joiner
    "\ufeff",  # byte order mark
    "\u00ad",  # soft hyphen
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u202a",  # left-to-right embedding
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u2069",  # pop directional isolate
    "\u180e",  # Mongolian vowel separator
    "\u034f",  # combining grapheme joiner
    "\ufe0f",  # variation selector
    "\U000e0041",  # tag letter A
    "\x00",  # NUL
    "\x1b",  # escape
    "\x7f",  # delete
]


@pytest.mark.parametrize("invisible", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_an_invisible_character_hides_no_name_and_never_reaches_the_output(
    invisible: str,
) -> None:
    text = f"In Ash{invisible}worth, Nadia{invisible} Bren{invisible}nan; plain{invisible}text."
    result = scrub(text, gazetteer=GAZETTEER)
    assert result.text == "In [place], [person]; plaintext."
    assert [text[s.start : s.end] for s in result.spans] == [
        f"Ash{invisible}worth",
        f"Nadia{invisible} Bren{invisible}nan",
    ]
    # With no name at all, the invisible characters still go.
    assert scrub(f"no{invisible}names", gazetteer=GAZETTEER).text == "nonames"


def test_tabs_and_new_lines_stay() -> None:
    assert scrubbed("one\ttwo\nthree\r\nfour") == "one\ttwo\nthree\r\nfour"


@pytest.mark.parametrize(
    "written",
    [
        "\u0410shworth",  # Cyrillic capital A
        "Ashw\u043erth",  # Cyrillic small o
        "\u0391shw\u03bfrth",  # Greek capital alpha, small omicron
        "Brack\u0435nfi\u0435ld",  # Cyrillic small ie
        "Dunm\u03bfre C\u03bfast",  # Greek omicron
        "\uff21\uff53\uff48\uff57\uff4f\uff52\uff54\uff48",  # fullwidth
        "\U0001d400shworth",  # mathematical bold A
        "Bracken\ufb01eld",  # the "fi" ligature
        "\u0406\u0405\u0410\u0412",  # Cyrillic look-alikes are not all names: see below
    ],
)
def test_look_alike_and_compatibility_letters_are_read_as_letters(written: str) -> None:
    if written == "\u0406\u0405\u0410\u0412":
        assert scrubbed(written) == written
        return
    assert scrubbed(f"From {written} we came.") == "From [place] we came."


def test_look_alikes_of_a_person() -> None:
    assert scrubbed("Dr Br\u0435nn\u0430n") == "[person]"
    assert scrubbed("\u039d. Brennan") == "[person]"  # Greek capital nu


def test_fold_letters_reads_as_the_matcher_reads() -> None:
    assert fold_letters("\u0410sh\u200bw\u03bfrth") == "ashworth"
    assert fold_letters("\uff21\u0301B") == "ab"
    assert without_invisible("a\u200bb\u00adc\x00d\te") == "abcd\te"


def test_leet_readings() -> None:
    assert leet_readings("brackenfie1d") == ("brackenfield", "brackenfieid")
    assert leet_readings("2024") == ()
    assert leet_readings("ashworth") == ()
    assert leet_readings("covid19") == ()  # 9 is not read as a letter


# Near misses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "Ashwroth",  # two letters swapped
        "Ashworht",
        "Ashwerth",  # one substituted
        "Ashworthy",  # one inserted
        "Ashwoth",  # one deleted
        "Brackenfeld",
        "Brackenfieldd",
        "Brack3nfeld",  # a digit, and one letter off
        "Brenan",  # a surname of seven letters, one off
        "Ashworh",
    ],
)
def test_near_misses_of_long_names_are_flagged_not_removed(written: str) -> None:
    text = f"We visited {written} last week."
    result = scrub(text, gazetteer=GAZETTEER)
    assert result.text == text
    assert [text[f.start : f.end] for f in result.flags] == [written]


@pytest.mark.parametrize(
    "text",
    [
        "Coventy is short",  # "Coventry" has 8 letters; but "Frost" (5) has no near misses
        "Frist and Fross and Frosts",
        "RHS and RTH",
        "the work is worth it",
    ],
)
def test_short_names_have_no_near_misses(text: str) -> None:
    flags = flagged(text)
    if text.startswith("Coventy"):
        assert flags == ["Coventy"]
    else:
        assert flags == []


def test_flags_never_overlap_spans_or_kept_phrases() -> None:
    text = "Brennan met Nadia Brennan in Ashwroth and Ashworth."
    result = scrub(text, gazetteer=GAZETTEER, keep=["Ashwroth"])
    assert result.text == "Brennan met [person] in Ashwroth and [place]."
    assert [text[f.start : f.end] for f in result.flags] == ["Brennan"]
    for flag in result.flags:
        assert not any(flag.start < s.end and s.start < flag.end for s in result.spans)


def test_flags_and_spans_are_offsets_into_the_original_text() -> None:
    text = "\u200bBren\u200bnan saw Ash\u00adwroth, \u200bAshworth."
    result = scrub(text, gazetteer=GAZETTEER)
    assert [text[f.start : f.end] for f in result.flags] == ["Bren\u200bnan", "Ash\u00adwroth"]
    assert [text[s.start : s.end] for s in result.spans] == ["Ashworth"]
    assert result.text == "Brennan saw Ashwroth, [place]."


# Idempotence and the output ------------------------------------------------------------------

DISGUISES = [
    *PLACE_DISGUISES,
    "the Ashworthian view",
    "D. Usman",
    *PERSON_DISGUISES,
    "Brennan",
    "Ashwroth",
    "frost",
]


def test_the_output_has_no_invisible_character_and_scrubbing_twice_changes_nothing() -> None:
    @reaching(
        settings(max_examples=200, deadline=None),
        given(
            parts=st.lists(
                st.one_of(
                    st.sampled_from(DISGUISES),
                    st.sampled_from(INVISIBLE),
                    st.text(max_size=8),
                    st.sampled_from([" ", ", ", "-", ". ", "\n"]),
                ),
                max_size=12,
            )
        ),
    )
    def check(reach: Reach, parts: list[str]) -> None:
        text = "".join(parts)
        once = scrub(text, gazetteer=GAZETTEER)
        reach.assertion()
        assert not any(
            unicodedata.category(ch) in ("Cf", "Cc") and ch not in "\t\n\r" for ch in once.text
        )
        again = scrub(once.text, gazetteer=GAZETTEER)
        assert again.text == once.text
        for span in (*once.spans, *once.flags):
            assert 0 <= span.start < span.end <= len(text)

    check()


def test_every_disguise_at_once() -> None:
    text = "; ".join(DISGUISES)
    result = scrub(text, gazetteer=GAZETTEER)
    assert (
        result.text
        == "; ".join(["[place]"] * 8 + ["[place]", "the [place] view"] + ["[person]"] * 7)
        + "; Brennan; Ashwroth; frost"
    )
    assert [text[f.start : f.end] for f in result.flags] == ["Brennan", "Ashwroth"]


# The gazetteer from the database ------------------------------------------------------------


def test_the_kinds_of_partners_names_are_the_scrubbers() -> None:
    scrubber_kinds = [RemovedText.PLACE.value, RemovedText.ORGANISATION.value]
    scrubber_kinds.append(RemovedText.PERSON.value)
    assert list(names.KINDS) == scrubber_kinds


@pytest.mark.django_db
def test_neighbourhoods_sites_and_committees_are_in_the_gazetteer(
    world, django_assert_max_num_queries
) -> None:
    place = factories.PlaceFactory(system=world.system, name="Dunmore Coast")
    Neighbourhood.objects.create(place=place, name="Kettlewell Green")
    organisation = factories.OrganisationFactory(system=world.system, name="Coastal Care Trust")
    Site.objects.create(organisation=organisation, name="Harbourside Clinic")
    factories.CommitteeFactory(place=place, name="Dunmore Coast Partnership Board")
    factories.make_member(place=place, user=factories.UserFactory(full_name="Nadia Brennan"))
    # Another system's names stay.
    other_place = factories.PlaceFactory(system=world.other_system, name="Elsewhere")
    Neighbourhood.objects.create(place=other_place, name="Farfield")
    other = factories.OrganisationFactory(system=world.other_system, name="Elsewhere Trust")
    Site.objects.create(organisation=other, name="Yonder Clinic")
    factories.CommitteeFactory(place=other_place, name="Yonder Board")

    with django_assert_max_num_queries(4):
        gazetteer = gazetteer_for_system(system=world.system)

    text = (
        "Kettlewell Green's GP, the Harbourside Clinic and the Dunmore Coast Partnership Board "
        "(Dr Brennan); Farfield, Yonder Clinic, Yonder Board."
    )
    result = scrub(text, gazetteer=gazetteer)
    assert result.text == (
        "[place] GP, the [organisation] and the [organisation] ([person]); "
        "Farfield, Yonder Clinic, Yonder Board."
    )
    assert dict(result.counts) == {"organisation": 2, "person": 1, "place": 1}


def test_a_committee_named_only_with_governance_words_is_not_a_name():
    from governance.structures.names import is_identifying_committee_name

    assert not is_identifying_committee_name("Finance Committee")
    assert not is_identifying_committee_name("Quality and Performance Sub-Committee")
    assert is_identifying_committee_name("Kingsmead Forum")
    assert is_identifying_committee_name("Ashworth Partnership Board")
