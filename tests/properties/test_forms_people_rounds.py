"""Whatever is typed into the sign-in and console forms, a consultation round's forms, a
place's response and the redaction review (markup, template syntax, spreadsheet formulas,
control characters) comes back as text: escaped on every page and partial that shows it
afterwards or re-shows it beside an error, and plain text in the feedback summary's files,
where no spreadsheet cell can be a formula.

Property-based: hypothesis writes the text, which is posted through the real views, as a
browser would and as htmx would. Each example runs in a transaction that is rolled back, so
examples never meet each other's records."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from html import escape
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from core.pagination import PAGE_SIZE
from governance.catalogue.models import GovernanceOption, Principle
from governance.consultation import feedback
from governance.consultation import services as governance_services
from governance.consultation.forms import uk_parts
from governance.consultation.models import (
    Answer,
    ConsultationRound,
    DeadlineExtension,
    FeedbackSummary,
    JobState,
    PlaceRating,
    PlaceResponse,
    RedactionDecision,
    ResponseStatus,
    RoundStatus,
)
from partners.models import AuditEvent, Organisation, Place, Role, Sector, User
from tests.conftest import World
from tests.factories import (
    PASSWORD,
    AuthenticatorAppFactory,
    OrganisationFactory,
    PlaceFactory,
    complete_response,
    make_framework,
    make_member,
    make_response,
    make_round,
    membership_of,
)
from tests.hostile import (
    FORMULA_STARTS,
    HOSTILE_SAMPLES,
    assert_no_injected_markup,
    hostile_text,
)

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
FORMATS = ("pdf", "docx", "csv", "xlsx")

_health = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
examples = settings(max_examples=15, deadline=None, suppress_health_check=_health)
fewer_examples = settings(max_examples=8, deadline=None, suppress_health_check=_health)
# Each example compiles a summary and renders its four files.
slow_examples = settings(max_examples=4, deadline=None, suppress_health_check=_health)

# Characters an XML file cannot hold: the Word and Excel files leave them out.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# Helpers ------------------------------------------------------------------------------------


@contextmanager
def rolled_back() -> Iterator[None]:
    """One example's records, undone afterwards: hypothesis reuses the test's fixtures for
    every example, so nothing one example adds may be seen by the next."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def first_line(text: str) -> str:
    """The first line with anything on it, runs of whitespace as one space: what every
    rendering keeps together, whether line breaks become <br>, paragraphs or cells."""
    for line in re.split(r"[\r\n]", text):
        squashed = " ".join(line.split())
        if squashed:
            return squashed
    return ""


def squashed(html: str) -> str:
    return " ".join(html.split())


def assert_shows_as_text(html: str, *texts: str) -> None:
    """No typed markup got through, and each text appears, escaped."""
    assert_no_injected_markup(html)
    page = squashed(html)
    for text in texts:
        line = first_line(text)
        if line:
            assert escape(line) in page, f"{line!r} is not shown as text"


def page(client: Client, url: str, data: dict[str, Any] | None = None, **headers: Any) -> str:
    response = client.get(url, data, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def posted(client: Client, url: str, data: dict[str, Any], **headers: Any) -> Any:
    response = client.post(url, data, **headers)
    assert response.status_code < 500, (url, response.status_code)
    return response


def console(name: str, world: World, *args: Any) -> str:
    return reverse(f"console:{name}", args=[world.system.slug, *args])


def assert_audit_log_shows_as_text(client: Client, world: World) -> None:
    """The newest page of the audit log, as a page and as the htmx results, shows every
    summary as text (summaries name places, organisations, people and rounds)."""
    newest = AuditEvent.objects.filter(system=world.system).order_by("-created_at", "-id")
    summaries = [event.summary for event in newest[:PAGE_SIZE]]
    for headers in ({}, HX):
        assert_shows_as_text(page(client, console("audit", world), **headers), *summaries)


# Signing in ----------------------------------------------------------------------------------


@examples
@given(email=hostile_text, password=hostile_text)
def test_any_email_typed_at_sign_in_comes_back_as_text_beside_the_error(
    client: Client, world: World, email: str, password: str
) -> None:
    with rolled_back():
        response = posted(
            client, reverse("login"), {"username": email, "password": password, "next": email}
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "There is a problem" in html
        assert_shows_as_text(html, email)


@examples
@given(email=hostile_text)
def test_any_address_typed_to_reset_a_password_comes_back_as_text(
    client: Client, world: World, email: str
) -> None:
    with rolled_back():
        response = posted(client, reverse("password_reset"), {"email": email})
        if response.status_code == 200:
            assert_shows_as_text(response.content.decode(), email)
        else:  # an address in the right shape: nothing to show back
            assert response.status_code == 302


@examples
@given(token=hostile_text)
def test_any_security_code_typed_comes_back_as_text_beside_the_error(
    client: Client, world: World, token: str
) -> None:
    with rolled_back():
        # The code asked for after the password.
        AuthenticatorAppFactory(user=world.icb_admin)
        signed_in = client.post(
            reverse("login"), {"username": world.icb_admin.email, "password": PASSWORD}
        )
        assert signed_in.status_code == 302
        response = posted(client, reverse("two_factor_verify"), {"token": token})
        if response.status_code == 200:
            assert_shows_as_text(response.content.decode(), token)

        # The code that confirms a new authenticator app.
        client.logout()
        client.post(reverse("login"), {"username": world.member_a.email, "password": PASSWORD})
        assert page(client, reverse("two_factor_setup"))
        response = posted(client, reverse("two_factor_setup"), {"token": token})
        if response.status_code == 200:
            assert_shows_as_text(response.content.decode(), token)


# Places --------------------------------------------------------------------------------------


def _place_pages(client: Client, world: World, place: Place) -> list[tuple[str, bool]]:
    """Every console page and partial that shows a place, and the place's own page, each
    with whether it shows the local authority footprint too."""
    return [
        (page(client, console("places", world)), True),
        (page(client, console("places", world), **HX), True),
        (page(client, console("place_row", world, place.pk), **HX), True),
        (page(client, console("place_edit", world, place.pk)), True),
        (page(client, console("place_edit", world, place.pk), **HX), True),
        (page(client, console("place", world, place.pk)), False),
        (page(client, reverse("place_detail", args=[place.pk])), True),
    ]


@examples
@given(name=hostile_text, footprint=hostile_text, new_name=hostile_text, htmx=st.booleans())
def test_any_place_name_and_footprint_show_as_text_on_the_console_pages(
    client: Client, world: World, name: str, footprint: str, new_name: str, htmx: bool
) -> None:
    headers = HX if htmx else {}
    with rolled_back():
        client.force_login(world.icb_admin)
        typed = {"new-place-name": name, "new-place-local_authority_footprint": footprint}
        for error_headers in ({}, HX):
            refused = posted(
                client,
                console("place_add", world),
                {**typed, "new-place-population": "many"},
                **error_headers,
            )
            assert refused.status_code == 200
            assert_shows_as_text(refused.content.decode(), name, footprint)

        known = set(Place.objects.values_list("pk", flat=True))
        added = posted(client, console("place_add", world), typed, **headers)
        place = Place.objects.exclude(pk__in=known).first()
        if place is None:  # refused by the service: the form shows why, with the text
            assert_shows_as_text(added.content.decode(), name, footprint)
            return
        if htmx:
            assert_shows_as_text(added.content.decode(), place.name)
        for html, shows_footprint in _place_pages(client, world, place):
            assert_shows_as_text(html, place.name)
            if shows_footprint:
                assert_shows_as_text(html, place.local_authority_footprint)
        people = page(
            client, console("place", world, place.pk), **HX, HTTP_HX_TARGET="place-people"
        )
        assert_no_injected_markup(people)

        prefix = f"place-{place.pk}"
        edited = posted(
            client,
            console("place_edit", world, place.pk),
            {f"{prefix}-name": new_name, f"{prefix}-local_authority_footprint": name},
            **headers,
        )
        place.refresh_from_db()
        if htmx:
            assert_shows_as_text(edited.content.decode(), place.name)
        assert_shows_as_text(page(client, console("place_row", world, place.pk), **HX), place.name)
        assert_audit_log_shows_as_text(client, world)


# Organisations and their aliases --------------------------------------------------------------


def _organisation_pages(client: Client, world: World, organisation: Organisation) -> list[str]:
    return [
        page(client, console("organisations", world)),
        page(client, console("organisations", world), **HX),
        page(client, console("organisation_row", world, organisation.pk), **HX),
        page(client, console("organisation_edit", world, organisation.pk)),
        page(client, console("organisation_edit", world, organisation.pk), **HX),
        page(client, console("organisation_alias_add", world, organisation.pk)),
    ]


short_text = hostile_text.map(lambda text: text[:10])


@examples
@given(
    name=hostile_text,
    ods_code=short_text,
    aliases=st.lists(hostile_text, max_size=3),
    htmx=st.booleans(),
)
def test_any_organisation_name_code_and_alias_show_as_text_on_the_console_pages(
    client: Client, world: World, name: str, ods_code: str, aliases: list[str], htmx: bool
) -> None:
    headers = HX if htmx else {}
    alias_lines = "\n".join(aliases)
    typed = {
        "new-organisation-name": name,
        "new-organisation-is_statutory": "yes",
        "new-organisation-ods_code": ods_code,
        "new-organisation-aliases": alias_lines,
    }
    with rolled_back():
        client.force_login(world.icb_admin)
        for error_headers in ({}, HX):
            refused = posted(client, console("organisation_add", world), typed, **error_headers)
            assert refused.status_code == 200  # no sector chosen
            assert_shows_as_text(refused.content.decode(), name, ods_code, alias_lines)

        added = posted(
            client,
            console("organisation_add", world),
            {**typed, "new-organisation-sector": Sector.ACUTE_TRUST},
            **headers,
        )
        organisation = Organisation.objects.filter(system=world.system).first()
        if organisation is None:  # refused by the service: the form shows why, with the text
            assert_shows_as_text(added.content.decode(), name, ods_code, alias_lines)
            return
        stored_aliases = list(organisation.aliases.values_list("alias", flat=True))
        if htmx:
            assert_shows_as_text(added.content.decode(), organisation.name, *stored_aliases)
        for html in _organisation_pages(client, world, organisation):
            assert_shows_as_text(html, organisation.name)
        for html in _organisation_pages(client, world, organisation)[:3]:
            assert_shows_as_text(html, organisation.ods_code, *stored_aliases)
        assert_audit_log_shows_as_text(client, world)


@examples
@given(alias=hostile_text, htmx=st.booleans())
def test_any_alias_shows_as_text_and_comes_back_as_text_when_refused(
    client: Client, world: World, alias: str, htmx: bool
) -> None:
    headers = HX if htmx else {}
    with rolled_back():
        client.force_login(world.icb_admin)
        organisation = OrganisationFactory(system=world.system, name="Ashford Borough Council")
        url = console("organisation_alias_add", world, organisation.pk)
        field = f"alias-{organisation.pk}-alias"
        added = posted(client, url, {field: alias}, **headers)
        stored = list(organisation.aliases.values_list("alias", flat=True))
        if htmx or not stored:
            assert_shows_as_text(added.content.decode(), *(stored or [alias]))
        for html in _organisation_pages(client, world, organisation)[:3]:
            assert_shows_as_text(html, *stored)

        # The same alias again is refused, and the form shows it back beside the reason.
        for error_headers in ({}, HX):
            again = posted(client, url, {field: alias}, **error_headers)
            assert again.status_code == 200
            assert_shows_as_text(again.content.decode(), alias)
        assert_audit_log_shows_as_text(client, world)


# People and their roles -------------------------------------------------------------------


@examples
@given(full_name=hostile_text, job_title=hostile_text, email=hostile_text, htmx=st.booleans())
def test_anything_typed_about_an_invited_person_shows_as_text(
    client: Client,
    world: World,
    django_capture_on_commit_callbacks: Any,
    full_name: str,
    job_title: str,
    email: str,
    htmx: bool,
) -> None:
    headers = HX if htmx else {}
    typed = {
        "invite-full_name": full_name,
        "invite-job_title": job_title,
        "invite-role": Role.PLACE_MEMBER,
        "invite-place": world.place_a.pk,
    }
    with rolled_back():
        client.force_login(world.icb_admin)
        mail.outbox.clear()
        for error_headers in ({}, HX):
            refused = posted(
                client,
                console("person_invite", world),
                {**typed, "invite-email": email},
                **error_headers,
            )
            if refused.status_code == 200:
                assert_shows_as_text(refused.content.decode(), full_name, job_title, email)

        address = "new.partner@example.nhs.uk"
        with django_capture_on_commit_callbacks(execute=True):
            invited = posted(
                client,
                console("person_invite", world),
                {**typed, "invite-email": address},
                **headers,
            )
        person = User.objects.filter(email=address).first()
        if person is None:  # refused by the service: the form shows why, with the text
            assert_shows_as_text(invited.content.decode(), full_name, job_title)
            return
        texts = (person.full_name, person.job_title)
        if htmx:
            assert_shows_as_text(invited.content.decode(), person.full_name)
        for html in (
            page(client, console("people", world)),
            page(client, console("people", world), **HX),
            page(client, console("person_row", world, person.pk), **HX),
            page(client, console("place", world, world.place_a.pk)),
            page(
                client,
                console("place", world, world.place_a.pk),
                **HX,
                HTTP_HX_TARGET="place-people",
            ),
        ):
            assert_shows_as_text(html, *texts)
        assert_audit_log_shows_as_text(client, world)

        # The invitation e-mail and the place's own page.
        (invitation,) = mail.outbox
        html_body = next(body for body, kind in invitation.alternatives if kind == "text/html")
        assert_shows_as_text(str(html_body), person.full_name)
        client.force_login(world.member_a)
        assert_shows_as_text(page(client, reverse("place_detail", args=[world.place_a.pk])), *texts)


@examples
@given(value=hostile_text)
def test_any_role_typed_into_the_role_forms_is_refused_and_shown_as_text(
    client: Client, world: World, value: str
) -> None:
    """The role forms have choices only; a value that is none of them (a crafted post) is
    named in the error, as text."""
    person = world.member_b
    membership = membership_of(person, world.place_b)
    add_prefix, change_prefix = f"person-{person.pk}", f"membership-{membership.pk}"
    with rolled_back():
        client.force_login(world.icb_admin)
        for headers in ({}, HX):
            refused = posted(
                client,
                console("person_membership_add", world, person.pk),
                {
                    f"{add_prefix}-role": value,
                    f"{add_prefix}-place": value,
                    f"{add_prefix}-organisation": value,
                },
                **headers,
            )
            assert refused.status_code == 200
            assert_shows_as_text(refused.content.decode(), value)

            refused = posted(
                client,
                console("membership_edit", world, membership.pk),
                {f"{change_prefix}-role": value, f"{change_prefix}-organisation": value},
                **headers,
            )
            assert refused.status_code == 200
            assert_shows_as_text(refused.content.decode(), value)
        membership.refresh_from_db()
        assert membership.role == Role.PLACE_MEMBER
        assert membership_of(person, world.place_b) == membership


# Consultation rounds -----------------------------------------------------------------------


@fewer_examples
@given(
    title=hostile_text,
    purpose=hostile_text,
    question=hostile_text,
    hint=hostile_text,
    choices=st.lists(hostile_text, min_size=2, max_size=3),
    milestone=hostile_text,
    description=hostile_text,
)
def test_anything_typed_into_a_round_shows_as_text_in_the_console_and_to_the_places(
    client: Client,
    world: World,
    title: str,
    purpose: str,
    question: str,
    hint: str,
    choices: list[str],
    milestone: str,
    description: str,
) -> None:
    today = timezone.localdate()
    choice_lines = "\n".join(choices)
    typed = {
        "round-title": title,
        "round-purpose": purpose,
        "round-invited_places": [world.place_a.pk, world.place_b.pk],
        "round-opens_on": (today - timedelta(days=1)).isoformat(),
        "round-opens_time": "09:00",
        "round-closes_on": (today + timedelta(days=28)).isoformat(),
        "round-closes_time": "17:00",
        "round-reminder_days": "7",
        "round-suppression_threshold": "3",
        "q1-text": question,
        "q1-hint": hint,
        "q1-choices": choice_lines,
        "q1-required": "on",
        "m1-title": milestone,
        "m1-description": description,
        "m1-due_on": (today + timedelta(days=60)).isoformat(),
    }
    with rolled_back():
        client.force_login(world.icb_admin)
        typed["round-framework"] = make_framework().pk
        everything = (title, purpose, question, hint, choice_lines, milestone, description)
        refused = posted(
            client,
            console("round_add", world),
            {**typed, "round-closes_on": (today - timedelta(days=2)).isoformat()},
        )
        assert refused.status_code == 200 and "There is a problem" in refused.content.decode()
        assert_shows_as_text(refused.content.decode(), *everything)

        set_up = posted(client, console("round_add", world), typed)
        consultation = ConsultationRound.objects.filter(system=world.system).first()
        if consultation is None:  # a form refused it: the page shows why, with the text
            assert set_up.status_code == 200
            assert_shows_as_text(set_up.content.decode(), *everything)
            return
        stored_question = consultation.questions.get()
        stored_milestone = consultation.milestones.get()
        settings_texts = (consultation.title, consultation.purpose)
        question_texts = (stored_question.text, *stored_question.choices)
        milestone_texts = (stored_milestone.title, stored_milestone.description)

        round_page = page(client, console("round", world, consultation.pk))
        assert_shows_as_text(round_page, *settings_texts, *question_texts, *milestone_texts)
        for html in (
            page(client, console("rounds", world)),
            page(client, console("rounds", world), **HX),
            page(client, console("round_close", world, consultation.pk)),
        ):
            assert_shows_as_text(html, consultation.title)
        assert_shows_as_text(
            page(client, console("round_edit", world, consultation.pk)),
            *settings_texts,
            *milestone_texts,
        )
        assert_audit_log_shows_as_text(client, world)

        # What the places see: the round on the place page, its purpose, question and
        # timeline on the response page, and the question alone as an htmx partial.
        client.force_login(world.member_a)
        assert_shows_as_text(
            page(client, reverse("place_detail", args=[world.place_a.pk])), consultation.title
        )
        response_url = reverse("proposal:response", args=[world.place_a.pk, consultation.pk])
        assert_shows_as_text(
            page(client, response_url),
            *settings_texts,
            *question_texts,
            stored_question.hint,
            *milestone_texts,
        )
        answer_url = reverse(
            "proposal:answer", args=[world.place_a.pk, consultation.pk, stored_question.pk]
        )
        assert_shows_as_text(page(client, answer_url, **HX), *question_texts, stored_question.hint)


@pytest.fixture
def open_round(world: World) -> ConsultationRound:
    return make_round(system=world.system)


@examples
@given(reason=hostile_text, htmx=st.booleans())
def test_any_reason_for_more_time_shows_as_text_on_the_round_page_and_its_board(
    client: Client, world: World, open_round: ConsultationRound, reason: str, htmx: bool
) -> None:
    headers = HX if htmx else {}
    url = console("round_extend", world, open_round.pk)
    day, _ = uk_parts(open_round.closes_at + timedelta(days=3))
    typed = {
        "extend-place": world.place_a.pk,
        "extend-closes_time": "17:00",
        "extend-reason": reason,
    }
    with rolled_back():
        client.force_login(world.icb_admin)
        for error_headers in ({}, HX):
            refused = posted(client, url, typed, **error_headers)  # no date
            assert refused.status_code == 200
            assert_shows_as_text(refused.content.decode(), reason)

        granted = posted(client, url, {**typed, "extend-closes_on": day.isoformat()}, **headers)
        extension = DeadlineExtension.objects.filter(round=open_round).first()
        if extension is None:  # refused: the form shows why, with the text
            assert_shows_as_text(granted.content.decode(), reason)
            return
        if htmx:  # the form again, and the board out of band
            assert_shows_as_text(granted.content.decode(), extension.reason)
        for html in (
            page(client, console("round", world, open_round.pk)),
            page(client, console("round_progress", world, open_round.pk), **HX),
            page(client, console("round", world, open_round.pk), **HX),
        ):
            assert_shows_as_text(html, extension.reason)
        assert_audit_log_shows_as_text(client, world)


@examples
@given(reason=hostile_text)
def test_any_reason_for_closing_a_round_early_shows_as_text_in_the_audit_log(
    client: Client, world: World, open_round: ConsultationRound, reason: str
) -> None:
    with rolled_back():
        client.force_login(world.icb_admin)
        closed = posted(
            client, console("round_close", world, open_round.pk), {"close-reason": reason}
        )
        assert closed.status_code == 302
        open_round.refresh_from_db()
        assert open_round.status == RoundStatus.CLOSED
        assert_shows_as_text(page(client, console("round", world, open_round.pk)))
        assert_shows_as_text(page(client, console("round_close", world, open_round.pk)))
        assert_audit_log_shows_as_text(client, world)


# A place's response -----------------------------------------------------------------------------


def _proposal_url(world: World, consultation: ConsultationRound, name: str, *args: Any) -> str:
    return reverse(f"proposal:{name}", args=[world.place_a.pk, consultation.pk, *args])


def _saved(reply: Any) -> str:
    html = reply.content.decode()
    assert reply.status_code == 200 and "Saved at" in html, html
    assert_no_injected_markup(html)
    return html


@fewer_examples
@given(
    case=hostile_text,
    answer=hostile_text,
    choice_answer=hostile_text,
    qualifier=hostile_text,
    reasons=hostile_text,
    missing=hostile_text,
    stale_text=hostile_text,
)
def test_anything_a_place_writes_in_its_response_shows_as_text_on_every_page_of_it(
    client: Client,
    world: World,
    open_round: ConsultationRound,
    case: str,
    answer: str,
    choice_answer: str,
    qualifier: str,
    reasons: str,
    missing: str,
    stale_text: str,
) -> None:
    consultation = open_round
    questions = list(consultation.questions.all())
    written = next(q for q in questions if not q.choices)
    chosen = next(q for q in questions if q.choices)
    option = GovernanceOption.objects.get(framework=consultation.framework, number=1)
    principle = Principle.objects.get(framework=consultation.framework, number=1)
    url = lambda name, *args: _proposal_url(world, consultation, name, *args)  # noqa: E731
    with rolled_back():
        client.force_login(world.member_a)
        # As htmx autosaves them, field by field.
        _saved(
            client.post(
                url("proposal"),
                {"proposal-options": ["1", "4"], "proposal-case": case, "proposal-version": "1"},
                **HX,
            )
        )
        key = f"answer-{written.pk}"
        _saved(
            client.post(
                url("answer", written.pk), {f"{key}-text": answer, f"{key}-version": "0"}, **HX
            )
        )
        cell = f"rating-{option.pk}-{principle.pk}"
        _saved(
            client.post(
                url("rating", option.pk, principle.pk),
                {
                    f"{cell}-band": "medium",
                    f"{cell}-qualifier": qualifier,
                    f"{cell}-reasons": reasons,
                    f"{cell}-agreement": "agree",
                    f"{cell}-missing_from_analysis": missing,
                    f"{cell}-version": "0",
                },
                **HX,
            )
        )
        # As a form without JavaScript, a section at a time.
        chosen_key = f"answer-{chosen.pk}"
        section = posted(
            client,
            url("response"),
            {
                "section": "answers",
                f"{chosen_key}-choice": chosen.choices[0],
                f"{chosen_key}-text": choice_answer,
                f"{chosen_key}-version": "0",
            },
        )
        assert section.status_code == 302

        response = PlaceResponse.objects.get(round=consultation, place=world.place_a)
        written_answer = Answer.objects.get(response=response, question=written)
        chosen_answer = Answer.objects.get(response=response, question=chosen)
        rating = PlaceRating.objects.get(response=response, option=option, principle=principle)
        texts = (
            response.proposal_case,
            written_answer.text,
            chosen_answer.text,
            rating.qualifier,
            rating.reasons,
            rating.missing_from_analysis,
        )
        assert all(text.strip() for text in texts)

        assert_shows_as_text(page(client, url("response")), *texts)
        assert_shows_as_text(page(client, url("history")), *texts)
        assert_shows_as_text(page(client, url("proposal"), **HX), response.proposal_case)
        assert_shows_as_text(page(client, url("answer", written.pk), **HX), written_answer.text)
        assert_shows_as_text(page(client, url("answer", chosen.pk), **HX), chosen_answer.text)
        assert_shows_as_text(
            page(client, url("rating", option.pk, principle.pk), **HX),
            rating.qualifier,
            rating.reasons,
            rating.missing_from_analysis,
        )
        assert_shows_as_text(page(client, url("completeness"), **HX))

        # A form opened before that save is posted: the saved text and the typed one are
        # shown side by side, as text.
        if first_line(stale_text) != first_line(written_answer.text):
            stale = {f"{key}-text": stale_text, f"{key}-version": "0"}
            conflict = posted(client, url("answer", written.pk), stale, **HX)
            assert "Keep mine" in conflict.content.decode()
            assert_shows_as_text(conflict.content.decode(), written_answer.text, stale_text)
            conflict_page = posted(client, url("response"), {"section": "answers", **stale})
            assert conflict_page.status_code == 200
            assert_shows_as_text(conflict_page.content.decode(), written_answer.text, stale_text)

        # An ICB admin reads it, rendered read-only.
        client.force_login(world.icb_admin)
        assert_shows_as_text(page(client, url("response")), *texts)
        assert_shows_as_text(page(client, url("history")), *texts)
        assert_shows_as_text(page(client, url("answer", written.pk), **HX), written_answer.text)


# The anonymised feedback summary ------------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    # Once a control character is among a font's glyphs, pypdf reads that font's text as
    # two-byte characters: "\x00N\x00o". Dropping the NULs gives the Latin text back.
    return unicodedata.normalize("NFKC", text.replace("\x00", ""))


def _docx_text(data: bytes) -> str:
    return "".join(Document(io.BytesIO(data)).element.body.itertext())


def _no_space(text: str) -> str:
    return "".join(text.split())


def _assert_spreadsheets_hold_text_never_formulas(
    csv_data: bytes, xlsx_data: bytes, *, in_csv: list[str], in_xlsx: list[str]
) -> None:
    rows = list(csv.reader(io.StringIO(csv_data.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    for cell in cells:
        assert not cell.startswith(FORMULA_STARTS), cell
    csv_text = squashed("\n".join(cells))
    for text in in_csv:
        assert first_line(XML_ILLEGAL.sub("", text)) in csv_text

    workbook = load_workbook(io.BytesIO(xlsx_data))
    values = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_STARTS), cell.value
                    values.append(cell.value)
    xlsx_text = squashed("\n".join(values))
    for text in in_xlsx:
        assert first_line(XML_ILLEGAL.sub("", text)) in xlsx_text


def _assert_documents_hold_text(pdf_data: bytes, docx_data: bytes, texts: list[str]) -> None:
    docx_text = _no_space(_docx_text(docx_data))
    pdf_text = _no_space(_pdf_text(pdf_data))
    all_printable_ascii = all(t.isascii() and t.isprintable() for t in texts)
    for text in texts:
        line = first_line(XML_ILLEGAL.sub("", text))
        assert _no_space(line) in docx_text, line
        # The PDF's fonts hold the Latin alphabet; other scripts, and control characters,
        # may not come back as typed, and one glyph the fonts lack anywhere in the document
        # throws pypdf's reading of all its text off, so the PDF is read back only when
        # everything the place wrote is printable ASCII.
        line = first_line(text)
        if line.isascii() and line.isprintable() and all_printable_ascii:
            assert _no_space(unicodedata.normalize("NFKC", line)) in pdf_text, line


@slow_examples
@given(
    title=hostile_text,
    question=hostile_text,
    choices=st.lists(st.sampled_from(HOSTILE_SAMPLES), min_size=2, max_size=3, unique=True),
    case=hostile_text,
    answer=hostile_text,
    reasons=hostile_text,
    missing=hostile_text,
)
def test_anything_a_place_writes_shows_as_text_in_the_compiled_summary_and_its_files(
    client: Client,
    world: World,
    django_capture_on_commit_callbacks: Any,
    title: str,
    question: str,
    choices: list[str],
    case: str,
    answer: str,
    reasons: str,
    missing: str,
) -> None:
    with rolled_back():
        framework = make_framework()
        third = PlaceFactory(system=world.system, name="Coldharbour")
        leads = {
            world.place_a: world.lead_a,
            world.place_b: make_member(place=world.place_b, role=Role.PLACE_LEAD),
            third: make_member(place=third, role=Role.PLACE_LEAD),
        }
        consultation = make_round(
            system=world.system,
            framework=framework,
            title=title,
            invited_places=list(leads),
            questions=[
                {"text": question, "hint": "", "choices": choices, "required": True},
                {"text": "Anything else?", "hint": "", "choices": [], "required": False},
            ],
        )
        for place, lead in leads.items():
            drafted = complete_response(
                response=make_response(round=consultation, place=place), actor=lead
            )
            if place != world.place_a:
                governance_services.response_submit(actor=lead, response=drafted)

        # Place A's member writes through the page, its lead submits.
        response = PlaceResponse.objects.get(round=consultation, place=world.place_a)
        written = consultation.questions.get(order=2)
        option = GovernanceOption.objects.get(framework=framework, number=1)
        principle = Principle.objects.get(framework=framework, number=1)
        rating = PlaceRating.objects.get(response=response, option=option, principle=principle)
        url = lambda name, *args: _proposal_url(world, consultation, name, *args)  # noqa: E731
        client.force_login(world.member_a)
        _saved(
            client.post(
                url("proposal"),
                {
                    "proposal-options": ["1", "4"],
                    "proposal-case": case,
                    "proposal-version": str(response.version),
                },
                **HX,
            )
        )
        key = f"answer-{written.pk}"
        _saved(
            client.post(
                url("answer", written.pk), {f"{key}-text": answer, f"{key}-version": "1"}, **HX
            )
        )
        cell = f"rating-{option.pk}-{principle.pk}"
        _saved(
            client.post(
                url("rating", option.pk, principle.pk),
                {
                    f"{cell}-band": "high",
                    f"{cell}-reasons": reasons,
                    f"{cell}-agreement": "disagree",
                    f"{cell}-missing_from_analysis": missing,
                    f"{cell}-version": str(rating.version),
                },
                **HX,
            )
        )
        client.force_login(world.lead_a)
        assert posted(client, url("submit"), {}).status_code == 302
        response.refresh_from_db()
        assert response.status == ResponseStatus.SUBMITTED

        # The round closes; an ICB admin compiles the summary and releases it.
        ConsultationRound.objects.filter(pk=consultation.pk).update(
            closes_at=timezone.now() - timedelta(hours=1), status=RoundStatus.CLOSED
        )
        client.force_login(world.icb_admin)
        summary_url = lambda name, *args: reverse(  # noqa: E731
            f"summary_admin:{name}", args=[world.system.slug, consultation.pk, *args]
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert posted(client, summary_url("compile"), {}).status_code == 302
        summary = FeedbackSummary.objects.get(round=consultation)
        assert summary.state == JobState.COMPLETE, summary.error
        assert posted(client, summary_url("release"), {}).status_code == 302

        # What place A wrote, as written and as the summary shows it.
        ours = {case, answer, reasons, missing}
        ours |= {text.strip() for text in ours}
        items = [
            item
            for item in feedback.review_items(round=consultation, place_id=world.place_a.pk)
            if item.original in ours or item.original.strip() in ours
        ]
        assert len(items) >= 4
        shown = [item.scrubbed for item in items]

        assert_shows_as_text(page(client, summary_url("summary")), *shown)
        review = page(client, summary_url("review"))
        assert_shows_as_text(review, *shown, *(text for item in items for _, text in item.pieces))
        assert_audit_log_shows_as_text(client, world)

        files = {}
        for fmt in FORMATS:
            download = client.get(summary_url("download", fmt))
            assert download.status_code == 200
            files[fmt] = b"".join(download.streaming_content)
        by_place = {item.where: item.scrubbed for item in items}
        in_responses_table = [
            text for where, text in by_place.items() if not where.startswith("Option")
        ]
        _assert_spreadsheets_hold_text_never_formulas(
            files["csv"], files["xlsx"], in_csv=in_responses_table, in_xlsx=shown
        )
        _assert_documents_hold_text(files["pdf"], files["docx"], shown)

        # The advisory group reads the same summary and downloads the same files.
        client.force_login(world.advisory)
        reader_url = lambda name, *args: reverse(  # noqa: E731
            f"feedback:{name}", args=[world.system.slug, consultation.pk, *args]
        )
        assert_shows_as_text(page(client, reader_url("summary")), *shown)
        for fmt in FORMATS:
            download = client.get(reader_url("download", fmt))
            assert b"".join(download.streaming_content) == files[fmt]


# The redaction review -------------------------------------------------------------------------


@pytest.fixture
def closed_round(world: World) -> ConsultationRound:
    from tests.governance.consultation.test_views_feedback import Consultation

    return Consultation(world).round


@examples
@given(phrase=hostile_text, note=hostile_text, htmx=st.booleans())
def test_any_phrase_to_redact_or_keep_shows_as_text_on_the_review_page(
    client: Client,
    world: World,
    closed_round: ConsultationRound,
    phrase: str,
    note: str,
    htmx: bool,
) -> None:
    headers = HX if htmx else {}
    review_url = reverse("summary_admin:review", args=[world.system.slug, closed_round.pk])
    add_url = reverse("summary_admin:redaction_add", args=[world.system.slug, closed_round.pk])
    with rolled_back():
        # The phrase is in place A's case, so a redaction of it can be accepted.
        PlaceResponse.objects.filter(round=closed_round, place=world.place_a).update(
            proposal_case=f"We meet at {phrase} every month."
        )
        client.force_login(world.icb_admin)

        # A phrase nobody wrote is refused, and the form shows it back with the reason.
        nowhere = f"{phrase} qqzx"
        refused = posted(client, add_url, {"kind": "redact", "phrase": nowhere, "note": note})
        assert refused.status_code == 200
        assert_shows_as_text(refused.content.decode(), nowhere, note)

        for kind in ("redact", "keep"):
            reply = posted(
                client, add_url, {"kind": kind, "phrase": phrase, "note": note}, **headers
            )
            if reply.status_code == 200:  # the review body (htmx), or the page with an error
                assert_shows_as_text(reply.content.decode())
        decisions = list(RedactionDecision.objects.filter(round=closed_round))
        review = page(client, review_url)
        texts = [text for decision in decisions for text in (decision.phrase, decision.note)]
        assert_shows_as_text(review, *texts)
        items = feedback.review_items(round=closed_round, place_id=world.place_a.pk)
        assert_shows_as_text(
            review,
            *(item.scrubbed for item in items),
            *(text for item in items for _, text in item.pieces),
        )
        summary_page = page(
            client, reverse("summary_admin:summary", args=[world.system.slug, closed_round.pk])
        )
        assert_shows_as_text(summary_page)


# Searching the console lists ------------------------------------------------------------------


@examples
@given(search=hostile_text)
def test_any_search_typed_into_a_console_list_comes_back_as_text(
    client: Client, world: World, search: str
) -> None:
    with rolled_back():
        client.force_login(world.icb_admin)
        for name in ("places", "organisations", "people", "audit", "rounds"):
            for headers in ({}, HX):
                html = page(client, console(name, world), {"q": search}, **headers)
                assert_shows_as_text(html, search)
