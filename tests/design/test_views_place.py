"""The place page as a member reads it: its consultation rounds, each with its deadline in
the right tense."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from governance.consultation.rounds import round_close_now
from tests.factories import make_round

pytestmark = pytest.mark.django_db


def round_line(page: str, title: str) -> str:
    """The text of the place page's list item for the round called `title`."""
    match = re.search(rf"<li><a [^>]*>{re.escape(title)}</a>(.*?)</li>", page, re.S)
    assert match, f"no round called {title!r} on the page"
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_a_round_still_open_closes_and_a_past_round_closed(client, world):
    framework_round = make_round(system=world.system, title="Governance options 2026")
    past = make_round(
        system=world.system, framework=framework_round.framework, title="Governance options 2025"
    )
    round_close_now(actor=world.icb_admin, round=past)

    client.force_login(world.member_a)
    page = client.get(reverse("place_detail", args=[world.place_a.pk])).content.decode()

    assert round_line(page, "Governance options 2026").startswith(" – closes ")
    assert round_line(page, "Governance options 2025").startswith(" – closed ")
