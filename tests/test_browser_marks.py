"""The rules that keep `-m browser` and `-m "not browser"` honest (tests/browser_marks.py):
a browser test that is not marked would slip into the fast run, and a marked test elsewhere
would drop out of it without anyone noticing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tests.browser_marks import BROWSER_TESTS, misplaced_browser_marks

ELSEWHERE = BROWSER_TESTS.parent / "partners"


@dataclass
class StandInTest:
    """Just enough of a collected pytest item for the rules to read."""

    path: Path
    name: str = "test_something"
    fixturenames: list[str] = field(default_factory=list)
    marks: set[str] = field(default_factory=set)

    @property
    def nodeid(self) -> str:
        return f"{self.path.name}::{self.name}"

    def get_closest_marker(self, name: str) -> object | None:
        return name if name in self.marks else None


def test_marked_browser_tests_in_tests_browser_are_accepted() -> None:
    journey = StandInTest(
        BROWSER_TESTS / "test_journey.py", fixturenames=["page", "live_server"], marks={"browser"}
    )
    assert misplaced_browser_marks([journey]) == []


def test_ordinary_tests_elsewhere_are_accepted() -> None:
    view_test = StandInTest(ELSEWHERE / "test_views.py", fixturenames=["client", "world"])
    assert misplaced_browser_marks([view_test]) == []


def test_an_unmarked_test_in_tests_browser_is_named_with_the_fix() -> None:
    forgotten = StandInTest(BROWSER_TESTS / "test_two_factor.py", name="test_sign_in")
    [problem] = misplaced_browser_marks([forgotten])
    assert problem.startswith("test_two_factor.py::test_sign_in: lives in tests/browser")
    assert "pytestmark = pytest.mark.browser" in problem


def test_an_unmarked_test_using_the_playwright_page_elsewhere_is_refused() -> None:
    stray = StandInTest(ELSEWHERE / "test_views.py", fixturenames=["page", "live_server"])
    problems = misplaced_browser_marks([stray])
    assert len(problems) == 1
    assert "uses the Playwright fixture page but is not marked `browser`" in problems[0]


def test_an_unmarked_test_asking_for_the_browser_itself_is_refused() -> None:
    stray = StandInTest(ELSEWHERE / "test_views.py", fixturenames=["browser"])
    [problem] = misplaced_browser_marks([stray])
    assert "uses the Playwright fixture browser" in problem


def test_a_browser_mark_outside_tests_browser_is_refused() -> None:
    misfiled = StandInTest(ELSEWHERE / "test_views.py", fixturenames=["page"], marks={"browser"})
    [problem] = misplaced_browser_marks([misfiled])
    assert "is marked `browser` but lives outside tests/browser" in problem


def test_every_offending_test_is_reported_not_just_the_first() -> None:
    tests = [
        StandInTest(BROWSER_TESTS / "test_a.py"),
        StandInTest(BROWSER_TESTS / "test_b.py", marks={"browser"}),
        StandInTest(ELSEWHERE / "test_c.py", marks={"browser"}),
    ]
    problems = misplaced_browser_marks(tests)
    assert [problem.split("::")[0] for problem in problems] == ["test_a.py", "test_c.py"]
