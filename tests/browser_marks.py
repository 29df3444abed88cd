"""The `browser` marker must match where a test lives and what it uses.

`make test-fast` runs `-m "not browser"`. A test that drives Chromium without the marker
would slow that run down (or fail there without a browser), and a marked test outside
tests/browser would quietly drop out of it. So, at collection:

- every test under tests/browser carries the `browser` marker;
- every test that asks for the Playwright `page` or `browser` fixture carries it;
- no test outside tests/browser carries it.

A test that breaks a rule stops the whole run before any test starts, with a message naming it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

BROWSER_MARK = "browser"
BROWSER_TESTS = Path(__file__).resolve().parent / "browser"
BROWSER_FIXTURES = frozenset({"page", "browser"})


class CollectedTest(Protocol):
    """The parts of a collected pytest item these rules read."""

    @property
    def nodeid(self) -> str: ...

    @property
    def path(self) -> Path: ...

    def get_closest_marker(self, name: str) -> Any: ...


def lives_with_browser_tests(path: Path) -> bool:
    return path.resolve().is_relative_to(BROWSER_TESTS)


def misplaced_browser_marks(tests: Iterable[CollectedTest]) -> list[str]:
    """One line per test that breaks a rule, saying which rule and how to fix it."""
    problems = []
    for test in tests:
        marked = test.get_closest_marker(BROWSER_MARK) is not None
        in_browser_tests = lives_with_browser_tests(test.path)
        browser_fixtures = sorted(BROWSER_FIXTURES.intersection(getattr(test, "fixturenames", ())))
        if in_browser_tests and not marked:
            problems.append(
                f"{test.nodeid}: lives in tests/browser but is not marked `browser` "
                "(add `pytestmark = pytest.mark.browser` to its module)"
            )
        elif browser_fixtures and not marked:
            problems.append(
                f"{test.nodeid}: uses the Playwright fixture {', '.join(browser_fixtures)} "
                "but is not marked `browser` (move it to tests/browser and mark it)"
            )
        if marked and not in_browser_tests:
            problems.append(
                f"{test.nodeid}: is marked `browser` but lives outside tests/browser "
                "(move it there, or drop the marker if it does not drive a browser)"
            )
    return problems
