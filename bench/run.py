"""The national-scale benchmark: `.venv/bin/python bench/run.py [--quick]` (or `make bench`).

Needs DATABASE_URL pointing at a migrated PostgreSQL database; loads the national data set
(`manage.py generate_national`) if the database is empty. Then, as signed-in people who are
not superusers:

1. per page and HTMX partial: SQL queries, and server time p50/p95 over N requests through
   django.test.Client; among them the pages of the consultation round the data set holds
   (a place's response as its member, its lead and an ICB admin; the round's progress board
   and settings in the console; the feedback summary panel);
2. throughput under gunicorn (2 workers, config.settings.bench, 127.0.0.1 on a free port)
   driven by wrk for a fixed time, alternating the minimal baseline view with each page, so
   every page is reported as requests/s and as a ratio to the baseline;
3. the peak resident memory (VmHWM) of the gunicorn workers;
4. the feedback compilation of a 200-place round (bench/compile.py) and the decision router
   (bench/router.py), each in a process of its own.

Prints a JSON report and writes it to bench-results/report-<timestamp>.json and
bench-results/latest.json. Every loop is bounded in count and time; all traffic goes to
127.0.0.1."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# Run as a script: the project's packages, this one among them, come from its root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OWN_SYSTEMS, RESULTS, SETTINGS, Options, log, refuse
from bench.pages import measure_pages, pick_subjects
from bench.report import (
    COMPILE_GOAL_SECONDS,
    ROUTER_GOAL_P95_MS,
    goals,
    machine,
    measure_compile,
    measure_router,
)
from bench.throughput import measure_throughput

POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}


def parse_options() -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests, shorter runs")
    parser.add_argument("--requests", type=int, help="requests per page (default 30; quick 10)")
    parser.add_argument("--duration", type=int, help="seconds per wrk run (default 10; quick 3)")
    parser.add_argument("--rounds", type=int, help="A/B pairs per target (default 2; quick 1)")
    parser.add_argument("--seed", type=int, default=2025, help="seed if the data set is loaded")
    parser.add_argument(
        "--routes", type=int, help="decision routes to time (default 500; quick 200)"
    )
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="only the per-page queries and server time (no throughput, compile or router)",
    )
    parser.add_argument(
        "--page", action="append", default=[], help="only pages whose name contains this"
    )
    args = parser.parse_args()
    quick = args.quick
    return Options(
        requests=max(3, min(args.requests or (10 if quick else 30), 500)),
        page_budget_s=15.0 if quick else 60.0,
        duration_s=max(1, min(args.duration or (3 if quick else 10), 120)),
        rounds=max(1, min(args.rounds or (1 if quick else 2), 10)),
        connections=4,
        seed=args.seed,
        routes=max(20, min(args.routes or (200 if quick else 500), 5000)),
        pages_only=args.pages_only,
        page_filter=tuple(args.page),
    )


# Set-up ------------------------------------------------------------------------------------


def check_database_url() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        refuse(
            "DATABASE_URL is not set. The benchmark needs PostgreSQL, for example:\n"
            "  createdb -h 127.0.0.1 -U postgres pgd_bench\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/pgd_bench make migrate\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/pgd_bench make bench"
        )
    if urlsplit(url).scheme.split("+")[0] not in POSTGRES_SCHEMES:
        refuse("DATABASE_URL must point at PostgreSQL (postgres://…); SQLite figures mislead.")


def setup_django() -> None:
    # WhiteNoise warns that STATIC_ROOT is absent: files come from the finders here.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        refuse(f"the database is {connection.vendor}, not PostgreSQL.")
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        refuse("the database has unapplied migrations: run `DATABASE_URL=… make migrate` first.")


def ensure_data_set(seed: int) -> dict[str, Any]:
    from django.core.management import call_command

    from governance.consultation import models as consultation
    from partners import models as partners

    generated_seconds = None
    if not partners.System.objects.exists():
        log("The database is empty: loading the national data set (generate_national)…")
        started = time.perf_counter()
        call_command("generate_national", seed=seed, stdout=sys.stderr)
        generated_seconds = round(time.perf_counter() - started, 1)
    own = {"system__slug__in": OWN_SYSTEMS}
    responses = consultation.PlaceResponse.objects.exclude(round__system__slug__in=OWN_SYSTEMS)
    return {
        "generated_this_run": generated_seconds is not None,
        "generate_seconds": generated_seconds,
        "seed": seed if generated_seconds is not None else None,
        "systems": partners.System.objects.exclude(slug__in=OWN_SYSTEMS).count(),
        "places": partners.Place.objects.exclude(**own).count(),
        "organisations": partners.Organisation.objects.exclude(**own).count(),
        "organisation_aliases": partners.OrganisationAlias.objects.exclude(**own).count(),
        "place_partners": partners.PlacePartner.objects.exclude(
            place__system__slug__in=OWN_SYSTEMS
        ).count(),
        "people": partners.User.objects.exclude(memberships__system__slug__in=OWN_SYSTEMS).count(),
        "current_memberships": partners.Membership.objects.current().exclude(**own).count(),
        "consultation_rounds": consultation.ConsultationRound.objects.exclude(**own).count(),
        "place_responses": responses.count(),
        "place_responses_submitted": responses.filter(
            status=consultation.ResponseStatus.SUBMITTED
        ).count(),
        "answers": consultation.Answer.objects.filter(response__in=responses).count(),
        "place_ratings": consultation.PlaceRating.objects.filter(response__in=responses).count(),
    }


def main() -> None:
    options = parse_options()
    check_database_url()
    setup_django()
    started = time.perf_counter()
    report: dict[str, Any] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": SETTINGS,
        "options": options.__dict__,
        "machine": machine(),
    }
    report["data_set"] = ensure_data_set(options.seed)
    subjects = pick_subjects()
    report["signed_in"] = {
        "member": {
            "role": "place member (not a superuser)",
            "place": subjects.place.name,
            "people_in_place": subjects.place_people,
        },
        "lead": {"role": "place lead of the same place (not a superuser)"},
        "round": {
            "title": subjects.round.title,
            "member_place_round_responses": subjects.round.responses.count(),
            "admin_system_round_responses": subjects.admin_round.responses.count(),
            "admin_reads_response_of": subjects.admin_place.name,
        },
        "admin": {
            "role": "ICB governance admin (not a superuser)",
            "system": subjects.system.name,
            "people_in_system": subjects.system_people,
        },
    }
    log(f"Pages ({options.requests} requests each, django.test.Client):")
    report["pages"] = measure_pages(subjects, options)
    if options.pages_only:
        print(json.dumps(report["pages"], indent=2))
        return
    report["throughput"], report["memory"] = measure_throughput(subjects, options)
    log("Feedback compilation of a 200-place round with all exports (bench/compile.py):")
    report["compile"] = measure_compile()
    log(f"Decision router, {options.routes} routes over 50,000 delegation lines (bench/router.py):")
    report["router"] = measure_router(options)
    report["goals"] = goals(report["pages"], report["throughput"])
    report["goals"].append(
        {
            "goal": f"compile a 200-place round with all exports in at most "
            f"{COMPILE_GOAL_SECONDS:g} s",
            "target": COMPILE_GOAL_SECONDS,
            "actual": report["compile"].get("job_seconds"),
            "met": bool(report["compile"].get("meets_goal")),
        }
    )
    review = report["compile"].get("review", {})
    report["goals"].append(
        {
            "goal": "redaction review of the 200-place round: every action at most 200 ms",
            "target": 200.0,
            "actual": max(
                (action["max_ms"] for action in review.get("actions", {}).values()),
                default=None,
            ),
            "met": bool(review.get("meets_goal")),
        }
    )
    router_p95 = report["router"].get("ms", {}).get("p95")
    report["goals"].append(
        {
            "goal": f"decision router: p95 at most {ROUTER_GOAL_P95_MS:g} ms",
            "target": ROUTER_GOAL_P95_MS,
            "actual": router_p95,
            "met": router_p95 is not None and router_p95 <= ROUTER_GOAL_P95_MS,
        }
    )
    report["goals_met"] = sum(goal["met"] for goal in report["goals"])
    report["goals_total"] = len(report["goals"])
    report["elapsed_seconds"] = round(time.perf_counter() - started, 1)
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]

    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    text = json.dumps(report, indent=2)
    (RESULTS / f"report-{stamp}.json").write_text(text + "\n")
    (RESULTS / "latest.json").write_text(text + "\n")
    print(text)
    log(
        f"Goals met: {report['goals_met']}/{report['goals_total']}. "
        f"Report: bench-results/report-{stamp}.json (and bench-results/latest.json)."
    )


if __name__ == "__main__":
    main()
