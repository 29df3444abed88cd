"""The one rule for text that arrives from outside: characters that cannot be stored are
taken out before any view, form or service sees them.

"Cannot be stored" is what XML 1.0 calls not a character: NUL and the other C0 controls
except tab, line feed and carriage return; lone surrogates (U+D800-U+DFFF); and U+FFFE and
U+FFFF. PostgreSQL refuses NUL in a text column (a 500, where SQLite stores it), and the Word,
OpenDocument and Excel exports cannot hold any of them; none is anything a person meant to
type.

They are stripped, not refused: Django's forms refuse NUL (ProhibitNullCharactersValidator),
but our autosave endpoints, search boxes and hand-read query parameters have no form to show
that refusal in, and a refusal would cost a person their answer over a character they never
saw (pasted from another program). One rule applied once, by `UnstorableTextMiddleware` for
every request, is the same in every form, autosave and search box. The controls that
separate words (vertical tab, form feed, and the file, group, record and unit separators;
Word copies a line break inside a paragraph as a vertical tab) become a space, so the words
either side do not run together; every other one is removed.

Code that takes text from elsewhere (an uploaded file, an import) uses `clean_text` too."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, QueryDict

# Not an XML 1.0 Char (https://www.w3.org/TR/xml/#charsets).
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Of those, the ones Python counts as whitespace.
WORD_SEPARATORS = re.compile("[\x0b\x0c\x1c-\x1f]")


def is_storable(text: str) -> bool:
    return UNSTORABLE.search(text) is None


def clean_text(text: str) -> str:
    """`text` without the characters that cannot be stored (word separators as spaces)."""
    if is_storable(text):  # nearly always: no copy
        return text
    return UNSTORABLE.sub("", WORD_SEPARATORS.sub(" ", text))


def clean_query_dict(data: QueryDict) -> QueryDict:
    """`data` itself if all of it can be stored, else an immutable copy, cleaned."""
    if all(is_storable(k) and all(map(is_storable, vs)) for k, vs in data.lists()):
        return data
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(clean_text(key), [clean_text(v) for v in values])
    cleaned._mutable = False
    return cleaned


# The bodies whose fields Django parses into request.POST; others (none yet) are the view's.
FORM_BODIES = ("application/x-www-form-urlencoded", "multipart/form-data")


class UnstorableTextMiddleware:
    """Cleans every request's query string, form fields and headers by `clean_text`.

    First in MIDDLEWARE, so the session, CSRF, htmx, axes (which stores the user agent and
    the sign-in name) and every view see only the cleaned text. Uploaded files are the
    uploading code's to check. A path with such characters (or with bytes that are not UTF-8)
    names no page of ours, so it is not found, before a view could look a record up by it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Django re-percent-encodes path bytes that are not UTF-8 (a lone surrogate sent as
        # its bytes), so a "%" left in the decoded path is such text, or a literal "%": no
        # address of ours holds either.
        if not is_storable(request.path_info) or "%" in request.path_info:
            raise Http404("No page has that address.")
        for key, value in list(request.META.items()):
            if key.startswith("HTTP_") and isinstance(value, str) and not is_storable(value):
                request.META[key] = clean_text(value)
        request.GET = clean_query_dict(request.GET)  # type: ignore[assignment]
        if request.method == "POST" and request.content_type in FORM_BODIES:
            # Parses the body now rather than at the CSRF check: nothing here reads the raw
            # body or changes upload handlers, and this is before any view could.
            request.POST = clean_query_dict(request.POST)  # type: ignore[assignment]
        return self.get_response(request)
