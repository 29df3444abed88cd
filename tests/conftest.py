from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import settings

from partners.models import Place, Role, System, User
from partners.two_factor import REQUIRED_SESSION_KEY
from tests.browser_marks import misplaced_browser_marks
from tests.factories import (
    AuthenticatorAppFactory,
    PlaceFactory,
    SystemFactory,
    UserFactory,
    make_framework,
    make_member,
)
from tests.workers import private_redis_queue

# Under `make mutate` every mutant meets the same examples, so a mutant that survives once
# survives every run and is either killed by a test or listed as equivalent; random examples
# would kill some mutants in one run and not the next.
if "MUTANT_UNDER_TEST" in os.environ:
    settings.register_profile("mutation", derandomize=True, database=None)
    settings.load_profile("mutation")


@dataclass
class World:
    """Two systems; system one has places A and B. One person in each role."""

    system: System
    other_system: System
    place_a: Place
    place_b: Place
    member_a: User
    member_b: User
    lead_a: User
    icb_admin: User
    other_icb_admin: User
    advisory: User
    oversight: User
    outsider: User


@pytest.fixture
def world(db: None) -> World:
    system = SystemFactory(name="North Shire ICS", slug="north-shire")
    other_system = SystemFactory(name="South Vale ICS", slug="south-vale")
    place_a = PlaceFactory(system=system, name="Ashford")
    place_b = PlaceFactory(system=system, name="Brookfield")
    return World(
        system=system,
        other_system=other_system,
        place_a=place_a,
        place_b=place_b,
        member_a=make_member(place=place_a),
        member_b=make_member(place=place_b),
        lead_a=make_member(place=place_a, role=Role.PLACE_LEAD),
        icb_admin=make_member(system=system, role=Role.ICB_ADMIN),
        other_icb_admin=make_member(system=other_system, role=Role.ICB_ADMIN),
        advisory=make_member(system=system, role=Role.ADVISORY_MEMBER),
        oversight=make_member(system=system, role=Role.OVERSIGHT_MEMBER),
        outsider=UserFactory(),
    )


@pytest.fixture
def second_icb_admin(world: World) -> User:
    """Another ICB governance admin of system one: the second pair of eyes."""
    return make_member(system=world.system, role=Role.ICB_ADMIN)


@pytest.fixture
def redis_broker(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A queue of this test's own on the real Redis broker (tests/workers.py)."""
    with private_redis_queue(monkeypatch) as queue:
        yield queue


@pytest.fixture
def htmx_headers() -> dict[str, str]:
    return {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def framework(db: None) -> Any:
    """The governance framework a test's rounds use."""
    return make_framework()


_plain_force_login = Client.force_login


def _force_login_past_the_second_factor(
    self: Client, user: User, backend: str | None = None
) -> None:
    """`client.force_login` stands for a whole sign-in, so a person who must use two-factor
    sign-in gets an authenticator app and a session that has passed it. Tests of the second
    factor itself sign in with `client.login` and the real pages (tests/partners/test_two_factor.py)."""
    _plain_force_login(self, user, backend)
    session = self.session
    if session.get(REQUIRED_SESSION_KEY):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or AuthenticatorAppFactory(user=user)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture(autouse=True)
def _signed_in_sessions_pass_the_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Client, "force_login", _force_login_past_the_second_factor)


@pytest.fixture(autouse=True)
def _throttles_start_empty() -> Iterator[None]:
    """The throttles count in the cache (partners.throttling), which outlives a test's
    database transaction: every test starts with no counts."""
    cache.clear()
    yield
    cache.clear()


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    """A module whose tests break the `browser` marker rules (tests/browser_marks.py) fails
    to collect, so the run stops with the reason, under `-m` or not, with or without xdist."""
    report = yield
    if report.passed:
        tests = [node for node in report.result if isinstance(node, pytest.Item)]
        problems = misplaced_browser_marks(tests)
        if problems:
            report.outcome = "failed"
            report.result = []
            report.longrepr = "The `browser` marker does not match these tests:\n  " + (
                "\n  ".join(problems)
            )
    return report
