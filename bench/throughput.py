"""Throughput under gunicorn (2 workers, 127.0.0.1 on a free port) driven by wrk, alternating
the minimal baseline view with each page, and the workers' peak resident memory."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import EXPLORER_PARTIAL, HOST, HTMX, RESULTS, ROOT, SETTINGS, Options, log, refuse
from bench.pages import Subjects, proposal_url, sign_in

FULL_PAGE_RATIO_GOAL = 0.2
PARTIAL_RATIO_GOAL = 0.35


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
        ("console people list", f"{console}/people/", admin, FULL_PAGE_RATIO_GOAL),
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
