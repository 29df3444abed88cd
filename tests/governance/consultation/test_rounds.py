"""Running a consultation round: the admin's changes, deadlines, the progress board and the
scheduler that opens, closes and reminds (governance.consultation.rounds)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.locking import ConcurrentEditError
from governance.consultation import responses, round_scheduler, rounds, selectors
from governance.consultation.models import (
    ROUND_SETTINGS,
    ConsultationRound,
    DeadlineExtension,
    Milestone,
    ReminderSent,
    RoundStatus,
)
from governance.consultation.questions import DEFAULT_QUESTIONS
from governance.consultation.responses import response_submit
from partners.models import AuditEvent, Role
from tests.factories import (
    PlaceFactory,
    complete_response,
    make_member,
    make_response,
    make_round,
    round_with_progress,
    save_answer,
)
from tests.queries import queries_run_by

pytestmark = pytest.mark.django_db


def open_round(world: Any, framework: Any, **kwargs: Any) -> ConsultationRound:
    return make_round(system=world.system, framework=framework, **kwargs)


def scheduled_round(world: Any, framework: Any, **kwargs: Any) -> ConsultationRound:
    now = timezone.now()
    kwargs.setdefault("opens_at", now + timedelta(days=2))
    kwargs.setdefault("closes_at", now + timedelta(days=30))
    return make_round(system=world.system, framework=framework, **kwargs)


def update(consultation: ConsultationRound, actor: Any = None, **changes: Any) -> ConsultationRound:
    values = {
        **{name: getattr(consultation, name) for name in ROUND_SETTINGS},
        "version": consultation.version,
        "invited_places": list(consultation.invited_places.all()),
        **changes,
    }
    return rounds.round_update(actor=actor, round=consultation, **values)


def submit(consultation: ConsultationRound, place: Any, lead: Any) -> None:
    response = make_response(round=consultation, place=place)
    complete_response(response=response, actor=lead)
    response_submit(actor=lead, response=response)


# Changing a round ---------------------------------------------------------------------------


def test_a_round_update_saves_bumps_the_version_and_is_audited(world, framework):
    consultation = scheduled_round(world, framework)
    updated = update(consultation, actor=world.icb_admin, title="Renamed round", reminder_days=3)
    assert updated.version == consultation.version + 1
    consultation.refresh_from_db()
    assert (consultation.title, consultation.reminder_days) == ("Renamed round", 3)
    event = AuditEvent.objects.get(action="round.update")
    assert event.actor == world.icb_admin and "title" in event.summary


def test_a_stale_round_update_is_refused_and_changes_nothing(world, framework):
    consultation = scheduled_round(world, framework)
    stale_version = consultation.version
    update(consultation, title="First edit")
    with pytest.raises(ConcurrentEditError, match="Someone else changed this consultation round"):
        update(consultation, version=stale_version, title="Second edit")
    consultation.refresh_from_db()
    assert consultation.title == "First edit"


def test_a_scheduled_round_can_move_its_opening_time(world, framework):
    consultation = scheduled_round(world, framework)
    later = consultation.opens_at + timedelta(days=1)
    update(consultation, opens_at=later)
    consultation.refresh_from_db()
    assert consultation.opens_at == later


def test_an_opened_round_keeps_its_opening_time(world, framework):
    consultation = open_round(world, framework)
    with pytest.raises(ValidationError) as error:
        update(consultation, opens_at=consultation.opens_at + timedelta(hours=1))
    assert "cannot change" in error.value.message_dict["opens_at"][0]
    # Unchanged, the rest saves.
    update(consultation, title="Still fine")


def test_the_closing_time_must_stay_after_the_opening_time(world, framework):
    consultation = scheduled_round(world, framework)
    with pytest.raises(ValidationError) as error:
        update(consultation, closes_at=consultation.opens_at - timedelta(minutes=1))
    assert error.value.message_dict["closes_at"] == ["The round must close after it opens."]
    update(consultation, closes_at=consultation.opens_at + timedelta(days=1))


def test_a_place_with_a_response_cannot_be_uninvited_but_others_can(world, framework):
    place_c = PlaceFactory(system=world.system, name="Carrow")
    consultation = open_round(world, framework)
    assert {p.name for p in consultation.invited_places.all()} == {
        "Ashford",
        "Brookfield",
        "Carrow",
    }
    make_response(round=consultation, place=world.place_a)
    with pytest.raises(ValidationError) as error:
        update(consultation, invited_places=[world.place_b])
    assert "Ashford has started a response" in error.value.message_dict["invited_places"][0]
    update(consultation, invited_places=[world.place_a, world.place_b])
    assert place_c not in consultation.invited_places.all()


def test_questions_can_be_replaced_before_the_round_opens(world, framework):
    consultation = scheduled_round(world, framework)
    rounds.round_questions_replace(
        actor=world.icb_admin,
        round=consultation,
        questions=[
            {"text": "Is the timetable realistic?", "choices": ["Yes", "No"]},
            {"text": "Anything else?", "required": False},
        ],
    )
    texts = list(consultation.questions.values_list("order", "text", "required"))
    assert texts == [(1, "Is the timetable realistic?", True), (2, "Anything else?", False)]
    assert AuditEvent.objects.filter(action="round.questions_replace").count() == 1


def test_a_bad_question_is_refused_with_its_number_and_nothing_changes(world, framework):
    consultation = scheduled_round(world, framework)
    before = list(consultation.questions.values_list("text", flat=True))
    with pytest.raises(ValidationError) as error:
        rounds.round_questions_replace(
            actor=None,
            round=consultation,
            questions=[{"text": "Fine"}, {"text": "One answer only", "choices": ["Yes"]}],
        )
    assert error.value.message_dict["questions"] == [
        "Question 2: Give at least two fixed answers, or none."
    ]
    assert list(consultation.questions.values_list("text", flat=True)) == before


def test_questions_cannot_change_once_the_round_has_opened(world, framework):
    consultation = open_round(world, framework)
    with pytest.raises(ValidationError, match="questions can no longer change"):
        rounds.round_questions_replace(actor=None, round=consultation, questions=[{"text": "New"}])
    assert consultation.questions.count() == len(DEFAULT_QUESTIONS)


def test_milestones_can_change_at_any_time(world, framework):
    consultation = open_round(world, framework)
    due = timezone.localdate() + timedelta(days=40)
    milestone = rounds.milestone_add(
        actor=world.icb_admin, round=consultation, title="Proposals to the board", due_on=due
    )
    rounds.milestone_update(
        actor=world.icb_admin,
        milestone=milestone,
        title="Proposals to the board",
        due_on=due + timedelta(days=7),
        description="Public meeting",
    )
    milestone.refresh_from_db()
    assert (milestone.due_on, milestone.description) == (due + timedelta(days=7), "Public meeting")
    rounds.milestone_remove(actor=world.icb_admin, milestone=milestone)
    assert not Milestone.objects.filter(round=consultation).exists()
    assert AuditEvent.objects.filter(action__startswith="round.milestone_").count() == 3


def test_a_milestone_needs_a_title_and_a_date(world, framework):
    consultation = open_round(world, framework)
    with pytest.raises(ValidationError) as error:
        rounds.milestone_add(actor=None, round=consultation, title=" ", due_on=None)
    assert set(error.value.message_dict) == {"title", "due_on"}
    assert not Milestone.objects.exists()


def more_time(consultation, place, *, days, reason="Board met late", actor=None):
    """Give one place `days` more than the round's own deadline, through the service."""
    return rounds.deadline_extend(
        actor=actor,
        round=consultation,
        place=place,
        closes_at=consultation.closes_at + timedelta(days=days),
        reason=reason,
    )


# Closing early, more time -------------------------------------------------------------------


def test_closing_now_closes_for_everyone_and_ends_extensions(world, framework):
    consultation = open_round(world, framework)
    more_time(consultation, world.place_a, days=3, actor=world.icb_admin)
    before = timezone.now()
    rounds.round_close_now(actor=world.icb_admin, round=consultation, reason="Timetable moved")
    consultation.refresh_from_db()
    assert consultation.status == RoundStatus.CLOSED
    assert before <= consultation.closes_at <= timezone.now()
    extension = DeadlineExtension.objects.get(round=consultation)
    assert extension.closes_at == consultation.closes_at
    assert selectors.round_final_deadline(round=consultation) == consultation.closes_at
    event = AuditEvent.objects.get(action="round.close")
    assert "Reason: Timetable moved" in event.summary and "1 extension ended" in event.summary


def test_a_round_that_has_not_opened_cannot_be_closed_now(world, framework):
    consultation = scheduled_round(world, framework)
    with pytest.raises(ValidationError, match="has not opened yet"):
        rounds.round_close_now(actor=None, round=consultation)
    consultation.refresh_from_db()
    assert consultation.status == RoundStatus.SCHEDULED


def test_a_closed_round_cannot_be_closed_again(world, framework):
    consultation = open_round(world, framework)
    rounds.round_close_now(actor=None, round=consultation)
    with pytest.raises(ValidationError, match="already closed"):
        rounds.round_close_now(actor=None, round=consultation)


def test_an_extension_gives_one_place_a_later_deadline(world, framework):
    consultation = open_round(world, framework)
    new_deadline = consultation.closes_at + timedelta(days=2)
    more_time(
        consultation,
        world.place_a,
        days=2,
        reason="Partnership board met late",
        actor=world.icb_admin,
    )
    assert responses.response_deadline(round=consultation, place=world.place_a) == new_deadline
    assert (
        responses.response_deadline(round=consultation, place=world.place_b)
        == consultation.closes_at
    )
    assert selectors.round_final_deadline(round=consultation) == new_deadline
    event = AuditEvent.objects.get(action="round.extension")
    assert "Partnership board met late" in event.summary
    assert event.details["reason"] == "Partnership board met late"


def test_a_second_extension_replaces_the_first(world, framework):
    consultation = open_round(world, framework)
    for days in (2, 4):
        more_time(consultation, world.place_a, days=days, reason=f"{days} more days")
    extension = DeadlineExtension.objects.get(round=consultation, place=world.place_a)
    assert extension.closes_at == consultation.closes_at + timedelta(days=4)
    assert extension.reason == "4 more days"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"closes_at": "before_round_closes"}, "closes_at"),
    ],
)
def test_an_extension_needs_a_reason_and_a_later_deadline(world, framework, change, field):
    consultation = open_round(world, framework)
    values = {
        "place": world.place_a,
        "closes_at": consultation.closes_at + timedelta(days=1),
        "reason": "Board met late",
        **change,
    }
    if values["closes_at"] == "before_round_closes":
        values["closes_at"] = consultation.closes_at - timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        rounds.deadline_extend(actor=None, round=consultation, **values)
    assert field in error.value.message_dict
    assert not DeadlineExtension.objects.exists()


def test_an_extension_must_be_in_the_future(world, framework):
    now = timezone.now()
    consultation = open_round(
        world, framework, opens_at=now - timedelta(days=10), closes_at=now - timedelta(days=2)
    )
    with pytest.raises(ValidationError) as error:
        rounds.deadline_extend(
            actor=None,
            round=consultation,
            place=world.place_a,
            closes_at=now - timedelta(days=1),
            reason="Too late",
        )
    assert error.value.message_dict["closes_at"] == ["The new deadline must be in the future."]


def test_only_an_invited_place_can_be_given_more_time(world, framework):
    consultation = open_round(world, framework, invited_places=[world.place_a])
    with pytest.raises(ValidationError) as error:
        more_time(consultation, world.place_b, days=1)
    assert error.value.message_dict["place"] == ["Brookfield is not invited to this round."]


# The progress board ---------------------------------------------------------------------------


def test_progress_shows_each_places_state_last_activity_and_deadline(world, framework):
    lead_b = make_member(place=world.place_b, role=Role.PLACE_LEAD)
    place_c = PlaceFactory(system=world.system, name="Carrow")
    consultation = open_round(world, framework)
    response_a = make_response(round=consultation, place=world.place_a)
    question = consultation.questions.first()
    save_answer(world.member_a, response_a, question, "Draft")
    submit(consultation, world.place_b, lead_b)
    more_time(consultation, place_c, days=5, reason="New partnership", actor=world.icb_admin)
    rows = {row.place.name: row for row in selectors.round_progress(round=consultation)}
    assert list(rows) == ["Ashford", "Brookfield", "Carrow"]
    assert (rows["Ashford"].state, rows["Ashford"].edited_by) == ("drafting", world.member_a)
    assert rows["Ashford"].edited_at is not None
    assert (rows["Ashford"].submitted_at, rows["Ashford"].submitted_by) == (None, None)
    assert (rows["Brookfield"].state, rows["Brookfield"].edited_by) == ("submitted", lead_b)
    assert rows["Brookfield"].submitted_by == lead_b
    assert rows["Carrow"].state == "not_started" and rows["Carrow"].edited_at is None
    assert rows["Carrow"].extended and rows["Carrow"].extension.reason == "New partnership"
    assert rows["Carrow"].deadline == consultation.closes_at + timedelta(days=5)
    assert not rows["Ashford"].extended and rows["Ashford"].deadline == consultation.closes_at


def test_progress_names_who_last_edited_and_who_submitted_apart(world, framework):
    """A member writes the response; a lead submits it. Submitting is not an edit: the board
    keeps the member as its last editor, at the time of their last edit."""
    consultation = open_round(world, framework, invited_places=[world.place_a])
    response = complete_response(
        response=make_response(round=consultation, place=world.place_a), actor=world.member_a
    )
    last_edit = max(
        [
            *response.answers.values_list("updated_at", flat=True),
            *response.ratings.values_list("updated_at", flat=True),
            response.updated_at,
        ]
    )
    submitted = response_submit(actor=world.lead_a, response=response)
    [row] = selectors.round_progress(round=consultation)
    assert row.state == "submitted"
    assert row.edited_by == world.member_a
    # The history stamps a save moments after the row's own `updated_at`.
    assert abs(row.edited_at - last_edit) < timedelta(seconds=1)
    assert (row.submitted_by, row.submitted_at) == (world.lead_a, submitted.submitted_at)
    assert row.submitted_at > row.edited_at


def test_progress_withdrawing_is_not_an_edit_and_clears_the_submission(world, framework):
    consultation = open_round(world, framework, invited_places=[world.place_a])
    response = complete_response(
        response=make_response(round=consultation, place=world.place_a), actor=world.member_a
    )
    response = response_submit(actor=world.lead_a, response=response)
    responses.response_withdraw(actor=world.lead_a, response=response)
    [row] = selectors.round_progress(round=consultation)
    assert (row.state, row.edited_by) == ("withdrawn", world.member_a)
    assert (row.submitted_at, row.submitted_by) == (None, None)


def _progress_queries(world: Any, framework: Any, places: int) -> int:
    consultation = round_with_progress(
        world=world, framework=framework, places=places, title=f"Round of {places}"
    )
    rows: list[Any] = []

    def read_the_board() -> None:
        rows.extend(selectors.round_progress(round=consultation))
        for row in rows:  # everything the board shows
            str(row.edited_by), str(row.submitted_by), row.extension.granted_by, row.place.name

    queries = queries_run_by(read_the_board)
    assert len(rows) == places
    return queries


def test_progress_takes_the_same_number_of_queries_for_2_and_8_places(world, framework):
    two = _progress_queries(world, framework, 2)
    eight = _progress_queries(world, framework, 8)
    assert two == eight


# The scheduler --------------------------------------------------------------------------------


def test_the_scheduler_opens_a_due_round_once_and_emails_current_leads(
    world, framework, django_capture_on_commit_callbacks
):
    lead_b = make_member(place=world.place_b, role=Role.PLACE_LEAD)
    consultation = scheduled_round(world, framework)
    later = consultation.opens_at + timedelta(minutes=1)
    assert round_scheduler.rounds_advance(now=consultation.opens_at - timedelta(minutes=1)) == {
        "opened": 0,
        "closed": 0,
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert round_scheduler.rounds_advance(now=later) == {"opened": 1, "closed": 0}
    consultation.refresh_from_db()
    assert consultation.status == RoundStatus.OPEN
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.lead_a.email, lead_b.email])
    to_a = next(m for m in mail.outbox if m.to == [world.lead_a.email])
    assert consultation.title in to_a.subject and "Ashford" in to_a.subject
    link = f"{settings.SITE_URL}/places/{world.place_a.pk}/rounds/{consultation.pk}/"
    assert link in to_a.body and link in to_a.alternatives[0][0]
    assert AuditEvent.objects.filter(action="round.open").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert round_scheduler.rounds_advance(now=later) == {"opened": 0, "closed": 0}
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="round.open").count() == 1


def test_the_scheduler_closes_a_round_after_the_last_extension(world, framework):
    consultation = open_round(world, framework)
    extended_to = consultation.closes_at + timedelta(days=2)
    rounds.deadline_extend(
        actor=None, round=consultation, place=world.place_a, closes_at=extended_to, reason="Late"
    )
    assert (
        round_scheduler.rounds_advance(now=consultation.closes_at + timedelta(minutes=1))["closed"]
        == 0
    )
    consultation.refresh_from_db()
    assert consultation.status == RoundStatus.OPEN
    assert round_scheduler.rounds_advance(now=extended_to + timedelta(minutes=1)) == {
        "opened": 0,
        "closed": 1,
    }
    assert round_scheduler.rounds_advance(now=extended_to + timedelta(minutes=2))["closed"] == 0
    consultation.refresh_from_db()
    assert consultation.status == RoundStatus.CLOSED
    assert AuditEvent.objects.filter(action="round.close").count() == 1


def test_a_round_already_over_is_closed_without_opening_emails(
    world, framework, django_capture_on_commit_callbacks
):
    consultation = scheduled_round(world, framework)
    with django_capture_on_commit_callbacks(execute=True):
        result = round_scheduler.rounds_advance(now=consultation.closes_at + timedelta(minutes=1))
    assert result == {"opened": 0, "closed": 1}
    assert mail.outbox == []


def test_the_scheduler_tasks_call_the_services(world, framework):
    from governance import tasks

    consultation = open_round(world, framework, days_open=1, reminder_days=0)
    assert tasks.rounds_advance_task.delay().get() == {"opened": 0, "closed": 0}
    assert tasks.round_reminders_task.delay().get() == 0
    assert consultation.pk


def test_the_beat_schedule_runs_both_tasks():
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["governance.tasks.rounds_advance_task"] == 300
    assert schedule["governance.tasks.round_reminders_task"] == 3600


# Reminders ------------------------------------------------------------------------------------


def test_reminders_go_once_to_leads_of_places_that_have_not_submitted(
    world, framework, django_capture_on_commit_callbacks
):
    lead_b = make_member(place=world.place_b, role=Role.PLACE_LEAD)
    consultation = open_round(world, framework, days_open=3, reminder_days=7)
    submit(consultation, world.place_b, lead_b)
    make_response(round=consultation, place=world.place_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert round_scheduler.round_reminders_send() == 1
    assert [m.to for m in mail.outbox] == [[world.lead_a.email]]  # not members, not place B
    reminder = mail.outbox[0]
    assert "2 days left" in reminder.subject and consultation.title in reminder.subject
    assert "Still missing (24 required items)" in reminder.body
    assert "- Choose the option or options you propose" in reminder.body
    assert "- and 14 more" in reminder.body
    assert (
        f"{settings.SITE_URL}/places/{world.place_a.pk}/rounds/{consultation.pk}/" in reminder.body
    )
    sent = ReminderSent.objects.get()
    assert (sent.place, sent.deadline, sent.recipients) == (
        world.place_a,
        consultation.closes_at,
        1,
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert round_scheduler.round_reminders_send() == 0
    assert len(mail.outbox) == 1


def test_an_extension_allows_exactly_one_more_reminder(
    world, framework, django_capture_on_commit_callbacks
):
    consultation = open_round(world, framework, days_open=3, reminder_days=7)
    with django_capture_on_commit_callbacks(execute=True):
        assert round_scheduler.round_reminders_send() == 1
    more_time(consultation, world.place_a, days=2, actor=world.icb_admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert round_scheduler.round_reminders_send() == 1
        assert round_scheduler.round_reminders_send() == 0
    assert [m.to for m in mail.outbox] == [[world.lead_a.email], [world.lead_a.email]]
    assert "Nobody in Ashford has started the response yet" in mail.outbox[0].body
    assert "the extra time your place was given" in mail.outbox[1].body
    assert ReminderSent.objects.filter(place=world.place_a).count() == 2


def test_no_reminder_before_the_window_or_when_reminders_are_off(
    world, framework, django_capture_on_commit_callbacks
):
    open_round(world, framework, days_open=20, reminder_days=7, title="Early days")
    open_round(world, framework, days_open=2, reminder_days=0, title="Reminders off")
    scheduled_round(world, framework, title="Not open")
    with django_capture_on_commit_callbacks(execute=True):
        assert round_scheduler.round_reminders_send() == 0
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()


def test_reminders_are_due_from_reminder_days_before_the_deadline(world, framework):
    consultation = open_round(world, framework, days_open=20, reminder_days=7)
    assert round_scheduler.round_reminders_send(now=consultation.closes_at - timedelta(days=8)) == 0
    assert round_scheduler.round_reminders_send(now=consultation.closes_at - timedelta(days=7)) == 1
    assert (
        round_scheduler.round_reminders_send(now=consultation.closes_at + timedelta(minutes=1)) == 0
    )


# E-mails sent late (kept while the broker was down, see core.outbox) -----------------------


def test_an_opening_email_that_runs_after_the_round_closed_sends_nothing(world, framework):
    from governance.consultation.emails import round_open_emails_send

    consultation = open_round(world, framework)
    assert round_open_emails_send(round_id=consultation.pk) == 1
    rounds.round_close_now(actor=world.icb_admin, round=consultation)
    mail.outbox.clear()
    assert round_open_emails_send(round_id=consultation.pk) == 0
    assert mail.outbox == []


def test_a_reminder_that_runs_after_its_deadline_sends_nothing(world, framework):
    from governance.consultation.emails import round_reminder_email_send

    open_round(world, framework, days_open=3, reminder_days=7)
    assert round_scheduler.round_reminders_send() == 1  # queued only: no commit in this test
    reminder = ReminderSent.objects.get()
    assert round_reminder_email_send(reminder_id=reminder.pk) == 1
    ReminderSent.objects.filter(pk=reminder.pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )
    assert round_reminder_email_send(reminder_id=reminder.pk) == 0
    assert len(mail.outbox) == 1
