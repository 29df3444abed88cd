"""The rule for text that cannot be stored (core/text_input.py), on its own and as the
middleware applies it to a request."""

from __future__ import annotations

from django.http import QueryDict
from django.test import RequestFactory
from hypothesis import given, settings
from hypothesis import strategies as st

from core.text_input import UnstorableTextMiddleware, clean_query_dict, clean_text, is_storable
from tests.reach import Reach, reaching


def test_cleaned_text_is_storable_and_keeps_everything_that_was():
    @reaching(given(text=st.text(max_size=40)), settings(max_examples=300))
    def check(reach: Reach, text: str) -> None:
        cleaned = clean_text(text)
        reach.assertion()
        assert is_storable(cleaned)
        assert clean_text(cleaned) == cleaned
        if is_storable(text):
            assert cleaned is text

    check()


def test_what_goes_and_what_stays():
    assert clean_text("a\x00b\x01c\ud800d\uffff") == "abcd"
    # Word's line break inside a paragraph, a page break: the words stay apart.
    assert clean_text("one\x0btwo\x0cthree\x1ffour") == "one two three four"
    kept = "tab\there\r\nnew line, é, \u200b, \U0001f600, \x7f\x85"
    assert clean_text(kept) is kept


def test_a_query_dict_is_cleaned_keys_values_and_lists_alike():
    data = QueryDict(mutable=True)
    data.setlist("q\x00", ["Ash\x00ford", "two"])
    cleaned = clean_query_dict(data)
    assert cleaned.getlist("q") == ["Ashford", "two"]
    assert not cleaned._mutable
    clean = QueryDict("q=Ashford")
    assert clean_query_dict(clean) is clean


def test_the_middleware_cleans_the_query_string_the_form_and_the_headers():
    seen = {}

    def view(request):
        seen.update(
            q=request.GET["q"],
            text=request.POST["text"],
            agent=request.headers["User-Agent"],
            target=request.headers["HX-Target"],
        )

    request = RequestFactory().post(
        "/somewhere/?q=a%00b",
        "text=c%00d%ED%A0%80e",  # a NUL, and a lone surrogate's bytes
        content_type="application/x-www-form-urlencoded",
        headers={"User-Agent": "f\x00g", "HX-Target": "h\x1bi"},
    )
    UnstorableTextMiddleware(view)(request)
    # Django decodes a surrogate's bytes as U+FFFD, which can be stored.
    assert seen == {"q": "ab", "text": "cd\ufffd\ufffd\ufffde", "agent": "fg", "target": "hi"}
