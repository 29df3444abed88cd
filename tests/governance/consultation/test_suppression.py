"""The one suppression rule of a feedback summary's tables (governance.consultation.suppression):
small counts hidden, counts that would give them away hidden too, a table with nothing left to
show withheld as a sentence, and every hidden count described truly."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.consultation.suppression import (
    NOT_SHOWN,
    Hidden,
    SuppressedRow,
    fewer_than,
    pinned_counts,
    suppress_row,
)
from tests.reach import Reach, reaching

F3 = fewer_than(3)


@pytest.mark.parametrize(
    ("counts", "threshold", "shown", "wording", "withheld"),
    [
        # Nothing small: all shown, zeros too.
        ((5, 0, 3), 3, (5, 0, 3), Hidden.NONE, False),
        ((0, 0, 0), 3, (0, 0, 0), Hidden.NONE, False),
        ((), 3, (), Hidden.NONE, False),
        # Two small counts whose sum (total minus the rest) does not pin either.
        ((2, 1, 3, 3), 3, (F3, F3, 3, 3), Hidden.SMALL, False),
        # One small count is the total minus the rest: the smallest other count goes too.
        ((1, 0, 4, 5), 3, (F3, 0, NOT_SHOWN, 5), Hidden.PROTECTED, False),
        # Two "fewer than 3" adding up to 2 would both be 1.
        ((1, 1, 4, 5), 3, (F3, F3, NOT_SHOWN, 5), Hidden.PROTECTED, False),
        # ... and hiding the 3 is not enough (the 3 would be 3, so they would be 1 each).
        ((1, 1, 3, 5), 3, (NOT_SHOWN,) * 4, Hidden.PROTECTED, True),
        # Threshold edges: 2 is below 3, 3 is not; a threshold of 1 hides nothing.
        ((2, 3, 3), 3, (NOT_SHOWN, NOT_SHOWN, NOT_SHOWN), Hidden.PROTECTED, True),
        ((1, 2, 1), 1, (1, 2, 1), Hidden.NONE, False),
    ],
)
def test_examples(
    counts: tuple[int, ...], threshold: int, shown: tuple, wording: Hidden, withheld: bool
) -> None:
    row = suppress_row(counts, threshold=threshold)
    assert (row.counts, row.wording, row.withheld) == (shown, wording, withheld)


def test_five_places_over_three_answers_are_one_sentence_not_three_fewer_than() -> None:
    row = suppress_row([2, 2, 1], threshold=3)
    assert row.withheld and row.wording == Hidden.SMALL
    assert row.counts == (NOT_SHOWN,) * 3


def test_a_rare_answer_beside_a_common_one_hides_both() -> None:
    """4 and 1 of 5: "fewer than 3" beside 4 is 1; the 4 is hidden too, and nothing non-zero
    is left, so the table is withheld in words that do not claim every count is small."""
    row = suppress_row([4, 1, 0], threshold=3)
    assert row.withheld and row.wording == Hidden.PROTECTED


def test_withheld_small_words_are_not_used_when_they_would_pin_the_counts() -> None:
    """Four places over two answers, two each: "no answer by 3 or more places" means 2 each."""
    assert suppress_row([2, 2], threshold=3).wording == Hidden.PROTECTED
    assert suppress_row([2, 1], threshold=3).wording == Hidden.SMALL


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="threshold"):
        suppress_row([1], threshold=0)
    with pytest.raises(ValueError, match="negative"):
        suppress_row([1, -1], threshold=3)


def test_pinned_counts_is_total_minus_the_others() -> None:
    assert pinned_counts({0: (1, 2)}, 2) == {0}
    assert pinned_counts({0: (1, 2), 1: (1, 2)}, 2) == {0, 1}
    assert pinned_counts({0: (1, 2), 1: (1, 2)}, 3) == set()
    assert pinned_counts({0: (1, 2), 1: (3, 4)}, 5) == set()


# Properties ------------------------------------------------------------------------------------

# A table has at least two values (a fixed-answer question has two answers or more); the one
# count of a table of one value is its total, which no rule can hide.
rows = st.tuples(
    st.lists(st.integers(min_value=0, max_value=7), min_size=2, max_size=5),
    st.integers(min_value=1, max_value=5),
)


def readings(row: SuppressedRow, total: int, threshold: int) -> list[range]:
    """What each count may be, to a reader who knows what the words mean and that a count
    hidden to protect another was the smallest shown (the first of equals) when hidden."""
    shown = [(index, c) for index, c in enumerate(row.counts) if isinstance(c, int) and c > 0]
    possible = []
    for index, count in enumerate(row.counts):
        if isinstance(count, int):
            possible.append(range(count, count + 1))
        elif row.withheld:
            top = threshold - 1 if row.wording == Hidden.SMALL else total
            possible.append(range(0, top + 1))
        elif count == NOT_SHOWN:
            ceiling = min((c - (i < index) for i, c in shown), default=total)
            possible.append(range(threshold, ceiling + 1))
        else:
            possible.append(range(1, threshold))
    return possible


def test_no_hidden_count_can_be_worked_out() -> None:
    @reaching(settings(max_examples=300, deadline=None), given(rows))
    def check(reach: Reach, case: tuple[list[int], int]) -> None:
        counts, threshold = case
        row = suppress_row(counts, threshold=threshold)
        total = sum(counts)
        fits = [
            vector
            for vector in itertools.product(*readings(row, total, threshold))
            if sum(vector) == total
        ]
        reach.assertion()
        assert tuple(counts) in fits  # the reading is true of the real counts
        for index, count in enumerate(counts):
            if row.hidden[index] and count > 0:
                assert len({vector[index] for vector in fits}) > 1, (counts, row)

    check()


def test_every_count_is_described_truly() -> None:
    @reaching(settings(max_examples=300, deadline=None), given(rows))
    def check(reach: Reach, case: tuple[list[int], int]) -> None:
        counts, threshold = case
        row = suppress_row(counts, threshold=threshold)
        reach.assertion()
        assert len(row.counts) == len(counts)
        for count, shown, hidden in zip(counts, row.counts, row.hidden, strict=True):
            assert hidden == (not isinstance(shown, int))
            if not hidden:
                assert shown == count and not 0 < count < threshold
            elif shown == fewer_than(threshold):
                assert 0 < count < threshold
            else:
                assert shown == NOT_SHOWN and (count >= threshold or row.withheld)
        # Withheld exactly when something is hidden and no count that is not zero is left.
        nothing_left = not any(isinstance(s, int) and s > 0 for s in row.counts)
        assert row.withheld == (any(row.hidden) and nothing_left)
        if row.withheld and row.wording == Hidden.SMALL:
            assert all(count < threshold for count in counts)
        if threshold == 1:
            assert not any(row.hidden)

    check()
