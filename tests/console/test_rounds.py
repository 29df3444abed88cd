"""The console's consultation round pages: the list, setting a round up, the round page and
its progress board, more time for a place, closing early and changing a round."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from governance.consultation import rounds
from governance.consultation.forms import uk_parts
from governance.consultation.models import (
    ConsultationRound,
    DeadlineExtension,
    Milestone,
    Question,
    RoundStatus,
)
from governance.consultation.questions import DEFAULT_QUESTIONS
from governance.consultation.responses import response_submit
from tests.console.support import url
from tests.dates import date_boxes
from tests.factories import (
    PlaceFactory,
    complete_response,
    make_response,
    make_round,
    round_with_progress,
)
from tests.queries import page_query_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(world, framework) -> ConsultationRound:
    return make_round(system=world.system, framework=framework)


def not_yet_open(
    world: Any, framework: Any, *, opens_in: int, closes_in: int, **extra: Any
) -> ConsultationRound:
    """A round that opens `opens_in` days from now and closes `closes_in` days from now."""
    now = timezone.now()
    return make_round(
        system=world.system,
        framework=framework,
        opens_at=now + timedelta(days=opens_in),
        closes_at=now + timedelta(days=closes_in),
        **extra,
    )


def round_post(world: Any, framework: Any, **overrides: Any) -> dict[str, Any]:
    """A complete, valid set-up form: two questions kept, one milestone."""
    start = timezone.localdate() + timedelta(days=3)
    data: dict[str, Any] = {
        "round-title": "Place governance options 2026",
        "round-purpose": "Agree how each place is governed next year.",
        "round-framework": framework.pk,
        "round-invited_places": [world.place_a.pk, world.place_b.pk],
        **date_boxes("round-opens_on", start),
        "round-opens_time": "09:00",
        **date_boxes("round-closes_on", start + timedelta(days=28)),
        "round-closes_time": "17:00",
        "round-reminder_days": "7",
        "round-suppression_threshold": "3",
        "q1-text": "Should every place use the same model?",
        "q1-choices": "Yes\nNo\nNot sure",
        "q1-required": "on",
        "q2-text": "Anything else?",
        "m1-title": "Proposals to the board",
        **date_boxes("m1-due_on", start + timedelta(days=60)),
    }
    data.update(overrides)
    return data


# The list and the console navigation ------------------------------------------------------


def test_the_list_shows_each_round_with_its_status_and_submissions(
    admin_client, world, consultation
):
    response = admin_client.get(url("rounds", world))
    html = response.content.decode()
    assert response.status_code == 200
    assert consultation.title in html and "Open" in html
    assert "0 of 2" in html
    assert 'href="' + url("round_add", world) + '"' in html
    assert ">Rounds</a>" in html  # the console navigation


def test_the_list_searches_by_title(admin_client, world, framework, htmx_headers):
    make_round(system=world.system, framework=framework, title="Winter review")
    make_round(system=world.system, framework=framework, title="Summer review")
    response = admin_client.get(url("rounds", world), {"q": "winter"}, **htmx_headers)
    html = response.content.decode()
    assert "Winter review" in html and "Summer review" not in html
    assert "<html" not in html


def test_the_dashboard_links_to_the_rounds(admin_client, world):
    html = admin_client.get(url("dashboard", world)).content.decode()
    assert "Consultation rounds" in html and url("rounds", world) in html


# Setting a round up ---------------------------------------------------------------------------


def test_the_set_up_form_suggests_defaults(admin_client, world, framework):
    inactive = PlaceFactory(system=world.system, name="Closed Place", is_active=False)
    html = admin_client.get(url("round_add", world)).content.decode()
    ticked = re.findall(
        r'<input type="checkbox" name="round-invited_places" value="(\d+)"[^>]* checked>', html
    )
    assert sorted(ticked) == sorted([str(world.place_a.pk), str(world.place_b.pk)])
    assert inactive.name not in html
    assert DEFAULT_QUESTIONS[3]["text"] in html
    assert "Not sure" in html  # question 1's fixed answers
    assert 'name="q10-text"' in html and 'name="q11-text"' not in html
    assert 'placeholder="High-level summary to the oversight group"' in html
    # Dates in the NHS date input (a box each for day, month and year), not a browser picker.
    assert 'type="date"' not in html and 'type="time"' not in html
    assert 'class="nhsuk-date-input" id="id_round-opens_on"' in html
    for part in ("day", "month", "year"):
        assert f'name="round-opens_on_{part}"' in html
    assert "For example, 15 3 2027" in html


def test_setting_up_a_round_saves_it_with_its_questions_and_milestones(
    admin_client, world, framework
):
    response = admin_client.post(url("round_add", world), round_post(world, framework))
    consultation = ConsultationRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("round", world, consultation.pk)
    assert consultation.status == RoundStatus.SCHEDULED
    assert consultation.created_by == world.icb_admin
    assert uk_parts(consultation.opens_at)[1].strftime("%H:%M") == "09:00"
    assert [(q.text, q.choices, q.required) for q in consultation.questions.all()] == [
        ("Should every place use the same model?", ["Yes", "No", "Not sure"], True),
        ("Anything else?", [], False),
    ]
    assert list(consultation.milestones.values_list("title", flat=True)) == [
        "Proposals to the board"
    ]
    page = admin_client.get(response["Location"]).content.decode()
    assert "Set up Place governance options 2026" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"round-title": ""}, "Enter a title for the round"),
        (
            date_boxes("round-closes_on", timezone.localdate() + timedelta(days=1)),
            "The date the round closes must be after the date it opens",
        ),
        ({"round-invited_places": []}, "Choose at least one place to invite"),
        ({"q2-choices": "Only one"}, "Give at least two fixed answers, or none."),
        ({"q3-hint": "A hint without a question"}, "Write the question, or clear this slot."),
        ({"m2-description": "No title or date"}, "Enter a title for the milestone, or clear"),
        (
            {"round-reminder_days": "-1"},
            "The number of days before the deadline must be 0 or more",
        ),
    ],
)
def test_bad_input_shows_errors_and_saves_nothing(
    admin_client, world, framework, overrides, message
):
    response = admin_client.post(url("round_add", world), round_post(world, framework, **overrides))
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and message in html
    assert "Nothing has been saved yet" in html
    assert not ConsultationRound.objects.exists()
    assert not Question.objects.exists() and not Milestone.objects.exists()
    assert "Place governance options 2026" in html or overrides.get("round-title") == ""


def test_a_round_set_up_to_open_now_opens_and_emails_the_leads(
    admin_client, world, framework, django_capture_on_commit_callbacks
):
    from django.core import mail

    today = timezone.localdate()
    data = round_post(
        world,
        framework,
        **date_boxes("round-opens_on", today - timedelta(days=1)),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url("round_add", world), data, follow=True)
    assert ConsultationRound.objects.get().status == RoundStatus.OPEN
    assert "It is open now" in response.content.decode()
    assert [m.to for m in mail.outbox] == [[world.lead_a.email]]


# The round page -------------------------------------------------------------------------------


def test_the_round_page_shows_settings_timeline_and_progress(admin_client, world, consultation):
    rounds.milestone_add(
        actor=None,
        round=consultation,
        title="Proposals to the board",
        due_on=timezone.localdate() + timedelta(days=50),
    )
    make_response(round=consultation, place=world.place_a)
    html = admin_client.get(url("round", world, consultation.pk)).content.decode()
    progress_url = url("round_progress", world, consultation.pk)
    assert f'hx-get="{progress_url}" hx-trigger="every 30s"' in html
    assert f'href="{url("round", world, consultation.pk)}#progress"' in html  # Refresh link
    assert "Proposals to the board" in html and "Next" in html
    assert "Drafting" in html and "Not started" in html
    assert 'href="' + url("round_close", world, consultation.pk) + '"' in html
    assert 'href="' + url("round_edit", world, consultation.pk) + '"' in html
    assert "Grant more time" in html


def test_the_progress_partial_answers_htmx_and_redirects_otherwise(
    admin_client, world, consultation, htmx_headers
):
    progress_url = url("round_progress", world, consultation.pk)
    partial = admin_client.get(progress_url, **htmx_headers)
    html = partial.content.decode()
    assert partial.status_code == 200
    assert html.lstrip().startswith('<div id="progress"') and "<html" not in html
    assert "Ashford" in html and "Brookfield" in html
    plain = admin_client.get(progress_url)
    assert plain.status_code == 302
    assert plain["Location"] == url("round", world, consultation.pk) + "#progress"


def _board_cell(html: str, place: Any, heading: str) -> str:
    """The text of one cell of a place's row on the progress board."""
    row = html.split(f'id="progress-{place.pk}"', 1)[1].split("</tr>", 1)[0]
    cell = row.split(f'aria-hidden="true">{heading} </span>', 1)[1].split("</td>", 1)[0]
    return re.sub(r"<[^>]+>", "", cell).strip()


def test_the_board_says_who_last_edited_and_who_submitted(admin_client, world, consultation):
    """One person writes the response and another submits it: each is named for what they
    did, not the submitter for both."""
    world.member_a.full_name = "Leah Young"
    world.member_a.save(update_fields=["full_name"])
    world.lead_a.full_name = "Deepa Usman"
    world.lead_a.save(update_fields=["full_name"])
    response = complete_response(
        response=make_response(round=consultation, place=world.place_a), actor=world.member_a
    )
    submitted = response_submit(actor=world.lead_a, response=response)
    html = admin_client.get(url("round", world, consultation.pk)).content.decode()
    edited = _board_cell(html, world.place_a, "Last edited")
    assert edited.endswith("by Leah Young")
    assert "Deepa Usman" not in edited
    when = timezone.localtime(submitted.submitted_at).strftime("%-d %b %Y, %H:%M")
    assert _board_cell(html, world.place_a, "Submitted") == f"{when} by Deepa Usman"
    assert _board_cell(html, world.place_b, "Last edited") == "Not edited yet"
    assert _board_cell(html, world.place_b, "Submitted") == "Not submitted"


def _page_queries(
    client: Any, world: Any, framework: Any, places: int, htmx: dict[str, str]
) -> int:
    consultation = round_with_progress(
        world=world, framework=framework, places=places, title=f"Of {places}"
    )
    target = url("round_progress" if htmx else "round", world, consultation.pk)
    return page_query_count(client, target, **htmx)


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "progress-partial"])
def test_round_page_queries_stay_flat_as_places_grow(admin_client, world, framework, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    two = _page_queries(admin_client, world, framework, 2, headers)
    eight = _page_queries(admin_client, world, framework, 8, headers)
    assert two == eight
    # The progress board reads its rows, their editors and the extensions in three queries;
    # the whole page stays within the twelve any page may use.
    assert eight <= (8 if htmx else 12), eight


def test_a_round_of_another_system_is_not_found(admin_client, world, framework):
    foreign = make_round(system=world.other_system, framework=framework)
    for name in ("round", "round_progress", "round_edit", "round_close", "round_extend"):
        assert admin_client.get(url(name, world, foreign.pk)).status_code == 404


# More time for a place -------------------------------------------------------------------------


def more_time(
    client: Any,
    world: Any,
    consultation: ConsultationRound,
    place: Any,
    days: int,
    time: str,
    reason: str | None,
    **extra: Any,
) -> tuple[Any, str]:
    """Post the more-time form giving `place` until `time` on the day `days` after the round
    closes (no reason field at all when `reason` is None): the response and its HTML."""
    day, _ = uk_parts(consultation.closes_at + timedelta(days=days))
    data = {
        "extend-place": place.pk,
        **date_boxes("extend-closes_on", day),
        "extend-closes_time": time,
    }
    if reason is not None:
        data["extend-reason"] = reason
    response = client.post(url("round_extend", world, consultation.pk), data, **extra)
    return response, response.content.decode()


def test_granting_more_time_without_javascript(admin_client, world, consultation):
    _, html = more_time(
        admin_client,
        world,
        consultation,
        world.place_a,
        3,
        "17:00",
        "Partnership board met late",
        follow=True,
    )
    extension = DeadlineExtension.objects.get()
    assert extension.place == world.place_a and extension.granted_by == world.icb_admin
    assert "Ashford now has until 17:00" in html
    assert "More time given" in html and "Partnership board met late" in html


def test_granting_more_time_with_htmx_updates_the_board(
    admin_client, world, consultation, htmx_headers
):
    response, html = more_time(
        admin_client, world, consultation, world.place_b, 3, "12:00", "New lead", **htmx_headers
    )
    assert response.status_code == 200 and "<html" not in html
    assert 'id="extend"' in html
    assert 'id="progress"' in html and 'hx-swap-oob="true"' in html and "New lead" in html
    assert "Brookfield now has until 12:00" in html  # the status region


def test_more_time_needs_a_reason_and_a_later_deadline(
    admin_client, world, consultation, htmx_headers
):
    _, html = more_time(
        admin_client, world, consultation, world.place_a, -1, "09:00", None, **htmx_headers
    )
    assert "Enter the reason for the extra time" in html
    response, html = more_time(
        admin_client, world, consultation, world.place_a, -1, "09:00", "Late"
    )
    assert response.status_code == 200
    assert "The new deadline must be after the round closes" in html
    assert not DeadlineExtension.objects.exists()


# Closing early ------------------------------------------------------------------------------


def test_closing_now_asks_for_confirmation_then_closes(admin_client, world, consultation):
    close_url = url("round_close", world, consultation.pk)
    confirm = admin_client.get(close_url).content.decode()
    assert "nhsuk-warning-callout" in confirm and "This cannot be undone" in confirm
    assert "2 places have not submitted" in confirm
    assert world.place_a.name in confirm and world.place_b.name in confirm
    assert "The summary could never be released" in confirm
    consultation.refresh_from_db()
    assert consultation.status == RoundStatus.OPEN

    response = admin_client.post(close_url, {"close-reason": "Timetable moved"}, follow=True)
    consultation.refresh_from_db()
    assert consultation.status == RoundStatus.CLOSED
    assert f"Closed {consultation.title} for every place" in response.content.decode()


def test_a_scheduled_round_cannot_be_closed_now(admin_client, world, framework):
    consultation = not_yet_open(world, framework, opens_in=1, closes_in=9)
    close_url = url("round_close", world, consultation.pk)
    assert "has not opened yet" in admin_client.get(close_url).content.decode()
    response = admin_client.post(close_url, follow=True)
    assert "has not opened yet" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == RoundStatus.SCHEDULED


# Changing a round -------------------------------------------------------------------------------


def edit_post(consultation: ConsultationRound, **overrides: Any) -> dict[str, Any]:
    opens_on, opens_time = uk_parts(consultation.opens_at)
    closes_on, closes_time = uk_parts(consultation.closes_at)
    data: dict[str, Any] = {
        "round-version": consultation.version,
        "round-title": consultation.title,
        "round-purpose": consultation.purpose,
        "round-invited_places": [p.pk for p in consultation.invited_places.all()],
        **date_boxes("round-opens_on", opens_on),
        "round-opens_time": opens_time.strftime("%H:%M"),
        **date_boxes("round-closes_on", closes_on),
        "round-closes_time": closes_time.strftime("%H:%M"),
        "round-reminder_days": consultation.reminder_days,
        "round-suppression_threshold": consultation.suppression_threshold,
    }
    for number, question in enumerate(consultation.questions.all(), 1):
        data[f"q{number}-text"] = question.text
        data[f"q{number}-choices"] = "\n".join(question.choices)
        if question.required:
            data[f"q{number}-required"] = "on"
    data.update(overrides)
    return data


def test_changing_an_open_round_keeps_its_questions_and_opening_time(
    admin_client, world, consultation
):
    edit_url = url("round_edit", world, consultation.pk)
    page = admin_client.get(edit_url).content.decode()
    assert "its questions cannot change" in page and 'name="q1-text"' not in page
    assert f'name="round-version" value="{consultation.version}"' in page
    due = timezone.localdate() + timedelta(days=30)
    response = admin_client.post(
        edit_url,
        edit_post(
            consultation,
            **{
                "round-title": "Renamed",
                "m1-title": "Extraordinary meeting",
                **date_boxes("m1-due_on", due),
            },
        ),
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.title == "Renamed" and consultation.version == 2
    assert list(consultation.milestones.values_list("title", flat=True)) == [
        "Extraordinary meeting"
    ]


def test_a_stale_edit_shows_the_conflict_and_keeps_what_was_typed(
    admin_client, world, consultation
):
    data = edit_post(consultation, **{"round-title": "My new title"})
    rounds.round_update(
        actor=world.icb_admin,
        round=consultation,
        version=consultation.version,
        title="Their title",
        purpose="",
        opens_at=consultation.opens_at,
        closes_at=consultation.closes_at,
        reminder_days=5,
        suppression_threshold=3,
        invited_places=list(consultation.invited_places.all()),
    )
    response = admin_client.post(url("round_edit", world, consultation.pk), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this consultation round" in html
    assert 'value="My new title"' in html and "Their title" in html
    assert 'name="round-version" value="2"' in html  # saving again replaces theirs
    consultation.refresh_from_db()
    assert consultation.title == "Their title"


def test_questions_and_milestones_change_before_the_round_opens(admin_client, world, framework):
    consultation = not_yet_open(
        world,
        framework,
        opens_in=2,
        closes_in=20,
        milestones=[
            {"title": "Old milestone", "due_on": timezone.localdate() + timedelta(days=30)}
        ],
    )
    milestone = consultation.milestones.get()
    data = edit_post(consultation)
    data.update(
        {
            "q1-text": "A rewritten first question",
            "q1-choices": "",
            "q2-text": "",
            "q2-choices": "",
            f"milestone-{milestone.pk}-title": milestone.title,
            **date_boxes(f"milestone-{milestone.pk}-due_on", milestone.due_on),
            f"milestone-{milestone.pk}-remove": "on",
        }
    )
    response = admin_client.post(url("round_edit", world, consultation.pk), data)
    assert response.status_code == 302
    texts = list(consultation.questions.values_list("text", flat=True))
    assert texts[0] == "A rewritten first question"
    assert len(texts) == len(DEFAULT_QUESTIONS) - 1
    assert not consultation.milestones.exists()


def test_a_refused_edit_saves_nothing(admin_client, world, consultation):
    make_response(round=consultation, place=world.place_a)
    data = edit_post(
        consultation,
        **{
            "round-title": "Should not be saved",
            "round-invited_places": [world.place_b.pk],
            "m1-title": "Should not be saved either",
            **date_boxes("m1-due_on", timezone.localdate() + timedelta(days=9)),
        },
    )
    response = admin_client.post(url("round_edit", world, consultation.pk), data)
    html = response.content.decode()
    assert "Ashford has started a response, so it stays invited." in html
    consultation.refresh_from_db()
    assert consultation.title != "Should not be saved" and consultation.version == 1
    assert not consultation.milestones.exists()


# The round form's dates and messages ------------------------------------------------------------


def typed_date(name: str, day: str, month: str, year: str) -> dict[str, str]:
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


REAL_DATE = "The date the round opens must be a real date"


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "first_box"),
    [
        ("", "", "", "Enter the date the round opens", "day"),
        ("15", "", "2027", "The date the round opens must include a month", "month"),
        ("31", "2", "2027", REAL_DATE, "day"),
        ("1", "3", "99999", REAL_DATE, "year"),
        ("<b>1</b>", "3\x00", "2027", REAL_DATE, "day"),
    ],
)
def test_each_date_mistake_is_named_and_linked_from_the_summary(
    admin_client, world, framework, day, month, year, message, first_box
):
    typed = typed_date("round-opens_on", day, month, year)
    response = admin_client.post(url("round_add", world), round_post(world, framework, **typed))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<li><a href="#id_round-opens_on_{first_box}">{message}</a></li>' in html
    assert f"Error:</span> {message}</span>" in html
    assert "<b>1</b>" not in html
    assert not ConsultationRound.objects.exists()


def test_only_the_box_in_error_is_highlighted(admin_client, world, framework):
    typed = typed_date("round-opens_on", "15", "", "2027")
    html = admin_client.post(
        url("round_add", world), round_post(world, framework, **typed)
    ).content.decode()
    boxes = {
        part: re.search(rf'<input [^>]*id="id_round-opens_on_{part}"[^>]*>', html).group(0)  # type: ignore[union-attr]
        for part in ("day", "month", "year")
    }
    assert "nhsuk-input--error" in boxes["month"]
    assert "nhsuk-input--error" not in boxes["day"] and 'value="15"' in boxes["day"]
    assert "nhsuk-input--error" not in boxes["year"] and 'value="2027"' in boxes["year"]


def test_every_required_field_says_what_to_enter(admin_client, world, framework):
    response = admin_client.post(url("round_add", world), {"round-title": ""})
    html = response.content.decode()
    for anchor, message in [
        ("id_round-title", "Enter a title for the round"),
        ("id_round-framework", "Choose the option framework places respond to"),
        ("id_round-invited_places", "Choose at least one place to invite"),
        ("id_round-opens_on_day", "Enter the date the round opens"),
        ("id_round-opens_time", "Enter the time the round opens, like 17:00"),
        ("id_round-closes_on_day", "Enter the date the round closes"),
        ("id_round-closes_time", "Enter the time the round closes, like 17:00"),
        ("id_round-reminder_days", "Enter the number of days before the deadline"),
        ("id_round-suppression_threshold", "Enter the smallest count shown"),
    ]:
        assert f'<li><a href="#{anchor}">{message}</a></li>' in html, message
    assert "This field is required" not in html


def test_a_round_closing_before_it_opens_names_the_closing_date(admin_client, world, framework):
    start = timezone.localdate() + timedelta(days=3)
    typed = date_boxes("round-closes_on", start - timedelta(days=1))
    html = admin_client.post(
        url("round_add", world), round_post(world, framework, **typed)
    ).content.decode()
    assert (
        '<li><a href="#id_round-closes_on_day">The date the round closes must be after the '
        "date it opens</a></li>"
    ) in html
    same_day = {**date_boxes("round-closes_on", start), "round-closes_time": "08:00"}
    html = admin_client.post(
        url("round_add", world), round_post(world, framework, **same_day)
    ).content.decode()
    assert "The time the round closes must be after the time it opens" in html


# A reminder that falls before the round opens ----------------------------------------------------


def test_a_reminder_longer_than_the_round_saves_with_a_warning(admin_client, world, framework):
    start = timezone.localdate() + timedelta(days=3)
    short = round_post(
        world,
        framework,
        **date_boxes("round-closes_on", start + timedelta(days=3)),
        **{"round-reminder_days": "7"},
    )
    response = admin_client.post(url("round_add", world), short, follow=True)
    consultation = ConsultationRound.objects.get()
    assert consultation.reminder_days == 7
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == url("round", world, consultation.pk)
    assert "Check its reminder: it falls before the round opens." in html
    assert 'id="reminder-warning"' in html
    assert (
        "The reminder is set for 7 days before the deadline, but the round is open for only 3 days."
    ) in html
    assert "set the reminder to fewer days than the round is open, or 0 for no reminder" in html
    assert url("round_edit", world, consultation.pk) + "#id_round-reminder_days" in html


def test_the_warning_goes_once_the_reminder_fits_the_round(admin_client, world, framework):
    consultation = not_yet_open(world, framework, opens_in=2, closes_in=5, reminder_days=7)
    round_url = url("round", world, consultation.pk)
    assert 'id="reminder-warning"' in admin_client.get(round_url).content.decode()
    response = admin_client.post(
        url("round_edit", world, consultation.pk),
        edit_post(consultation, **{"round-reminder_days": "1"}),
        follow=True,
    )
    html = response.content.decode()
    assert "Saved" in html and "Check its reminder" not in html
    assert 'id="reminder-warning"' not in html


def test_a_reminder_within_the_round_gives_no_warning(admin_client, world, framework):
    response = admin_client.post(url("round_add", world), round_post(world, framework), follow=True)
    html = response.content.decode()
    assert "Check its reminder" not in html and 'id="reminder-warning"' not in html


def test_the_round_page_says_opened_for_a_round_that_has_opened_and_opens_for_one_to_come(
    admin_client, world
):
    opened = make_round(system=world.system, title="Opened round")
    to_come = make_round(
        system=world.system,
        framework=opened.framework,
        title="Round to come",
        opens_at=timezone.now() + timedelta(days=3),
        closes_at=timezone.now() + timedelta(days=20),
    )
    opened_page = admin_client.get(url("round", world, opened.pk)).content.decode()
    to_come_page = admin_client.get(url("round", world, to_come.pk)).content.decode()
    assert ">Opened</dt>" in opened_page and ">Opens</dt>" not in opened_page
    assert ">Opens</dt>" in to_come_page and ">Opened</dt>" not in to_come_page
