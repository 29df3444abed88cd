"""What people might type into any form, biased towards what breaks renderers: markup,
template syntax, spreadsheet formulas, control characters. Shared by the property-based
tests, which check that every form's text comes back as text."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.db import transaction
from hypothesis import strategies as st

from core.text_input import clean_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# A tag no template of ours writes: if it reaches a page unescaped, markup got through.
MARKER_TAG = "<pgd-injected"

HOSTILE_SAMPLES = [
    "<script>alert(1)</script>",
    f"{MARKER_TAG}>x</pgd-injected>",
    '"><pgd-injected onerror=alert(1)>',
    "{{ request.user.password }}",
    "{% csrf_token %}",
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2",
    "@SUM(A1)",
    "\t=1",
    "Ashford &amp; <b>bold</b>",
]

# Something must be left once the rule for text a request may bring (core/text_input.py) has
# taken out what cannot be stored. NUL stays out: some tests hand the text straight to services.
hostile_text = st.one_of(
    st.text(min_size=1, max_size=60),
    st.sampled_from(HOSTILE_SAMPLES),
    st.tuples(st.sampled_from(HOSTILE_SAMPLES), st.text(max_size=20)).map("".join),
).filter(lambda text: clean_text(text).strip() != "" and "\x00" not in text)


def hostile_texts(count: int) -> st.SearchStrategy[list[str]]:
    """`count` hostile texts, one for each thing a test types; unpack them by name."""
    return st.lists(hostile_text, min_size=count, max_size=count)


def assert_no_injected_markup(html: str) -> None:
    """No hostile tag or inline handler got through unescaped."""
    assert MARKER_TAG not in html, "injected markup reached the page unescaped"
    assert "<script>alert(1)" not in html, "an injected script reached the page unescaped"


@contextmanager
def rolled_back() -> Iterator[None]:
    """One example's records, undone when it ends, however it ends: hypothesis reuses the
    test's fixtures for every example, so nothing one example adds may be seen by the next.
    That includes the throttles' counts in the cache (partners.throttling)."""
    with transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)
            cache.clear()
