"""The kill rate of `make mutate`, per rule module, from mutmut's results in mutants/.

A mutant counts as killed when a test failed (or timed out) with it in place. Mutants that
change nothing a caller can observe are listed, each with the reason, in
tests/equivalent_mutants.toml; they leave the count. Every other mutant that no test kills
is printed by name, so it can be killed by a new test or listed with its reason.

`--survivors` prints only the names of the mutants that survived, one a line, for `make
mutate` to run each of them again on its own (see the Makefile).

Exit status 1 when a module kills fewer than KILL_RATE_TARGET of its mutants, or when the
list of equivalent mutants names one that no longer exists (the code moved on).
"""

from __future__ import annotations

import json
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
EQUIVALENTS = ROOT / "tests" / "equivalent_mutants.toml"
KILL_RATE_TARGET = 0.90

# mutmut's exit codes (mutmut.stats.status_by_exit_code): a failing test, pytest's internal
# error and a timeout all mean the tests noticed the mutant.
KILLED = {1, 3, 36, -24, 24, 152, 255}
SURVIVED = {0}
NO_TESTS = {5, 33}


@dataclass
class ModuleResult:
    path: str
    killed: int = 0
    equivalent: int = 0
    unkilled: list[str] = field(default_factory=list)
    not_checked: int = 0

    @property
    def counted(self) -> int:
        return self.killed + len(self.unkilled)

    @property
    def kill_rate(self) -> float:
        return self.killed / self.counted if self.counted else 1.0


def mutated_modules() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    return list(config["only_mutate"])


def equivalent_mutants() -> dict[str, str]:
    """Mutant name → why it cannot be told apart from the original."""
    if not EQUIVALENTS.exists():
        return {}
    listed = tomllib.loads(EQUIVALENTS.read_text()).get("equivalent", [])
    return {entry["mutant"]: entry["reason"] for entry in listed}


def module_result(path: str, equivalents: dict[str, str]) -> ModuleResult:
    result = ModuleResult(path)
    meta = MUTANTS / f"{path}.meta"
    if not meta.exists():
        return result
    exit_codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
    for name, code in sorted(exit_codes.items(), key=lambda item: _natural(item[0])):
        if name in equivalents:
            result.equivalent += 1
        elif code in KILLED:
            result.killed += 1
        elif code is None:
            result.not_checked += 1
        else:
            why = "no test runs it" if code in NO_TESTS else f"exit {code}"
            result.unkilled.append(name if code in SURVIVED else f"{name} ({why})")
    return result


def _natural(name: str) -> tuple[str, int]:
    stem, _, number = name.rpartition("_")
    return stem, int(number) if number.isdigit() else 0


def main() -> int:
    equivalents = equivalent_mutants()
    results = [module_result(path, equivalents) for path in mutated_modules()]
    if "--survivors" in sys.argv[1:]:
        for result in results:
            for name in result.unkilled:
                if " " not in name:  # one that survived, not one no test runs
                    print(name)
        return 0
    known = {
        name
        for path in mutated_modules()
        if (MUTANTS / f"{path}.meta").exists()
        for name in json.loads((MUTANTS / f"{path}.meta").read_text())["exit_code_by_key"]
    }
    stale = sorted(set(equivalents) - known)

    print(f"{'module':<46} {'mutants':>7} {'killed':>7} {'equiv.':>7} {'kill rate':>9}")
    for result in results:
        print(
            f"{result.path:<46} {result.counted + result.equivalent:>7} {result.killed:>7} "
            f"{result.equivalent:>7} {result.kill_rate:>9.1%}"
        )
    for result in results:
        if result.unkilled:
            print(f"\nNot killed in {result.path} ({len(result.unkilled)}):")
            for name in result.unkilled:
                print(f"  {name}")
        if result.not_checked:
            print(f"\n{result.path}: {result.not_checked} mutants not checked yet")
    if stale:
        print("\nListed as equivalent but no longer generated (remove them):")
        for name in stale:
            print(f"  {name}")

    short = [r.path for r in results if r.kill_rate < KILL_RATE_TARGET or r.not_checked]
    if short:
        print(f"\nBelow the {KILL_RATE_TARGET:.0%} target or not fully checked: {', '.join(short)}")
    return 1 if short or stale else 0


if __name__ == "__main__":
    sys.exit(main())
