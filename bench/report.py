"""The report's goals, the machine it ran on, and the two benchmarks that run in processes
of their own (bench/compile.py and bench/router.py)."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.common import ROOT, Options, log

QUERY_GOAL = 12
PAGE_P50_GOAL_MS = 8.0
PAGE_P95_GOAL_MS = 16.0
PARTIAL_P50_GOAL_MS = 4.0
LIST_BYTES_GOAL = 40_000  # a console list of 25 rows
ROUTER_GOAL_P95_MS = 20.0


def _goal(goal: str, target: float, actual: float | None, met: bool) -> dict[str, Any]:
    return {"goal": goal, "target": target, "actual": actual, "met": met}


def page_goals(page: dict[str, Any]) -> list[dict[str, Any]]:
    """What every page and partial must meet: its queries, its server time, and for a console
    list of a full page of rows, its size."""
    name = page["page"]
    found = [
        _goal(
            f"{name}: at most {QUERY_GOAL} queries",
            QUERY_GOAL,
            page["queries"],
            page["queries"] <= QUERY_GOAL,
        )
    ]
    if page["htmx"]:
        found.append(
            _goal(
                f"{name}: p50 at most {PARTIAL_P50_GOAL_MS:g} ms",
                PARTIAL_P50_GOAL_MS,
                page["p50_ms"],
                page["p50_ms"] <= PARTIAL_P50_GOAL_MS,
            )
        )
    else:
        found.append(
            _goal(
                f"{name}: p50 at most {PAGE_P50_GOAL_MS:g} ms",
                PAGE_P50_GOAL_MS,
                page["p50_ms"],
                page["p50_ms"] <= PAGE_P50_GOAL_MS,
            )
        )
        found.append(
            _goal(
                f"{name}: p95 at most {PAGE_P95_GOAL_MS:g} ms",
                PAGE_P95_GOAL_MS,
                page["p95_ms"],
                page["p95_ms"] <= PAGE_P95_GOAL_MS,
            )
        )
    if page.get("full_list"):
        found.append(
            _goal(
                f"{name}: at most {LIST_BYTES_GOAL:,} bytes of HTML",
                LIST_BYTES_GOAL,
                page["bytes"],
                page["bytes"] <= LIST_BYTES_GOAL,
            )
        )
    return found


def goals(page_results: list[dict[str, Any]], throughput: dict[str, Any]) -> list[dict[str, Any]]:
    result = []
    for page in page_results:
        if page["url"] == "/bench/minimal/":
            continue
        result.extend(page_goals(page))
    for name, target in throughput.get("targets", {}).items():
        if target["ratio_goal"] is None:
            continue
        result.append(
            _goal(
                f"{name}: throughput at least {target['ratio_goal']} of the minimal view",
                target["ratio_goal"],
                target["ratio_to_minimal"],
                target["ratio_to_minimal"] is not None
                and target["ratio_to_minimal"] >= target["ratio_goal"],
            )
        )
    return result


def machine() -> dict[str, Any]:
    from django import get_version
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    memory_kib = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        match = re.search(r"^MemTotal:\s+(\d+)", meminfo.read_text(), re.MULTILINE)
        memory_kib = int(match.group(1)) if match else None
    return {
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "memory_gib": round(memory_kib / 1024 / 1024, 1) if memory_kib else None,
        "python": platform.python_version(),
        "django": get_version(),
        "postgresql": postgres,
    }


COMPILE_GOAL_SECONDS = 30.0


def _run_bench_script(script: str, *args: str) -> dict[str, Any]:
    """Another bench script in a process of its own (it builds its own system in the same
    database), so its memory and imports do not colour the page figures; its JSON report, or
    an error."""
    done = subprocess.run(  # noqa: S603 - our own script, no outside input
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if done.returncode != 0:
        log(done.stderr[-2000:])
        return {"error": f"bench/{script} exited with {done.returncode}"}
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def measure_compile() -> dict[str, Any]:
    result = _run_bench_script("compile.py")
    if "error" not in result:
        log(f"  job {result['job_seconds']} s ({result['seconds']})")
    return result


def measure_router(options: Options) -> dict[str, Any]:
    """The router's own system of 50,000 delegation lines is built the first time and reused."""
    result = _run_bench_script("router.py", "--routes", str(options.routes))
    if "error" in result:
        return result
    ms = result["ms"]
    log(f"  {result['routes']} routes: p50 {ms['p50']} ms, p95 {ms['p95']} ms, max {ms['max']} ms")
    return result
