"""Ten people's autosaves of one answer arriving at once, at a real threaded server on a
database file: each waits its turn. On SQLite (`make run`, `make test`) this needs the
settings in config/settings/base.py (WAL, a busy timeout, BEGIN IMMEDIATE); without them
some of the saves failed with 500 "database is locked". One save wins; the others are the
app's own conflict replies, and the answer holds one of the texts."""

from __future__ import annotations

import re
import threading
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.test import Client
from django.urls import reverse

from governance.consultation.models import Answer
from tests.conftest import World
from tests.factories import make_member, make_round

SESSIONS = 10
TIMEOUT_SECONDS = 60
CONFLICT = "while you were editing it"


def request(live_server: Any, method: str, path: str, **kwargs: Any) -> tuple[int, str, Any]:
    """One request on a connection of its own: the status, the page and the headers."""
    address = urlsplit(live_server.url)
    connection = HTTPConnection(address.hostname or "", address.port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request(method, path, **kwargs)
        reply = connection.getresponse()
        return reply.status, reply.read().decode(), reply.headers
    finally:
        connection.close()


def browser_session(live_server: Any, user: Any, page_url: str) -> dict[str, str]:
    """The headers of a signed-in session of its own, as a browser sends them: its cookies
    and the CSRF token the page gave it."""
    client = Client()
    client.force_login(user)
    session = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    status, html, headers = request(live_server, "GET", page_url, headers={"Cookie": session})
    assert status == 200, status
    csrf = SimpleCookie(headers.get("Set-Cookie", ""))[settings.CSRF_COOKIE_NAME].value
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "the response page has no CSRF token"
    return {
        "Cookie": f"{session}; {settings.CSRF_COOKIE_NAME}={csrf}",
        "X-CSRFToken": found.group(1),
        "HX-Request": "true",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def test_ten_autosaves_of_one_answer_at_once_all_get_a_reply(
    transactional_db: None, live_server: Any, world: World
) -> None:
    consultation = make_round(system=world.system)
    question = consultation.questions.first()
    people = [make_member(place=world.place_a) for _ in range(SESSIONS)]
    args = [world.place_a.pk, consultation.pk]
    page_url = reverse("proposal:response", args=args)
    answer_url = reverse("proposal:answer", args=[*args, question.pk])
    sessions = [browser_session(live_server, person, page_url) for person in people]
    key = f"answer-{question.pk}"
    texts = [f"Our answer, written by person {n}." for n in range(SESSIONS)]

    start = threading.Barrier(SESSIONS)
    replies: list[tuple[int, str] | BaseException] = [ValueError("no reply")] * SESSIONS

    def autosave(n: int) -> None:
        body = urlencode({f"{key}-text": texts[n], f"{key}-version": "0"})
        start.wait()
        try:
            status, html, _ = request(
                live_server, "POST", answer_url, body=body, headers=sessions[n]
            )
            replies[n] = (status, html)
        except BaseException as error:  # reported below, with the others
            replies[n] = error

    threads = [threading.Thread(target=autosave, args=(n,)) for n in range(SESSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    failed = [
        reply if isinstance(reply, BaseException) else reply[0]
        for reply in replies
        if not isinstance(reply, tuple) or reply[0] != 200
    ]
    assert not failed, f"{len(failed)} of {SESSIONS} autosaves failed: {failed}"
    saved = [html for _, html in replies if "Saved at" in html]  # type: ignore[misc]
    conflicts = [html for _, html in replies if CONFLICT in html]  # type: ignore[misc]
    assert saved and len(saved) + len(conflicts) == SESSIONS
    answer = Answer.objects.get(response__place=world.place_a, question=question)
    assert answer.text in texts
    assert answer.version == len(saved)
