"""How many of a property test's examples reached its assertions.

A property test that returns early when its premise fails passes whatever the code does in
the examples it skipped; if its strategy rarely meets the premise, it tests almost nothing
while looking thorough. The property tests build their examples so the premise holds, and
count, to keep it so:

    def test_a_property():
        reach = Reach()

        @settings(max_examples=200, deadline=None)
        @given(case=cases_that_meet_the_premise())
        def check(case):
            reach.example()
            ...
            reach.assertion()
            assert ...

        check()
        reach.assert_most_reached()
"""

from __future__ import annotations

from hypothesis import event


class Reach:
    """Counts the examples a property test runs and those that reach its assertions."""

    def __init__(self) -> None:
        self.examples = 0
        self.reached = 0

    def example(self) -> None:
        """Called first thing in every example."""
        self.examples += 1

    def assertion(self) -> None:
        """Called just before the assertions the test is about."""
        self.reached += 1
        event("reached the assertions")

    def assert_most_reached(self, share: float = 0.9) -> None:
        """At least `share` of the examples run reached the assertions."""
        assert self.examples, "no example ran"
        assert self.reached >= share * self.examples, (
            f"only {self.reached} of {self.examples} examples reached the assertions"
        )
