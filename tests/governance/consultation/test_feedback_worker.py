"""A feedback compilation through a real Celery worker process on Redis, killed in the middle
of the job and started again: the job is redelivered and ends with exactly one complete
summary, and nothing half-made was visible meanwhile.

The worker is a separate process (so it can be killed with SIGKILL, as the kernel or an
orchestrator would) sharing the test database, which therefore has to be PostgreSQL; a
SQLite test database lives in this process's memory. Locally the test skips without
PostgreSQL or Redis; under CI it fails (tests/services.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import TestCase

from governance.consultation import feedback
from governance.consultation.models import FeedbackSummary, JobState, SummaryExport
from partners.models import AuditEvent
from tests.governance.consultation.test_feedback import Canary
from tests.services import require

pytestmark = [pytest.mark.celery_worker]

ROOT = Path(__file__).resolve().parent.parent
VISIBILITY_TIMEOUT = 3  # seconds before an unacknowledged message is delivered again


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds} s waiting until {what}")


@pytest.fixture
def private_queue(redis_broker: str) -> str:
    require(
        connection.vendor == "postgresql",
        "a worker process can share the test database only on PostgreSQL (set DATABASE_URL)",
    )
    return redis_broker


def start_worker_process(queue: str, log: Path) -> subprocess.Popen[bytes]:
    settings = connection.settings_dict
    database_url = (
        f"postgres://{settings['USER'] or 'postgres'}"
        f"{':' + settings['PASSWORD'] if settings['PASSWORD'] else ''}"
        f"@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        # Each stage of the job waits a little, so the test can kill it half way.
        "PGD_COMPILE_STAGE_DELAY": "1.0",
    }
    handle = log.open("ab")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config.celery",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "--loglevel=INFO",
            f"--queues={queue}",
            f"--hostname=pgd-test-{uuid.uuid4().hex[:8]}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)


def test_a_worker_killed_mid_compilation_leaves_one_complete_summary_after_restart(
    transactional_db: None, world: Any, private_queue: str, tmp_path: Path
) -> None:
    canary = Canary(world)
    canary.submit_all()
    canary.close()
    log = tmp_path / "worker.log"

    with TestCase.captureOnCommitCallbacks(execute=True):
        summary = feedback.summary_request_compile(actor=world.icb_admin, round=canary.round)

    def state() -> FeedbackSummary:
        return FeedbackSummary.objects.get(pk=summary.pk)

    first = start_worker_process(private_queue, log)
    try:
        wait_for(
            lambda: state().state == JobState.RUNNING and state().progress >= 15,
            60,
            "the first worker is half way through the job",
        )
        stop(first)  # SIGKILL: no chance to acknowledge, requeue or clean up
    finally:
        stop(first)

    half_way = state()
    assert half_way.state == JobState.RUNNING
    assert not half_way.has_content and half_way.content == {}
    assert not SummaryExport.objects.filter(summary=summary).exists()

    time.sleep(VISIBILITY_TIMEOUT + 0.5)  # the message becomes visible again
    second = start_worker_process(private_queue, log)
    try:
        wait_for(
            lambda: state().state in {JobState.COMPLETE, JobState.FAILED},
            120,
            "the restarted worker finishes the job",
        )
        done = state()
        assert done.state == JobState.COMPLETE, done.error or log.read_text()[-3000:]
        # Give a duplicate delivery, if there were one, time to run and be refused.
        time.sleep(2)
    finally:
        stop(second)

    done = state()
    assert done.attempts == 2, "the job ran once in each worker"
    assert done.compiled_generation == done.generation == 1
    assert FeedbackSummary.objects.filter(round=canary.round).count() == 1
    assert sorted(
        SummaryExport.objects.filter(summary=summary).values_list("format", flat=True)
    ) == ["csv", "csv", "docx", "docx", "pdf", "pdf", "xlsx", "xlsx"]  # one of each per part
    assert (
        AuditEvent.objects.filter(action="summary.compiled", target_id=str(summary.pk)).count() == 1
    )


def test_a_worker_compiles_a_round_on_the_2025_framework_with_every_export(
    transactional_db: None, world: Any, private_queue: str, tmp_path: Path
) -> None:
    """The 2025 operating model's round goes through the same worker as the 2021 one: each
    place proposes one archetype, and the summary says the framework suggests no rating."""
    from governance.catalogue.loader import catalogue_load_all
    from governance.catalogue.models import OptionFramework
    from tests.factories import close_round, make_round
    from tests.governance.consultation.test_round_on_each_framework import _places, _respond

    catalogue_load_all()  # a flushed transactional database has lost the migration's rows
    framework = OptionFramework.objects.get(slug="operating-model-2025")
    places = _places(world)  # before the round, which invites the places there are
    consultation = make_round(system=world.system, framework=framework, title="Delivery 2026")
    for index, (place, lead) in enumerate(places):
        _respond(consultation, place, lead, [1 if index < 2 else 2], agree=False)
    close_round(consultation)

    with TestCase.captureOnCommitCallbacks(execute=True):
        summary = feedback.summary_request_compile(actor=world.icb_admin, round=consultation)
    worker = start_worker_process(private_queue, tmp_path / "worker.log")
    try:
        wait_for(
            lambda: (
                FeedbackSummary.objects.get(pk=summary.pk).state
                in {JobState.COMPLETE, JobState.FAILED}
            ),
            120,
            "the worker finishes the job",
        )
    finally:
        stop(worker)
    done = FeedbackSummary.objects.get(pk=summary.pk)
    assert done.state == JobState.COMPLETE, done.error
    assert sorted(
        SummaryExport.objects.filter(summary=summary).values_list("format", flat=True)
    ) == ["csv", "csv", "docx", "docx", "pdf", "pdf", "xlsx", "xlsx"]
    content = str(done.content)
    assert "Place partnership" in content and "Lead care provider" in content
