"""Rounds open and close on time with nobody pressing a button: Celery beat runs the task its
schedule names, and a place lead notices the round opening (an e-mail, a page to answer on)
and closing (the page turns read-only and saves are refused). The tests run that very task as
Celery would and move the clock across the round's times, so a scheduler that does nothing,
or does its work twice, fails them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from core.uk_time import uk_datetime
from governance.consultation.models import Answer, ConsultationRound, RoundStatus
from partners.models import AuditEvent, Place, Role, User
from tests.conftest import World
from tests.factories import PlaceFactory, make_member, make_round
from tests.governance.consultation.test_rounds import update
from tests.governance.consultation.test_views_proposal import answer_fields

pytestmark = pytest.mark.django_db


class Clock:
    """The time the application reads (django.utils.timezone.now), which a test moves."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def move_to(self, moment: datetime) -> None:
        self.now = moment


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def beat_advances_rounds(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> Callable[[], None]:
    """One run of the task the beat schedule names for opening and closing rounds, applied as
    Celery applies it, with what it queues on commit (the e-mails) run as a worker would."""
    app.loader.import_default_modules()
    task = app.tasks[str(settings.CELERY_BEAT_SCHEDULE["rounds-advance"]["task"])]

    def run() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            task.apply(throw=True)

    return run


def response_page(client: Client, place_pk: int, consultation: ConsultationRound) -> str:
    """The response's overview (the round's state) and its questions' page (the fields, when
    they can be changed), one after the other."""
    pages = []
    for name in ("proposal:response", "proposal:section_questions"):
        reply = client.get(reverse(name, args=[place_pk, consultation.pk]))
        assert reply.status_code == 200
        pages.append(reply.content.decode())
    return "".join(pages)


def autosave_answer(
    client: Client, world: World, consultation: ConsultationRound, text: str, version: int
) -> str:
    question = consultation.questions.order_by("pk").first()
    assert question is not None
    url = reverse("proposal:answer", args=[world.place_a.pk, consultation.pk, question.pk])
    fields = answer_fields(question, text, version=version)
    return client.post(url, fields, HTTP_HX_REQUEST="true").content.decode()


def opening_emails_by_recipient() -> dict[str, list[str]]:
    subjects: dict[str, list[str]] = {}
    for message in mail.outbox:
        for address in message.to:
            subjects.setdefault(address, []).append(str(message.subject))
    return subjects


def test_a_scheduled_round_opens_at_its_time_and_each_invited_lead_is_emailed_once(
    world: World, framework: Any, clock: Clock, client: Client, beat_advances_rounds: Any
) -> None:
    """Leads learn of a round from the opening e-mail alone: it must go when the round opens,
    not before, to every lead of every invited place, and only once however often beat runs."""
    second_lead_a = make_member(place=world.place_a, role=Role.PLACE_LEAD)
    lead_b = make_member(place=world.place_b, role=Role.PLACE_LEAD)
    not_invited = cast(Place, PlaceFactory(system=world.system, name="Cresswell"))
    lead_not_invited = make_member(place=not_invited, role=Role.PLACE_LEAD)
    opens_at = clock.now + timedelta(minutes=10)
    consultation = make_round(
        system=world.system,
        framework=framework,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(days=14),
        invited_places=[world.place_a, world.place_b],
    )
    client.force_login(world.lead_a)

    clock.move_to(opens_at - timedelta(seconds=1))
    beat_advances_rounds()
    consultation.refresh_from_db()
    assert consultation.status == RoundStatus.SCHEDULED
    assert mail.outbox == []
    page = response_page(client, world.place_a.pk, consultation)
    assert "Not open yet" in page and "<textarea" not in page

    clock.move_to(opens_at)
    beat_advances_rounds()
    consultation.refresh_from_db()
    assert consultation.status == RoundStatus.OPEN
    invited_leads: dict[User, str] = {
        world.lead_a: world.place_a.name,
        second_lead_a: world.place_a.name,
        lead_b: world.place_b.name,
    }
    received = opening_emails_by_recipient()
    assert sorted(received) == sorted(lead.email for lead in invited_leads)
    for lead, place_name in invited_leads.items():
        [subject] = received[lead.email]
        assert consultation.title in subject and place_name in subject and "open" in subject
    assert lead_not_invited.email not in received
    assert world.member_a.email not in received  # members hear from their leads
    page = response_page(client, world.place_a.pk, consultation)
    assert f"You have until {uk_datetime(consultation.closes_at)}" in page
    assert "<textarea" in page

    # Beat runs every few minutes for the life of the round: nobody hears twice.
    sent = len(mail.outbox)
    beat_advances_rounds()
    clock.move_to(opens_at + timedelta(hours=1))
    beat_advances_rounds()
    assert len(mail.outbox) == sent
    assert AuditEvent.objects.filter(action="round.open").count() == 1


def test_an_open_round_closes_at_its_time_and_the_lead_can_no_longer_change_the_response(
    world: World, framework: Any, clock: Clock, client: Client, beat_advances_rounds: Any
) -> None:
    """At the closing time the round is closed for good (recorded once, and the ICB can no
    longer move its closing time) and the place lead's page turns read-only: a late save is
    refused and the answer keeps what was saved in time."""
    closes_at = clock.now + timedelta(minutes=10)
    consultation = make_round(system=world.system, framework=framework, closes_at=closes_at)
    client.force_login(world.lead_a)

    clock.move_to(closes_at - timedelta(seconds=1))
    beat_advances_rounds()
    consultation.refresh_from_db()
    assert consultation.status == RoundStatus.OPEN
    assert "Saved at" in autosave_answer(client, world, consultation, "In time", version=0)

    clock.move_to(closes_at)
    beat_advances_rounds()
    consultation.refresh_from_db()
    assert consultation.status == RoundStatus.CLOSED
    page = response_page(client, world.place_a.pk, consultation)
    assert f"Closed: your deadline was {uk_datetime(closes_at)}" in page
    assert "Responses can no longer be changed" in page
    assert "<textarea" not in page
    refused = autosave_answer(client, world, consultation, "Too late", version=1)
    assert "Not saved" in refused and f"This round closed at {uk_datetime(closes_at)}" in refused
    assert list(Answer.objects.values_list("text", flat=True)) == ["In time"]

    beat_advances_rounds()
    clock.move_to(closes_at + timedelta(hours=1))
    beat_advances_rounds()
    closings = AuditEvent.objects.filter(action="round.close")
    assert closings.count() == 1
    assert uk_datetime(closes_at) in closings.get().summary
    assert mail.outbox == []  # closing e-mails nobody
    with pytest.raises(ValidationError, match="This round has closed"):
        update(consultation, world.icb_admin, closes_at=closes_at + timedelta(days=7))
