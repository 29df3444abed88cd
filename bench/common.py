"""What the benchmark's parts share: where results go, how it runs, how it reports."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
SETTINGS = "config.settings.bench"
HOST = "127.0.0.1"
# Systems that bench/compile.py and bench/router.py build for themselves in the same database;
# they are not part of the national data set, so nobody signs in to them here.
OWN_SYSTEMS = ("bench-compile", "bench-router")
HTMX = {"HX-Request": "true"}
EXPLORER_PARTIAL = "/options/explorer/?options=2&options=3&options=4"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def refuse(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr)
    raise SystemExit(2)


@dataclass(frozen=True)
class Options:
    requests: int  # per page, for the query and timing measurements
    page_budget_s: float  # at most this long per page, whatever `requests` says
    duration_s: int  # each wrk run
    rounds: int  # A/B pairs per throughput target
    connections: int
    seed: int
    routes: int  # decision routes timed by bench/router.py
    pages_only: bool = False  # measure the pages alone, for quick comparisons while working
    page_filter: tuple[str, ...] = ()  # only pages whose name contains one of these
