"""Suppressing the small counts of a feedback summary so that no hidden count can be rebuilt.

A pure module, and the one rule every table of a summary follows: the option sets the places
proposed, the answers to each fixed-answer question, and the bands places gave in each cell of
a heat map. Each such table is a row of counts that share a total the reader knows (how many
places proposed, answered or rated; the summary shows it, or the reader counts the labels of
the detailed review), so hiding small counts one by one is not enough:

- primary suppression: a count from 1 to threshold - 1 is shown as "fewer than {threshold}";
- secondary suppression: if what is left shown still pins a hidden count to one value (one
  hidden count is the total minus the others; two "fewer than 3" that add up to 2 are both 1),
  the smallest count still shown is hidden too, as "not shown" (it is at least the threshold,
  so "fewer than" would be false), and again until no hidden count has a single possible value;
- when every count that is not zero ends up hidden, the table is withheld as a whole: a reader
  gets one sentence instead of a table of "fewer than 3" that tells them nothing.

A reader of the table is assumed to know the rule: a "fewer than N" count lies between 1 and
N - 1; a "not shown" count lies between N and the smallest count shown (it was the smallest
when it was hidden). Zero is shown as 0, since nobody is identified by nobody; zeros are hidden
only inside a withheld table, which says nothing about any answer.

What this does not cover: a reader who also reasons about why a count was hidden to protect
another (that the small counts alone would have been pinned) can, in a few small tables, narrow
further; enumerating every table of two to four values and up to ten places with thresholds
2 to 4 finds 7 such tables in 3,951 (0.2%), each needing the reader to rerun the
rule on every possible table. A table of two values with two places is one of them by nature.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

NOT_SHOWN: Final = "not shown"


def fewer_than(threshold: int) -> str:
    return f"fewer than {threshold}"


class Hidden(StrEnum):
    """Why a table hides what it hides: only counts too small to show ("small"), or also
    counts hidden to protect a small one ("protected"). The wording of a hidden value says
    which, and is the same for every hidden value of one table."""

    NONE = ""
    SMALL = "small"
    PROTECTED = "protected"


@dataclass(frozen=True)
class SuppressedRow:
    """A row of counts as a reader may see it: each count, or "fewer than N" / "not shown";
    `hidden` marks the hidden ones; `withheld` is set when the row is shown as one sentence
    instead of a table (every count then reads "not shown")."""

    counts: tuple[int | str, ...]
    hidden: tuple[bool, ...]
    wording: Hidden
    withheld: bool

    @property
    def hides_anything(self) -> bool:
        return any(self.hidden)


def _bounds(
    counts: Sequence[int], primary: set[int], secondary: set[int], threshold: int
) -> dict[int, tuple[int, int]]:
    """What a reader who knows the rule can say of each hidden count: (lowest, highest). A
    count hidden to protect another was the smallest shown when it was hidden (the first of
    equals), so it is at most each count still shown, and less than one shown before it."""
    hidden = primary | secondary
    bounds = dict.fromkeys(primary, (1, threshold - 1))
    for index in secondary:
        ceilings = [
            count - (other < index)
            for other, count in enumerate(counts)
            if other not in hidden and count > 0
        ]
        bounds[index] = (threshold, min(ceilings, default=sum(counts)))
    return bounds


def pinned_counts(bounds: dict[int, tuple[int, int]], hidden_total: int) -> set[int]:
    """The hidden counts a reader can work out exactly, from each one's bounds and their total
    (the row's total minus every count shown). Integer counts in ranges add up to every value
    between their least and greatest sums, so each count's possible values are exactly the
    range these bounds give."""
    low_sum = sum(low for low, _ in bounds.values())
    high_sum = sum(high for _, high in bounds.values())
    pinned = set()
    for index, (low, high) in bounds.items():
        least = max(low, hidden_total - (high_sum - high))
        most = min(high, hidden_total - (low_sum - low))
        if least >= most:
            pinned.add(index)
    return pinned


def _withheld_is_pinned(counts: Sequence[int], threshold: int) -> bool:
    """Whether "no answer was given by N or more places" would itself pin the counts: every
    count is then between 0 and N - 1, which fixes them all when they add up to the most they
    could (4 places, two answers, threshold 3: two each)."""
    return sum(counts) == len(counts) * (threshold - 1)


def suppress_row(counts: Sequence[int], *, threshold: int) -> SuppressedRow:
    """The row `counts` (each place counted once, in one cell) as it may be shown, under the
    module's rule."""
    if threshold < 1:
        raise ValueError("The threshold must be at least 1.")
    if any(count < 0 for count in counts):
        raise ValueError(f"A count cannot be negative ({list(counts)}).")
    primary = {index for index, count in enumerate(counts) if 0 < count < threshold}
    secondary: set[int] = set()
    while primary:
        hidden = primary | secondary
        hidden_total = sum(counts[index] for index in hidden)
        if not pinned_counts(_bounds(counts, primary, secondary, threshold), hidden_total):
            break
        candidates = [
            (count, index) for index, count in enumerate(counts) if index not in hidden and count
        ]
        if not candidates:
            break
        secondary.add(min(candidates)[1])
    hidden = primary | secondary
    if hidden and all(index in hidden for index, count in enumerate(counts) if count):
        return _withheld(counts, threshold, protected=bool(secondary))
    shown: list[int | str] = []
    for index, count in enumerate(counts):
        if index in primary:
            shown.append(fewer_than(threshold))
        elif index in secondary:
            shown.append(NOT_SHOWN)
        else:
            shown.append(count)
    wording = Hidden.PROTECTED if secondary else Hidden.SMALL if primary else Hidden.NONE
    return SuppressedRow(
        counts=tuple(shown),
        hidden=tuple(index in hidden for index in range(len(counts))),
        wording=wording,
        withheld=False,
    )


def _withheld(counts: Sequence[int], threshold: int, *, protected: bool) -> SuppressedRow:
    """A row with no count that is not zero left to show: one sentence says so, in words that
    are true of every count ("small" only when every count is below the threshold and saying
    so does not itself pin them)."""
    small = not protected and not _withheld_is_pinned(counts, threshold)
    return SuppressedRow(
        counts=tuple(NOT_SHOWN for _ in counts),
        hidden=tuple(True for _ in counts),
        wording=Hidden.SMALL if small else Hidden.PROTECTED,
        withheld=True,
    )
