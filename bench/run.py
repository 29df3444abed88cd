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
import http.client
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
SETTINGS = "config.settings.bench"
HOST = "127.0.0.1"
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}

QUERY_GOAL = 15
# Systems that bench/compile.py and bench/router.py build for themselves in the same database;
# they are not part of the national data set, so nobody signs in to them here.
OWN_SYSTEMS = ("bench-compile", "bench-router")
FULL_PAGE_RATIO_GOAL = 0.5
PARTIAL_RATIO_GOAL = 0.7
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
    sys.path.insert(0, str(ROOT))
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

    from governance.consultation.models import (
        Answer,
        ConsultationRound,
        PlaceRating,
        PlaceResponse,
        ResponseStatus,
    )
    from partners.models import (
        Membership,
        Organisation,
        OrganisationAlias,
        Place,
        PlacePartner,
        System,
        User,
    )

    generated_seconds = None
    if not System.objects.exists():
        log("The database is empty: loading the national data set (generate_national)…")
        started = time.perf_counter()
        call_command("generate_national", seed=seed, stdout=sys.stderr)
        generated_seconds = round(time.perf_counter() - started, 1)
    own = {"system__slug__in": OWN_SYSTEMS}
    responses = PlaceResponse.objects.exclude(round__system__slug__in=OWN_SYSTEMS)
    return {
        "generated_this_run": generated_seconds is not None,
        "generate_seconds": generated_seconds,
        "seed": seed if generated_seconds is not None else None,
        "systems": System.objects.exclude(slug__in=OWN_SYSTEMS).count(),
        "places": Place.objects.exclude(**own).count(),
        "organisations": Organisation.objects.exclude(**own).count(),
        "organisation_aliases": OrganisationAlias.objects.exclude(**own).count(),
        "place_partners": PlacePartner.objects.exclude(place__system__slug__in=OWN_SYSTEMS).count(),
        "people": User.objects.exclude(memberships__system__slug__in=OWN_SYSTEMS).count(),
        "current_memberships": Membership.objects.current().exclude(**own).count(),
        "consultation_rounds": ConsultationRound.objects.exclude(**own).count(),
        "place_responses": responses.count(),
        "place_responses_submitted": responses.filter(status=ResponseStatus.SUBMITTED).count(),
        "answers": Answer.objects.filter(response__in=responses).count(),
        "place_ratings": PlaceRating.objects.filter(response__in=responses).count(),
    }


@dataclass
class Subjects:
    member: Any  # User
    lead: Any  # User, a lead of the member's place
    place: Any  # Place
    place_people: int
    admin: Any  # User
    system: Any  # System
    system_people: int
    place_search: str
    organisation_search: str
    people_search: str
    round: Any  # ConsultationRound: the member's place's round
    admin_round: Any  # ConsultationRound: the admin's system's round
    admin_place: Any  # Place: the admin's system's place with most people
    rating_cell: tuple[int, int]  # option pk, principle pk: the framework's first cell
    question: int  # pk of the round's first question


def pick_subjects() -> Subjects:
    """A place member and a place lead of the place with most people; an ICB admin of the
    biggest system; the consultation round of each."""
    from django.db.models import Count, Q

    from governance.catalogue.models import GovernanceOption, Principle
    from governance.consultation.models import ConsultationRound
    from partners.models import Membership, Organisation, Place, Role, System, User

    current = Q(memberships__ended_at__isnull=True)
    places = Place.objects.filter(is_active=True).exclude(system__slug__in=OWN_SYSTEMS)
    place = (
        places.annotate(people=Count("memberships", filter=current))
        .order_by("-people", "pk")
        .first()
    )
    system = (
        System.objects.exclude(slug__in=OWN_SYSTEMS)
        .annotate(people=Count("memberships__user", filter=current, distinct=True))
        .order_by("-people", "pk")
        .first()
    )
    if place is None or system is None:
        refuse("the data set has no places or systems.")
    assert place is not None and system is not None

    def person(role: str, **where: Any) -> Any:
        return (
            User.objects.filter(
                is_active=True,
                is_superuser=False,
                memberships__role=role,
                memberships__ended_at__isnull=True,
                **{f"memberships__{name}": value for name, value in where.items()},
            )
            .order_by("pk")
            .first()
        )

    member = person(Role.PLACE_MEMBER, place=place)
    lead = person(Role.PLACE_LEAD, place=place)
    admin = person(Role.ICB_ADMIN, system=system)
    if member is None or lead is None or admin is None:
        refuse("no active, non-superuser place member, place lead or ICB admin to sign in as.")

    def round_of(a_place: Any) -> Any:
        found = (
            ConsultationRound.objects.filter(system_id=a_place.system_id, invited_places=a_place)
            .order_by("-opens_at", "-pk")
            .first()
        )
        if found is None:
            refuse(
                f"{a_place.name} has no consultation round: the data set predates the rounds "
                "generate_national now makes. Drop and recreate the database, migrate, and "
                "run the benchmark again."
            )
        return found

    admin_place = (
        places.filter(system=system)
        .annotate(people=Count("memberships", filter=current))
        .order_by("-people", "pk")
        .first()
    )
    assert admin_place is not None
    consultation = round_of(place)
    option = GovernanceOption.objects.filter(framework_id=consultation.framework_id).first()
    principle = Principle.objects.filter(framework_id=consultation.framework_id).first()
    question = consultation.questions.order_by("order").first()
    if option is None or principle is None or question is None:
        refuse(f"the round {consultation.title!r} has no options, principles or questions.")
    assert option is not None and principle is not None and question is not None
    # Searches an admin would type: the start of a place name, a common word in organisation
    # names, a surname.
    first_place = Place.objects.filter(system=system).order_by("name").first()
    place_search = first_place.name[:4] if first_place else "a"
    organisation_search = (
        "medical"
        if Organisation.objects.filter(system=system, name__icontains="medical").exists()
        else "nhs"
    )
    someone = (
        Membership.objects.current()
        .filter(system=system)
        .select_related("user")
        .order_by("pk")[10:11]
        .first()
    )
    people_search = someone.user.full_name.split()[-1] if someone else "a"
    return Subjects(
        member=member,
        lead=lead,
        place=place,
        place_people=place.people,
        admin=admin,
        system=system,
        system_people=system.people,
        place_search=place_search,
        organisation_search=organisation_search,
        people_search=people_search,
        round=consultation,
        admin_round=round_of(admin_place),
        admin_place=admin_place,
        rating_cell=(option.pk, principle.pk),
        question=question.pk,
    )


# Per-page measurements ---------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    who: str  # "member", "lead" or "admin"
    htmx: bool = False


def pages(s: Subjects) -> list[Page]:
    from core.pagination import PAGE_SIZE
    from partners.models import Organisation, Place

    slug = s.system.slug
    console = f"/console/{slug}"
    lists = {
        "places": (
            f"{console}/places/",
            f"q={s.place_search}",
            Place.objects.filter(system=s.system).count(),
        ),
        "organisations": (
            f"{console}/organisations/",
            f"q={s.organisation_search}",
            Organisation.objects.filter(system=s.system).count(),
        ),
        "people": (f"{console}/people/", f"q={s.people_search}", s.system_people),
    }
    result = [
        Page("minimal view (baseline)", "/bench/minimal/", "member"),
        Page("home", "/", "member"),
        Page("place page", f"/places/{s.place.pk}/", "member"),
        Page("console dashboard", f"{console}/", "admin"),
        Page(
            "place page people search (HTMX partial)", f"/places/{s.place.pk}/?q=a", "member", True
        ),
        Page("governance options", "/options/", "member"),
        Page("ratings matrix", "/options/ratings/", "member"),
        Page("combination explorer", "/options/explorer/?options=1&options=4", "member"),
        Page("combination explorer (HTMX partial)", EXPLORER_PARTIAL, "member", True),
    ]
    for htmx in (False, True):
        suffix = " (HTMX partial)" if htmx else ""
        for name, (url, search, rows) in lists.items():
            result.append(Page(f"console {name}{suffix}", url, "admin", htmx))
            result.append(Page(f"console {name} search{suffix}", f"{url}?{search}", "admin", htmx))
            if rows > PAGE_SIZE:
                result.append(
                    Page(f"console {name} page 2{suffix}", f"{url}?page=2", "admin", htmx)
                )
    return result + round_pages(s)


def proposal_url(s: Subjects) -> str:
    """The member's place's response to its round: the proposal page."""
    return f"/places/{s.place.pk}/rounds/{s.round.pk}/"


def round_pages(s: Subjects) -> list[Page]:
    """The consultation round's pages: the place's response (proposal, ratings and answers on
    one page) as its member, its lead and an ICB admin, its history, and the partials it
    fetches; the console's rounds list, the round's progress board and settings; the
    feedback summary panel; the released summaries list."""
    response = proposal_url(s)
    option, principle = s.rating_cell
    console = f"/console/{s.system.slug}"
    admin_round = f"{console}/rounds/{s.admin_round.pk}"
    return [
        Page("proposal page", response, "member"),
        Page("proposal page (place lead)", response, "lead"),
        Page(
            "proposal page (ICB admin reading)",
            f"/places/{s.admin_place.pk}/rounds/{s.admin_round.pk}/",
            "admin",
        ),
        Page("response history", f"{response}history/", "member"),
        Page("response completeness (HTMX partial)", f"{response}completeness/", "member", True),
        Page("response proposal (HTMX partial)", f"{response}proposal/", "member", True),
        Page(
            "response rating cell (HTMX partial)",
            f"{response}ratings/{option}/{principle}/",
            "member",
            True,
        ),
        Page("response answer (HTMX partial)", f"{response}answers/{s.question}/", "member", True),
        Page("console rounds", f"{console}/rounds/", "admin"),
        Page("console rounds (HTMX partial)", f"{console}/rounds/", "admin", True),
        Page("round progress board", f"{admin_round}/", "admin"),
        Page("round progress board (HTMX partial)", f"{admin_round}/progress/", "admin", True),
        Page("round settings", f"{admin_round}/edit/", "admin"),
        Page("round more time (HTMX partial)", f"{admin_round}/extend/", "admin", True),
        Page("round close confirmation", f"{admin_round}/close/", "admin"),
        Page("feedback summary", f"{admin_round}/summary/", "admin"),
        Page("feedback summary panel (HTMX partial)", f"{admin_round}/summary/", "admin", True),
        Page("released summaries", f"/feedback/{s.system.slug}/", "admin"),
    ]


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    index = max(0, math.ceil(fraction * len(sorted_values)) - 1)
    return sorted_values[index]


def sign_in(client: Any, user: Any) -> None:
    """`force_login` stands for a whole sign-in. Where two-factor sign-in is required (ICB
    admins), the session is also made to have passed it with a confirmed authenticator app of
    the person's (one is added for them if they have none), as after typing its code, so the
    admin's pages are measured as an admin really sees them, not as a redirect."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from partners.two_factor import REQUIRED_SESSION_KEY

    client.force_login(user)
    session = client.session
    if not session.get(REQUIRED_SESSION_KEY):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(
        user=user, name="Authenticator app (benchmark)", confirmed=True
    )
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def measure_pages(subjects: Subjects, options: Options) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {"member": Client(), "lead": Client(), "admin": Client()}
    sign_in(clients["member"], subjects.member)
    sign_in(clients["lead"], subjects.lead)
    sign_in(clients["admin"], subjects.admin)
    results = []
    for page in pages(subjects):
        client = clients[page.who]
        headers = HTMX if page.htmx else {}
        for _ in range(2):  # warm caches: templates, content types, connections
            client.get(page.url, headers=headers)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.url, headers=headers)
        # Read now: the next request's request_started signal empties the query log.
        queries = len(captured.captured_queries)
        body = response.content
        if response.status_code != 200:
            refuse(f"{page.name} ({page.url}) answered {response.status_code}, not 200.")
        if page.htmx == (b"<html" in body):
            refuse(f"{page.name} ({page.url}): expected {'a partial' if page.htmx else 'a page'}.")
        times: list[float] = []
        deadline = time.perf_counter() + options.page_budget_s
        for _ in range(options.requests):
            started = time.perf_counter()
            client.get(page.url, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            if time.perf_counter() > deadline and len(times) >= 3:
                break
        times.sort()
        result = {
            "page": page.name,
            "url": page.url,
            "signed_in_as": page.who,
            "htmx": page.htmx,
            "queries": queries,
            "requests": len(times),
            "p50_ms": round(percentile(times, 0.50), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "bytes": len(body),
        }
        log(
            f"  {page.name:<44} {result['queries']:>3} queries  "
            f"p50 {result['p50_ms']:>7.1f} ms  p95 {result['p95_ms']:>7.1f} ms"
        )
        results.append(result)
    return results


# Throughput under gunicorn -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def http_get(
    port: int, path: str, headers: dict[str, str], timeout: float = 10.0
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Gunicorn:
    """`gunicorn config.wsgi` with 2 workers on 127.0.0.1; started and stopped by us."""

    def __init__(self, port: int, log_path: Path) -> None:
        self.port = port
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS}
        command = [
            str(gunicorn),
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"{HOST}:{self.port}",
            "--log-level",
            "warning",
        ]
        with self.log_path.open("wb") as log_file:
            self.process = subprocess.Popen(  # noqa: S603 - our own argument list, no shell
                command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT
            )
        for _ in range(120):  # up to about 60 seconds
            if self.process.poll() is not None:
                refuse(f"gunicorn exited early; see {self.log_path.relative_to(ROOT)}.")
            try:
                if http_get(self.port, "/bench/minimal/", {}, timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        refuse("gunicorn did not answer within 60 seconds.")

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        if children.exists():
            return [int(pid) for pid in children.read_text().split()]
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # gunicorn stops its workers gracefully
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def peak_rss_kib(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+)\s+kB", status, re.MULTILINE)
    return int(match.group(1)) if match else None


def _duration_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(port: int, path: str, headers: dict[str, str], options: Options) -> dict[str, Any]:
    command = [
        "wrk",
        "-t2",
        f"-c{options.connections}",
        f"-d{options.duration_s}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://{HOST}:{port}{path}")
    completed = subprocess.run(  # noqa: S603 - our own argument list, no shell
        command, capture_output=True, text=True, timeout=options.duration_s + 60, check=False
    )
    out = completed.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if completed.returncode != 0 or rps is None:
        refuse(f"wrk failed on {path}:\n{out}\n{completed.stderr}")
    assert rps is not None
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+(?:us|ms|s|m))\s*$", out, re.MULTILINE))
    return {
        "requests_per_s": float(rps.group(1)),
        "latency_p50_ms": round(_duration_ms(latency["50"]), 2) if "50" in latency else None,
        "latency_p99_ms": round(_duration_ms(latency["99"]), 2) if "99" in latency else None,
        "non_2xx_3xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(0) if errors else None,
    }


def session_cookie(user: Any) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    sign_in(client, user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def measure_throughput(
    subjects: Subjects, options: Options
) -> tuple[dict[str, Any], dict[str, Any]]:
    if shutil.which("wrk") is None:
        message = (
            "wrk is not installed, so throughput was not measured. Install it with "
            "`sudo apt-get install -y wrk` (Debian/Ubuntu) and run again."
        )
        log(message)
        return {"skipped": message}, {"skipped": message}
    member = {"Cookie": session_cookie(subjects.member)}
    admin = {"Cookie": session_cookie(subjects.admin)}
    console = f"/console/{subjects.system.slug}"
    baseline = ("minimal view", "/bench/minimal/", member)
    targets: list[tuple[str, str, dict[str, str], float | None]] = [
        ("place page", f"/places/{subjects.place.pk}/", member, FULL_PAGE_RATIO_GOAL),
        ("proposal page", proposal_url(subjects), member, FULL_PAGE_RATIO_GOAL),
        (
            "combination explorer (HTMX partial)",
            EXPLORER_PARTIAL,
            {**member, **HTMX},
            PARTIAL_RATIO_GOAL,
        ),
        ("console dashboard", f"{console}/", admin, FULL_PAGE_RATIO_GOAL),
        ("console people list", f"{console}/people/", admin, None),
        (
            "console people search (HTMX partial)",
            f"{console}/people/?q={subjects.people_search}",
            {**admin, **HTMX},
            PARTIAL_RATIO_GOAL,
        ),
    ]
    RESULTS.mkdir(exist_ok=True)
    server = Gunicorn(free_port(), RESULTS / "gunicorn.log")
    log(
        f"Throughput: gunicorn, 2 workers, wrk {options.connections} connections, "
        f"{options.duration_s}s per run, {options.rounds} A/B round(s) per page…"
    )
    server.start()
    try:
        # Every target must really answer 200 to its signed-in person (not a login redirect).
        for name, path, headers in [baseline[:3], *[t[:3] for t in targets]]:
            for _ in range(6):  # and warm both workers
                status, _body = http_get(server.port, path, headers)
                if status != 200:
                    refuse(f"{name} ({path}) answered {status} under gunicorn, not 200.")
        runs: list[dict[str, Any]] = []
        results: dict[str, Any] = {}
        for name, path, headers, goal in targets:
            minimal_rps: list[float] = []
            page_rps: list[float] = []
            page_runs = []
            for _round in range(options.rounds):
                a = run_wrk(server.port, baseline[1], baseline[2], options)
                b = run_wrk(server.port, path, headers, options)
                runs += [{"target": baseline[0], **a}, {"target": name, **b}]
                minimal_rps.append(a["requests_per_s"])
                page_rps.append(b["requests_per_s"])
                page_runs.append(b)
            rps = statistics.mean(page_rps)
            base = statistics.mean(minimal_rps)
            results[name] = {
                "url": path,
                "htmx": "HX-Request" in headers,
                "requests_per_s": round(rps, 1),
                "minimal_requests_per_s": round(base, 1),
                "ratio_to_minimal": round(rps / base, 3) if base else None,
                "ratio_goal": goal,
                "latency_p50_ms": page_runs[-1]["latency_p50_ms"],
                "latency_p99_ms": page_runs[-1]["latency_p99_ms"],
                "non_2xx_3xx": sum(r["non_2xx_3xx"] for r in page_runs),
            }
            log(
                f"  {name:<40} {rps:>8.1f} req/s  minimal {base:>8.1f} req/s  "
                f"ratio {results[name]['ratio_to_minimal']}"
            )
        workers = server.worker_pids()
        peaks = {pid: peak_rss_kib(pid) for pid in workers}
        master_peak = peak_rss_kib(server.process.pid) if server.process else None
    finally:
        server.stop()
    known = [kib for kib in peaks.values() if kib is not None]
    memory = {
        "source": "/proc/<pid>/status VmHWM",
        "workers": len(workers),
        "worker_peak_rss_mib": [round(kib / 1024, 1) for kib in known],
        "max_worker_peak_rss_mib": round(max(known) / 1024, 1) if known else None,
        "master_peak_rss_mib": round(master_peak / 1024, 1) if master_peak else None,
    }
    throughput = {
        "server": "gunicorn config.wsgi --workers 2 (sync), DJANGO_SETTINGS_MODULE=" + SETTINGS,
        "load": f"wrk -t2 -c{options.connections} -d{options.duration_s}s, on the same machine",
        "method": "alternating runs: minimal, page, minimal, page…; ratio = mean page req/s "
        "over mean req/s of the minimal runs interleaved with it",
        "targets": results,
        "runs": runs,
    }
    return throughput, memory


# Report ------------------------------------------------------------------------------------


def goals(page_results: list[dict[str, Any]], throughput: dict[str, Any]) -> list[dict[str, Any]]:
    result = []
    for page in page_results:
        if page["url"] == "/bench/minimal/":
            continue
        result.append(
            {
                "goal": f"{page['page']}: at most {QUERY_GOAL} queries",
                "target": QUERY_GOAL,
                "actual": page["queries"],
                "met": page["queries"] <= QUERY_GOAL,
            }
        )
    for name, target in throughput.get("targets", {}).items():
        if target["ratio_goal"] is None:
            continue
        result.append(
            {
                "goal": f"{name}: throughput at least {target['ratio_goal']} of the minimal view",
                "target": target["ratio_goal"],
                "actual": target["ratio_to_minimal"],
                "met": target["ratio_to_minimal"] is not None
                and target["ratio_to_minimal"] >= target["ratio_goal"],
            }
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


ROUTER_GOAL_P95_MS = 20.0


def measure_router(options: Options) -> dict[str, Any]:
    """The router's own system of 50,000 delegation lines is built the first time and reused."""
    result = _run_bench_script("router.py", "--routes", str(options.routes))
    if "error" in result:
        return result
    ms = result["ms"]
    log(f"  {result['routes']} routes: p50 {ms['p50']} ms, p95 {ms['p95']} ms, max {ms['max']} ms")
    return result


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
