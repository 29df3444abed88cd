"""Amounts of money and value bands, as schemes of delegation write them.

A band holds the values above its "from" (or from nothing, when it starts at £0) up to and
including its "up to": "up to £250,000" includes £250,000, so the next band, "£250,000 to
£1m", starts just above it. Adjacent bands therefore never share a value; the router's
`band_contains` and the scheme editor's overlap rule (`bands_overlap`) both follow it."""

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
    """£0 to £250,000, or £1,000,000 with no upper limit."""
    if limit_to is None:
        return f"{money(limit_from)} with no upper limit"
    return f"{money(limit_from)} to {money(limit_to)}"


def short_band(limit_from: Decimal, limit_to: Decimal | None) -> str:
    """£0–£250,000, or £1,000,000–no limit: a band inside a sentence."""
    return f"{money(limit_from)}–{money(limit_to) if limit_to is not None else 'no limit'}"


def band_label(limit_from: Decimal, limit_to: Decimal | None) -> str:
    """A band as the router's answer says it: any value, up to £250,000, from £1,000,000."""
    if limit_to is None:
        return "any value" if limit_from <= 0 else f"from {money(limit_from)}"
    if limit_from <= 0:
        return f"up to {money(limit_to)}"
    return f"{money(limit_from)} to {money(limit_to)}"


def band_contains(limit_from: Decimal, limit_to: Decimal | None, value: Decimal) -> bool:
    """Whether a value falls in a band: above its "from" (or from nothing, when it starts at
    £0) up to and including its "up to"."""
    above_floor = value > limit_from or limit_from <= 0
    return above_floor and (limit_to is None or value <= limit_to)


def bands_overlap(
    a_from: Decimal, a_to: Decimal | None, b_from: Decimal, b_to: Decimal | None
) -> bool:
    """Whether two bands share a value: £0–£250,000 and £250,000–£1,000,000 follow on
    without overlapping."""
    a_below_b_end = b_to is None or a_from < b_to
    b_below_a_end = a_to is None or b_from < a_to
    return a_below_b_end and b_below_a_end
