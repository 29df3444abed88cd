"""No page costs more than twelve SQL queries: every page each role reaches, with the realistic
scene the reflow test uses (a released summary, an open round, committees, schemes). The
per-area tests pin that each page's count stays flat as its rows grow; this one holds every
page to the budget, so a page that starts reading one more thing per section shows up here."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.queries import page_query_count
from tests.scene import ROLES, build_scene

# The scene compiles a feedback summary, which starts once its transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)

QUERY_BUDGET = 12


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_stays_within_the_query_budget(client, world: World, role: str) -> None:
    scene = build_scene(world)
    user_of, pages_of = ROLES[role]
    client.force_login(user_of(world))
    counts = {name: page_query_count(client, url) for name, url in pages_of(scene)}
    over = {name: count for name, count in counts.items() if count > QUERY_BUDGET}
    assert not over, f"{role}: pages over {QUERY_BUDGET} queries: {over}"
