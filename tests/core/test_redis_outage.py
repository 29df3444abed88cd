"""A real Redis outage, not a patched exception: each test starts a Redis server of its own,
points the Celery app at it, and takes it down while a place lead submits a response. The
lead's submission must stand, the page must come back within seconds, and the e-mail it
queues must wait in the outbox and go out exactly once after Redis is back."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from config.celery import app
from core.models import PendingTask
from governance.consultation.models import ConsultationRound, PlaceResponse, ResponseStatus
from governance.tasks import response_submitted_email_task
from tests.conftest import World
from tests.factories import complete_response, make_response, make_round
from tests.services import require
from tests.workers import forget_cached_queues, queued_messages, run_worker_until_task_ran

pytestmark = [pytest.mark.celery_worker]

# A person waits this long at most for their page while Redis is down. Measured, whole
# request included: under a second when Redis is gone, about two seconds when it hangs (the
# broker's read timeout, CELERY_BROKER_TRANSPORT_OPTIONS); without that timeout a hung Redis
# held the request for as long as it hung.
LONGEST_WAIT_SECONDS = 5.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """A throwaway redis-server on its own port, with nothing saved to disk."""

    def __init__(self, binary: str, port: int) -> None:
        self.binary = binary
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self._answers():
            assert self.process.poll() is None, f"redis-server exited on port {self.port}"
            assert time.monotonic() < deadline, f"redis-server did not answer on {self.port}"
            time.sleep(0.05)

    def _answers(self) -> bool:
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            return bool(client.ping())
        except (redis.RedisError, OSError):
            return False
        finally:
            client.close()

    def kill(self) -> None:
        """Gone at once: connections are refused."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def hang(self) -> None:
        """Still listening but never answering, like a frozen host or a dropped network."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)


@pytest.fixture
def own_redis(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[RedisServer, str]]:
    """A Redis server of this test's own, which it may stop, and the app switched to publish
    to a queue on it for real (not eagerly). Yields the server and the queue."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    require(shutil.which(binary) is not None, "redis-server is not installed")
    server = RedisServer(binary, free_port())
    server.start()
    queue = f"pgd-outage-{uuid.uuid4().hex}"
    # Celery reads the broker from the environment before its settings.
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)
    for name, value in {
        "broker_url": server.url,
        "task_always_eager": False,
        "task_default_queue": queue,
        "worker_hijack_root_logger": False,
    }.items():
        monkeypatch.setitem(app.conf, name, value)
    # The app caches its broker connections and queues; new ones must be of this server.
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    forget_cached_queues()
    assert app.connection_for_write().port == server.port
    try:
        yield server, queue
    finally:
        pools: list[Any] = [app.amqp.producer_pool, app.pool]
        for pool in pools:
            pool.force_close_all()
        forget_cached_queues()  # the next test must not inherit ours
        server.kill()


def beat_task(entry: str) -> Any:
    """The task the beat schedule runs under `entry`."""
    app.loader.import_default_modules()
    return app.tasks[str(settings.CELERY_BEAT_SCHEDULE[entry]["task"])]


def flush_outbox() -> int:
    """One run of the scheduler's outbox flush, applied as Celery applies it."""
    return int(beat_task("pending-tasks-retry").apply(throw=True).get())


def warm_the_connection_pool() -> None:
    """A running site has a broker connection open in its pool from earlier publishing."""
    connection: Any = app.pool.acquire(block=True)
    try:
        connection.ensure_connection(max_retries=1)
    finally:
        connection.release()


def submit_as_lead(client: Client, world: World, consultation: ConsultationRound) -> Any:
    url = reverse(
        "proposal:submit", kwargs={"place_pk": world.place_a.pk, "round_pk": consultation.pk}
    )
    return client.post(url, follow=True)


def emails_to(address: str) -> int:
    return sum(address in message.to for message in mail.outbox)


@pytest.mark.parametrize(
    "outage",
    [pytest.param(RedisServer.kill, id="redis-killed"), pytest.param(RedisServer.hang, id="hung")],
)
def test_a_submission_during_a_redis_outage_stands_and_its_emails_go_once_redis_is_back(
    transactional_db: None,
    world: World,
    client: Client,
    own_redis: tuple[RedisServer, str],
    outage: Callable[[RedisServer], None],
) -> None:
    """The lead must not lose their submission, nor wait long, because Redis is down; the
    ICB admins and leads must still hear of it once Redis is back, and only once."""
    server, queue = own_redis
    consultation = make_round(system=world.system)
    response = make_response(round=consultation, place=world.place_a)
    complete_response(response=response, actor=world.lead_a)
    client.force_login(world.lead_a)
    warm_the_connection_pool()

    outage(server)
    started = time.monotonic()
    page = submit_as_lead(client, world, consultation)
    took = time.monotonic() - started

    assert page.status_code == 200
    assert "response has been submitted" in page.content.decode()
    assert took < LONGEST_WAIT_SECONDS, f"the lead waited {took:.1f}s for the page"
    response = PlaceResponse.objects.get(pk=response.pk)
    assert response.status == ResponseStatus.SUBMITTED
    assert response.submitted_by == world.lead_a
    kept = PendingTask.objects.get()
    assert kept.task_name == response_submitted_email_task.name
    assert kept.kwargs["response_id"] == response.pk
    assert mail.outbox == []

    # Redis comes back (a fresh server on the same address: nothing it held survives).
    server.kill()
    server.start()
    assert queued_messages(queue) == 0
    assert flush_outbox() == 1
    assert not PendingTask.objects.exists()
    assert queued_messages(queue) == 1
    assert run_worker_until_task_ran(response_submitted_email_task.name, queue) == ["SUCCESS"]
    assert emails_to(world.lead_a.email) == 1
    assert emails_to(world.icb_admin.email) == 1
    assert all("Ashford has submitted its response" in m.subject for m in mail.outbox)

    # The next scheduler run has nothing left to publish.
    assert flush_outbox() == 0
    assert queued_messages(queue) == 0
    assert emails_to(world.lead_a.email) == 1
