"""The identifiers the scrubber finds by pattern rather than by name (`anonymise`): e-mail
addresses, URLs (http, https, www. and bare domains under common UK and generic suffixes), NHS
numbers (10 digits, only with a valid modulus 11 check digit), UK telephone numbers (01, 02,
03 and 07 numbers, +44 and 0044 forms, with spaces, hyphens and brackets) and full UK
postcodes ("SW1A 1AA", "M1 1AE"; an outward code alone such as "SW1A" is left, because it
names a district, not an address). A pure module."""

from __future__ import annotations

import re
from typing import Final

from governance.consultation.models import RemovedText

EMAIL: Final = RemovedText.EMAIL.value
PHONE: Final = RemovedText.PHONE.value
POSTCODE: Final = RemovedText.POSTCODE.value
URL: Final = RemovedText.URL.value
NHS_NUMBER: Final = RemovedText.NHS_NUMBER.value

# Patterns --------------------------------------------------------------------------------

_EMAIL_RE: Final = re.compile(
    r"(?<![\w.+'-])[\w.+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?![\w@-])", re.ASCII
)
_URL_RE: Final = re.compile(
    r"(?<![\w@/.-])(?:https?://|www\.)[^\s<>\"'\[\]]+"
    # A bare domain with a common suffix: "ashworth.gov.uk/consultation".
    r"|(?<![\w@/.-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
    r"\.(?:nhs\.uk|gov\.uk|org\.uk|co\.uk|ac\.uk|com|org|net)(?![\w-])(?:/[^\s<>\"'\[\]]*)?",
    re.IGNORECASE,
)
_URL_TRAILING = ".,;:!?)"
_URL_HINT_RE: Final = re.compile(
    r"https?://|www\.|\.(?:uk|com|org|net)(?![A-Za-z0-9-])", re.IGNORECASE
)
_DIGIT_RE: Final = re.compile(r"\d")
_NHS_NUMBER_RE: Final = re.compile(r"(?<![\w+])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\w])", re.ASCII)
_PHONE_RE: Final = re.compile(
    r"(?<![\w+(])"
    r"(?:(?:\+44|0044)[ -]?(?:\(0\)[ -]?)?\(?|\(?0)"
    r"[1237](?:[ \-()]{0,2}\d){8,9}(?!\d)",
    re.ASCII,
)
_POSTCODE_RE: Final = re.compile(
    r"(?<![\w])[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}(?![\w])",
    re.IGNORECASE | re.ASCII,
)


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number's modulus 11 check: weights 10 to 2 on the first nine digits; the check
    digit is 11 minus the remainder (11 becomes 0; 10 means the number is invalid)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _phone_is_plausible(text: str) -> bool:
    digits = re.sub(r"\D", "", text)
    if digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44"):
        digits = "0" + digits[2:]
    if digits.startswith("00"):  # "+44 (0)20 …": the (0) is written but not dialled
        digits = digits[1:]
    return len(digits) in (10, 11) and digits[1] in "1237"


def pattern_spans(text: str) -> list[tuple[int, int, str]]:
    """E-mails, URLs, NHS numbers, phones and postcodes, in that order of precedence: an
    e-mail's domain is not also a URL, a valid NHS number is not also a phone number."""
    found: list[tuple[int, int, str]] = []

    def add(start: int, end: int, kind: str) -> None:
        if start < end and not any(start < e and end > s for s, e, _ in found):
            found.append((start, end, kind))

    # Each pattern is tried only where the text has what it needs: most answers have no
    # "@", no domain and no digits, and these checks are far cheaper than the patterns.
    if "@" in text:
        for match in _EMAIL_RE.finditer(text):
            add(match.start(), match.end(), EMAIL)
    if _URL_HINT_RE.search(text):
        for match in _URL_RE.finditer(text):
            value = match.group().rstrip(_URL_TRAILING)
            add(match.start(), match.start() + len(value), URL)
    if _DIGIT_RE.search(text):
        for match in _NHS_NUMBER_RE.finditer(text):
            if nhs_number_is_valid("".join(match.groups())):
                add(match.start(), match.end(), NHS_NUMBER)
        for match in _PHONE_RE.finditer(text):
            if _phone_is_plausible(match.group()):
                add(match.start(), match.end(), PHONE)
        for match in _POSTCODE_RE.finditer(text):
            add(match.start(), match.end(), POSTCODE)
    return found
