"""Text no database column can hold (NUL, the other C0 controls, lone surrogates, U+FFFE and
U+FFFF), typed into every field, search box and query parameter of every URL, and sent in
the htmx headers, by a person allowed to reach the URL: never a 500.

SQLite stores NUL, so the failure this guards against (PostgreSQL's "text fields cannot
contain NUL") shows only on PostgreSQL, which CI runs; on SQLite the walk still checks that
the rule in core/text_input.py leaves no page broken.

A lone surrogate cannot be encoded as UTF-8, so it is sent as a client could send it: its
three bytes encoded anyway ("surrogatepass"), percent-encoded, in the query string and the
form body."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote_from_bytes

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile import rolled_back
from tests.properties.test_authorisation_matrix import (
    ANONYMOUS,
    MATRIX,
    Entry,
    Targets,
    targets,  # noqa: F401  (the fixture)
)
from tests.reach import Reach, reaching

pytestmark = pytest.mark.django_db

UNSTORABLE = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\ud800", "\udfff", "\uffff"]
WORDS = ["Ashford ", "plan", " & ", "<b>", "\t", "\n", "é", "\U0001f600"]

# Starts with a word, so a required field still has something in it once the characters
# that cannot be stored are gone.
unstorable_text = st.builds(
    lambda parts, bad: "Plan " + "".join(parts) + bad,
    st.lists(st.sampled_from(UNSTORABLE + WORDS), max_size=6),
    st.sampled_from(UNSTORABLE),
)

# Fields a person types into; the others (hidden versions, choices, checkboxes) keep the
# value the page gave them, so the typed text gets as far as being saved.
TYPED_INPUTS = {"text", "search", "email", "url", "tel", "password", ""}
HTMX_HEADERS = ("TARGET", "TRIGGER", "TRIGGER_NAME", "PROMPT", "CURRENT_URL")

examples = settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class FormFields(HTMLParser):
    """Every named field of every form on a page: (name, what it holds, typed into?)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, tuple[str, bool]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        name = found.get("name", "")
        if tag == "input" and name:
            kind = found.get("type", "").lower()
            if kind in {"checkbox", "radio"} and "checked" not in found:
                self.fields.setdefault(name, (found.get("value", "on"), False))
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                self.fields[name] = (found.get("value", ""), kind in TYPED_INPUTS)
        elif tag == "textarea" and name:
            self.fields[name] = ("", True)
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and self._select not in self.fields:
            self.fields[self._select] = (found.get("value", ""), False)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def who_reaches(entry: Entry) -> str | None:
    """A person allowed to reach (and, if anyone may, change things at) the URL."""
    if entry.public:
        return ANONYMOUS
    changers = entry.allowed if entry.post_allowed is None else entry.post_allowed
    return min(changers & entry.allowed, default=None) or min(entry.allowed, default=None)


def page_fields(client: Client, url: str) -> dict[str, tuple[str, bool]]:
    """The fields of the page and of its htmx partial (an autosave endpoint's GET is its
    field group), whatever the page answers."""
    parser = FormFields()
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.get(url, follow=not headers, **headers)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            parser.feed(response.content.decode())
    parser.fields.pop("csrfmiddlewaretoken", None)
    return parser.fields


def encoded(text: str) -> str:
    return quote_from_bytes(text.encode("utf-8", "surrogatepass"))


def form_body(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{encoded(k)}={encoded(v)}" for k, v in pairs)


def htmx_headers(text: str) -> dict[str, str]:
    """htmx's headers carrying the text (as a header can: Latin-1, so no surrogates)."""
    header_text = text.encode("latin-1", "replace").decode("latin-1")
    headers = {f"HTTP_HX_{name}": header_text for name in HTMX_HEADERS}
    return headers | {"HTTP_HX_REQUEST": "true", "HTTP_USER_AGENT": header_text}


def check_url(client: Client, url: str, fields: dict[str, tuple[str, bool]], text: str) -> None:
    typed = [(name, text if typed else value) for name, (value, typed) in fields.items()]
    query = form_body([("q", text), ("page", text), (text, text), *typed])
    body = form_body([*typed, ("q", text)])
    said = f"{url} with {text!r}"
    for headers in ({}, htmx_headers(text)):
        response = client.get(f"{url}?{query}", **headers)
        assert response.status_code < 500, f"GET {said}: {response.status_code}"
        response = client.post(
            url, body, content_type="application/x-www-form-urlencoded", **headers
        )
        assert response.status_code < 500, f"POST {said}: {response.status_code}"


# Every URL of the matrix someone may reach (today, all of them). A URL nobody may reach has
# no page for the text to break; the authorisation matrix checks that it refuses everyone.
REACHABLE = [name for name, entry in MATRIX.items() if who_reaches(entry) is not None]


@pytest.mark.parametrize("name", REACHABLE)
def test_unstorable_text_never_breaks_a_page(
    client: Client,
    targets: Targets,  # noqa: F811
    name: str,
):
    entry = MATRIX[name]
    role = who_reaches(entry)
    if role != ANONYMOUS:
        client.force_login(getattr(targets.world, role))
    url = reverse(name, kwargs=entry.kwargs(targets))
    fields = page_fields(client, url)

    @reaching(examples, given(text=unstorable_text))
    def sent(reach: Reach, text: str) -> None:
        with rolled_back():
            reach.assertion()
            check_url(client, url, fields, text)

    sent()


@pytest.mark.parametrize("name", ["invitation_accept", "password_reset_confirm"])
def test_unstorable_text_in_an_address_is_not_found(client: Client, name: str):
    """The addresses that carry a free token: one that cannot be stored names nothing."""
    kwargs = {"token": "t"} if name == "invitation_accept" else {"uidb64": "MQ", "token": "t"}

    @reaching(given(text=unstorable_text.filter(lambda t: "/" not in t)), examples)
    def sent(reach: Reach, text: str) -> None:
        url = reverse(name, kwargs=kwargs).replace("/t/", f"/t{encoded(text)}/")
        body = form_body([("new_password1", text), ("new_password2", text), ("password", text)])
        with rolled_back():
            reach.assertion()
            assert client.get(url).status_code == 404
            form = "application/x-www-form-urlencoded"
            assert client.post(url, body, content_type=form).status_code == 404

    sent()
