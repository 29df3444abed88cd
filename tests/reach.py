"""How many of a property test's examples reached its assertions.

A property test that returns early when its premise fails passes whatever the code does in
the examples it skipped; if its strategy rarely meets the premise, it tests almost nothing
while looking thorough. The property tests build their examples so the premise holds, and
count, to keep it so:

    def test_a_property():
        @reaching(settings(max_examples=200, deadline=None), given(case=cases_that_meet_it()))
        def check(reach: Reach, case):
            ...
            reach.assertion()
            assert ...

        check()

`check()` runs the examples, then fails unless most of them reached `reach.assertion()`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from hypothesis import event
from hypothesis.errors import StopTest, UnsatisfiedAssumption


class Reach:
    """Counts the examples a property test runs and those that reach its assertions."""

    def __init__(self) -> None:
        self.examples = 0
        self.reached = 0

    def example(self) -> None:
        """Called for every example that ran (not one hypothesis dropped while drawing)."""
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


Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def reaching(*decorators: Decorator, share: float = 0.9) -> Callable[..., Callable[[], None]]:
    """Turns `check(reach, ...)` into a property test run under `decorators` (hypothesis's
    `settings` and `given`, outermost first) that counts every example it runs.

    Calling the result runs the examples and then asserts that at least `share` of them
    reached `reach.assertion()`.
    """

    def wrap(check: Callable[..., None]) -> Callable[[], None]:
        reach = Reach()

        def counted(*args: Any, **kwargs: Any) -> None:
            try:
                check(reach, *args, **kwargs)
            except (UnsatisfiedAssumption, StopTest):
                raise  # hypothesis dropped the example while drawing: it never ran
            except BaseException:
                reach.example()
                raise
            reach.example()

        # `given` reads the parameters it fills from the signature: all but `reach`.
        parameters = list(inspect.signature(check).parameters.values())[1:]
        counted.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        counted.__name__ = check.__name__
        counted.__qualname__ = check.__qualname__
        counted.__module__ = check.__module__
        examples: Callable[..., Any] = counted
        for decorate in reversed(decorators):
            examples = decorate(examples)

        def run() -> None:
            examples()
            reach.assert_most_reached(share)

        return run

    return wrap
