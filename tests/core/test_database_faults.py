"""The database going away under a request (a restart, a failover, a killed connection) gives
the service's own error page, not a traceback, and the next request works again.

A connection is killed for real with pg_terminate_backend, which is what a PostgreSQL restart
does to every open connection; so this needs PostgreSQL (locally it skips on SQLite; under CI
it fails, see tests/services.py)."""

from __future__ import annotations

from django.db import close_old_connections, connection, connections
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.services import require


def terminate_our_connection() -> None:
    """From a second connection, end the server process behind the default one."""
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid  # type: ignore[union-attr]
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


def test_a_killed_database_connection_gives_the_error_page_then_recovers(
    transactional_db: None, world: World
) -> None:
    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    client = Client(raise_request_exception=False)
    client.force_login(world.member_a)
    assert client.get(reverse("home")).status_code == 200

    terminate_our_connection()
    response = client.get(reverse("home"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "Nothing you had already saved has been lost" in page
    assert "Traceback" not in page and "OperationalError" not in page

    # At the end of every request the WSGI handler drops a connection that failed (the test
    # client leaves that step out, so it is done here as the handler would); the next
    # request connects afresh and works.
    close_old_connections()
    again = client.get(reverse("home"))
    assert again.status_code == 200
    assert world.place_a.name in again.content.decode()
