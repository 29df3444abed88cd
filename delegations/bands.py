"""Amounts of money and value bands, as schemes of delegation write them.

The rule, decided by `band_contains` and followed by the decision router and the scheme
editor's overlap check (`bands_overlap`): a band holds the values over its "from" up to and
including its "up to"; a band whose "from" is £0 also holds £0. Its "up to" is inside the
band and a non-zero "from" is outside it, so adjacent bands (from £0 up to £250,000, and from
£250,000 up to £1,000,000) never share a value: £250,000 is in the first.

`band_text` is the one wording of a band, used by every page, file and message that shows
one, so a reader can always tell which side of a boundary a value falls:

    from      up to        wording
    £0        (none)       any value
    £0        £500,000     up to and including £500,000
    £500,000  (none)       over £500,000
    £500,000  £1,000,000   over £500,000 up to and including £1,000,000
    £500,000  £500,000     no value (over £500,000 up to and including £500,000)

"over" says the "from" itself is not in the band; "up to and including" says the "up to"
is."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# The largest amount a limit or a decision may hold (the columns hold 14 digits with pence).
MAX_POUNDS = Decimal("999999999999.99")
_MULTIPLIERS = {"": 1, "k": 1_000, "m": 1_000_000, "bn": 1_000_000_000}
_POUNDS = re.compile(r"(-?\d+(?:\.\d+)?)(k|m|bn)?")


def money(value: Decimal | None) -> str:
    """£250,000 (pence only when there are some)."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return f"£{value:,.0f}"
    return f"£{value:,.2f}"


def parse_pounds(text: str) -> Decimal:
    """ "£2.5m", "2,500,000", "250k" or "1,000.50" → Decimal pounds, the way people write
    amounts in schemes of delegation. ValueError for anything else, including fractions of a
    penny; the caller decides whether a negative amount is allowed."""
    cleaned = text.strip().lower().replace(",", "").replace("£", "").replace(" ", "")
    match = _POUNDS.fullmatch(cleaned)
    if not match:
        raise ValueError(text)
    try:
        amount = Decimal(match.group(1)) * _MULTIPLIERS[match.group(2) or ""]
        exact = amount.quantize(Decimal("0.01"))
    except InvalidOperation as error:
        raise ValueError(text) from error
    if exact != amount:
        raise ValueError(text)
    return exact


def band_text(limit_from: Decimal, limit_to: Decimal | None) -> str:
    """The band in words (see the table above): "any value", "up to and including
    £250,000", "over £250,000", "over £250,000 up to and including £1,000,000"."""
    if limit_from <= 0:
        return "any value" if limit_to is None else f"up to and including {money(limit_to)}"
    over = f"over {money(limit_from)}"
    if limit_to is None:
        return over
    text = f"{over} up to and including {money(limit_to)}"
    # A band whose "up to" equals its non-zero "from" holds nothing; say so rather than let
    # the words suggest it holds that one amount.
    return f"no value ({text})" if limit_to <= limit_from else text


def band_values(limit_from: Decimal, limit_to: Decimal | None) -> str:
    """The band as what a line covers, inside a sentence: "any value", "values over
    £250,000 up to and including £1,000,000"."""
    words = band_text(limit_from, limit_to)
    return words if words == "any value" or words.startswith("no value") else f"values {words}"


def band_contains(limit_from: Decimal, limit_to: Decimal | None, value: Decimal) -> bool:
    """Whether a value falls in a band: over its "from" (or from nothing, when it starts at
    £0) up to and including its "up to". The rule every other function here follows."""
    above_floor = value > limit_from or limit_from <= 0
    return above_floor and (limit_to is None or value <= limit_to)


def bands_overlap(
    a_from: Decimal, a_to: Decimal | None, b_from: Decimal, b_to: Decimal | None
) -> bool:
    """Whether two bands share a value, by `band_contains`'s rule: up to and including
    £250,000 and over £250,000 follow on without overlapping."""
    lowest = max(a_from, b_from)
    ceilings = [to for to in (a_to, b_to) if to is not None]
    if not ceilings:
        return True
    highest = min(ceilings)
    # Past the shared floor, they share the values up to the lower ceiling; at £0 both bands
    # start from nothing and so both hold £0 itself.
    return lowest < highest or lowest <= 0 <= highest
