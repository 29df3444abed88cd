"""Value bands in words: every shape of band reads so that a reader can tell which side of
each boundary a value falls, and what the words say is exactly what `band_contains` decides."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from delegations.bands import band_contains, band_text, band_values, bands_overlap
from tests.reach import Reach, reaching

K = Decimal(1_000)
M = Decimal(1_000_000)
PENNY = Decimal("0.01")


@pytest.mark.parametrize(
    ("limit_from", "limit_to", "words"),
    [
        (Decimal(0), None, "any value"),
        (Decimal(0), 500 * K, "up to and including £500,000"),
        (500 * K, None, "over £500,000"),
        (500 * K, 1 * M, "over £500,000 up to and including £1,000,000"),
        (Decimal("0.50"), Decimal("1000.50"), "over £0.50 up to and including £1,000.50"),
        (Decimal(0), Decimal(0), "up to and including £0"),
        (500 * K, 500 * K, "no value (over £500,000 up to and including £500,000)"),
    ],
)
def test_every_shape_of_band_has_its_words(limit_from, limit_to, words):
    assert band_text(limit_from, limit_to) == words


def test_a_band_as_what_a_line_covers():
    assert band_values(Decimal(0), None) == "any value"
    assert band_values(Decimal(0), 250 * K) == "values up to and including £250,000"
    assert band_values(250 * K, None) == "values over £250,000"
    assert band_values(5 * K, 5 * K).startswith("no value")


def read_words(words: str):
    """A reader of the words alone: the test of each value the words describe."""
    if words == "any value":
        return lambda value: True
    if words.startswith("no value"):
        return lambda value: False
    amount = r"£([\d,]+(?:\.\d\d)?)"

    def pounds(text: str) -> Decimal:
        return Decimal(text.replace(",", ""))

    if match := re.fullmatch(rf"over {amount} up to and including {amount}", words):
        low, high = pounds(match.group(1)), pounds(match.group(2))
        return lambda value: low < value <= high
    if match := re.fullmatch(rf"over {amount}", words):
        low = pounds(match.group(1))
        return lambda value: value > low
    if match := re.fullmatch(rf"up to and including {amount}", words):
        high = pounds(match.group(1))
        return lambda value: value <= high
    raise AssertionError(f"words nobody can read: {words!r}")


def boundary_values(limit_from: Decimal, limit_to: Decimal | None) -> list[Decimal]:
    values = {Decimal(0), PENNY, limit_from, limit_from + PENNY, max(limit_from - PENNY, 0)}
    if limit_to is not None:
        values |= {limit_to, limit_to + PENNY, max(limit_to - PENNY, 0)}
    return sorted(values)


@pytest.mark.parametrize(
    ("limit_from", "limit_to"),
    [
        (Decimal(0), None),
        (Decimal(0), 500 * K),
        (500 * K, None),
        (500 * K, 1 * M),
        (Decimal(0), Decimal(0)),
        (500 * K, 500 * K),
    ],
)
def test_a_boundary_value_falls_where_the_words_say(limit_from, limit_to):
    reads = read_words(band_text(limit_from, limit_to))
    for value in boundary_values(limit_from, limit_to):
        assert reads(value) == band_contains(limit_from, limit_to, value), value


def test_adjacent_bands_put_their_shared_boundary_in_the_lower_band():
    # £500,000 is in "up to and including £500,000", not in "over £500,000".
    assert band_contains(Decimal(0), 500 * K, 500 * K)
    assert not band_contains(500 * K, 1 * M, 500 * K)
    assert not bands_overlap(Decimal(0), 500 * K, 500 * K, 1 * M)


amounts = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False)


@st.composite
def bands(draw: st.DrawFn) -> tuple[Decimal, Decimal | None]:
    limit_from = draw(st.one_of(st.just(Decimal(0)), amounts))
    limit_to = draw(st.one_of(st.none(), amounts.map(lambda extra: limit_from + extra)))
    return limit_from, limit_to


def test_the_words_and_the_overlap_rule_agree_with_band_contains():
    @reaching(settings(max_examples=200, deadline=None), given(band=bands(), other=bands()))
    def check(reach: Reach, band, other) -> None:
        reads = read_words(band_text(*band))
        values = boundary_values(*band) + boundary_values(*other)
        reach.assertion()
        for value in values:
            assert reads(value) == band_contains(*band, value), value
        shared = any(band_contains(*band, v) and band_contains(*other, v) for v in values)
        assert bands_overlap(*band, *other) == shared

    check()
