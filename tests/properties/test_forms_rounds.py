"""Whatever an ICB admin types into a consultation round, and whatever a place writes in its
response, comes back as text on every page that shows it.

Property-based, as tests/properties/test_forms_people.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import assume, given
from hypothesis import strategies as st

from core.text_input import clean_text
from governance.catalogue.models import GovernanceOption, Principle
from governance.consultation.forms import uk_parts
from governance.consultation.models import (
    Answer,
    ConsultationRound,
    DeadlineExtension,
    PlaceRating,
    PlaceResponse,
    RoundStatus,
)
from tests.conftest import World
from tests.dates import date_boxes
from tests.factories import (
    make_framework,
    make_round,
)
from tests.hostile import (
    hostile_text,
    hostile_texts,
    rolled_back,
)
from tests.properties.text_checks import (
    HX,
    assert_audit_log_shows_as_text,
    assert_shows_as_text,
    autosave_answer,
    autosave_proposal,
    autosave_rating,
    console,
    examples,
    fewer_examples,
    first_line,
    page,
    posted,
    proposal_url,
    rating_prefix,
)
from tests.reach import Reach, reaching

pytestmark = pytest.mark.django_db


def fixed_answers_in(box: str) -> list[str]:
    """The fixed answers a question form reads from its box: one a line, trimmed, blank lines
    left out."""
    return [line.strip() for line in clean_text(box).splitlines() if line.strip()]


# Two or three fixed answers, each one line and all different. The question form refuses a
# repeated answer, and hypothesis often types the same text twice: a round refused shows
# nothing in the console or to the places, so those examples would check only the refusal,
# which the round test checks on every example anyway.
fixed_answers = st.lists(
    hostile_text.map(lambda text: " ".join(fixed_answers_in(text))),
    min_size=2,
    max_size=3,
    unique=True,
)


# Consultation rounds -----------------------------------------------------------------------


def test_anything_typed_into_a_round_shows_as_text_in_the_console_and_to_the_places(
    client: Client, world: World
) -> None:
    @reaching(
        fewer_examples,
        given(
            choices=fixed_answers,
            # Every other field is free text, and any of it may be hostile.
            **dict.fromkeys(
                ("title", "purpose", "question", "hint", "milestone", "description"), hostile_text
            ),
        ),
    )
    def check(
        reach: Reach,
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
            **date_boxes("round-opens_on", today - timedelta(days=1)),
            "round-opens_time": "09:00",
            **date_boxes("round-closes_on", today + timedelta(days=28)),
            "round-closes_time": "17:00",
            "round-reminder_days": "7",
            "round-suppression_threshold": "3",
            "q1-text": question,
            "q1-hint": hint,
            "q1-choices": choice_lines,
            "q1-required": "on",
            "m1-title": milestone,
            "m1-description": description,
            **date_boxes("m1-due_on", today + timedelta(days=60)),
        }
        with rolled_back():
            client.force_login(world.icb_admin)
            typed["round-framework"] = make_framework().pk
            everything = (title, purpose, question, hint, choice_lines, milestone, description)
            refused = posted(
                client,
                console("round_add", world),
                {**typed, **date_boxes("round-closes_on", today - timedelta(days=2))},
            )
            assert refused.status_code == 200 and "There is a problem" in refused.content.decode()
            assert_shows_as_text(refused.content.decode(), *everything)

            set_up = posted(client, console("round_add", world), typed)
            consultation = ConsultationRound.objects.filter(system=world.system).first()
            assert consultation is not None, set_up.content.decode()
            reach.assertion()
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
            assert_shows_as_text(page(client, response_url), *settings_texts, *milestone_texts)
            questions_url = reverse(
                "proposal:section_questions", args=[world.place_a.pk, consultation.pk]
            )
            assert_shows_as_text(page(client, questions_url), *question_texts, stored_question.hint)
            answer_url = reverse(
                "proposal:answer", args=[world.place_a.pk, consultation.pk, stored_question.pk]
            )
            assert_shows_as_text(
                page(client, answer_url, **HX), *question_texts, stored_question.hint
            )

    check()


@pytest.fixture
def open_round(world: World) -> ConsultationRound:
    return make_round(system=world.system)


def test_any_reason_for_more_time_shows_as_text_on_the_round_page_and_its_board(
    client: Client, world: World, open_round: ConsultationRound
) -> None:
    @reaching(examples, given(reason=hostile_text, htmx=st.booleans()))
    def check(reach: Reach, reason: str, htmx: bool) -> None:
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

            granted = posted(
                client, url, {**typed, **date_boxes("extend-closes_on", day)}, **headers
            )
            extension = DeadlineExtension.objects.filter(round=open_round).first()
            if extension is None:  # refused: the form shows why, with the text
                assert_shows_as_text(granted.content.decode(), reason)
            assume(extension is not None)  # a refused one is dropped: hypothesis draws another
            assert extension is not None
            reach.assertion()
            if htmx:  # the form again, and the board out of band
                assert_shows_as_text(granted.content.decode(), extension.reason)
            for html in (
                page(client, console("round", world, open_round.pk)),
                page(client, console("round_progress", world, open_round.pk), **HX),
                page(client, console("round", world, open_round.pk), **HX),
            ):
                assert_shows_as_text(html, extension.reason)
            assert_audit_log_shows_as_text(client, world)

    check()


def test_any_reason_for_closing_a_round_early_shows_as_text_in_the_audit_log(
    client: Client, world: World, open_round: ConsultationRound
) -> None:
    @reaching(examples, given(reason=hostile_text))
    def check(reach: Reach, reason: str) -> None:
        with rolled_back():
            client.force_login(world.icb_admin)
            closed = posted(
                client, console("round_close", world, open_round.pk), {"close-reason": reason}
            )
            reach.assertion()
            assert closed.status_code == 302
            open_round.refresh_from_db()
            assert open_round.status == RoundStatus.CLOSED
            assert_shows_as_text(page(client, console("round", world, open_round.pk)))
            assert_shows_as_text(page(client, console("round_close", world, open_round.pk)))
            assert_audit_log_shows_as_text(client, world)

    check()


# A place's response -----------------------------------------------------------------------------


def test_anything_a_place_writes_in_its_response_shows_as_text_on_every_page_of_it(
    client: Client, world: World, open_round: ConsultationRound
) -> None:
    @reaching(fewer_examples, given(texts=hostile_texts(7)))
    def check(reach: Reach, texts: list[str]) -> None:
        case, answer, choice_answer, qualifier, reasons, missing, stale_text = texts
        consultation = open_round
        questions = list(consultation.questions.all())
        written = next(q for q in questions if not q.choices)
        chosen = next(q for q in questions if q.choices)
        option = GovernanceOption.objects.get(framework=consultation.framework, number=1)
        principle = Principle.objects.get(framework=consultation.framework, number=1)
        url = lambda name, *args: proposal_url(world, consultation, name, *args)  # noqa: E731
        with rolled_back():
            client.force_login(world.member_a)
            # As htmx autosaves them, field by field.
            autosave_proposal(client, world, consultation, case, version=1)
            autosave_answer(client, world, consultation, written, answer, version=0)
            autosave_rating(
                client,
                world,
                consultation,
                (option, principle),
                version=0,
                band="medium",
                qualifier=qualifier,
                reasons=reasons,
                agreement="agree",
                missing_from_analysis=missing,
            )
            # As a form without JavaScript, a section at a time.
            chosen_key = f"answer-{chosen.pk}"
            section = posted(
                client,
                url("section_questions"),
                {
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
            stored = (
                response.proposal_case,
                written_answer.text,
                chosen_answer.text,
                rating.qualifier,
                rating.reasons,
                rating.missing_from_analysis,
            )
            reach.assertion()
            assert all(text.strip() for text in stored)

            # Check your answers shows it all; each section's page its own part.
            assert_shows_as_text(page(client, url("check")), *stored)
            assert_shows_as_text(page(client, url("section_proposal")), response.proposal_case)
            assert_shows_as_text(
                page(client, url("section_questions")), written_answer.text, chosen_answer.text
            )
            assert_shows_as_text(
                page(client, url("section_ratings", option.pk)),
                rating.qualifier,
                rating.reasons,
                rating.missing_from_analysis,
            )
            assert_shows_as_text(page(client, url("history")), *stored)
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
                key = f"answer-{written.pk}"
                stale = {f"{key}-text": stale_text, f"{key}-version": "0"}
                conflict = posted(client, url("answer", written.pk), stale, **HX)
                assert "Keep mine" in conflict.content.decode()
                assert_shows_as_text(conflict.content.decode(), written_answer.text, stale_text)
                conflict_page = posted(client, url("section_questions"), stale)
                assert conflict_page.status_code == 200
                assert_shows_as_text(
                    conflict_page.content.decode(), written_answer.text, stale_text
                )

            # An ICB admin reads it, rendered read-only.
            client.force_login(world.icb_admin)
            assert_shows_as_text(page(client, url("check")), *stored)
            assert_shows_as_text(page(client, url("history")), *stored)
            assert_shows_as_text(page(client, url("answer", written.pk), **HX), written_answer.text)

    check()


def test_anything_a_place_writes_in_a_rating_in_context_shows_as_text_on_every_page_of_it(
    client: Client, world: World, open_round: ConsultationRound
) -> None:
    """The optional rows of the ratings grid (an option in the context of a combination), as
    htmx autosaves them and as the section form sends them without JavaScript."""

    @reaching(fewer_examples, given(texts=hostile_texts(3), htmx=st.booleans()))
    def check(reach: Reach, texts: list[str], htmx: bool) -> None:
        qualifier, reasons, missing = texts
        consultation = open_round
        option = GovernanceOption.objects.get(framework=consultation.framework, number=4)
        principle = Principle.objects.get(framework=consultation.framework, number=2)
        cell = (option, principle)
        fields = {
            "band": "medium",
            "qualifier": qualifier,
            "reasons": reasons,
            "agreement": "disagree",
            "missing_from_analysis": missing,
        }
        url = lambda name, *args: proposal_url(world, consultation, name, *args)  # noqa: E731
        with rolled_back():
            client.force_login(world.member_a)
            if htmx:
                autosave_rating(
                    client, world, consultation, cell, version=0, option_set="1+4", **fields
                )
            else:
                prefix = rating_prefix(cell, "1+4")
                data = {f"{prefix}-{name}": value for name, value in fields.items()}
                sent = posted(
                    client,
                    url("section_ratings", option.pk),
                    {f"{prefix}-version": "0", **data},
                )
                if sent.status_code == 200:  # refused (too long): the page says why, with the text
                    assert_shows_as_text(sent.content.decode(), qualifier, reasons, missing)
                    return
                assert sent.status_code == 302
            reach.assertion()
            rating = PlaceRating.objects.get(option=option, principle=principle, option_set="1+4")
            stored = (rating.qualifier, rating.reasons, rating.missing_from_analysis)
            in_context = url("rating_in_context", option.pk, principle.pk, "1+4")
            for reader in (world.member_a, world.icb_admin):
                client.force_login(reader)
                assert_shows_as_text(page(client, url("check")), *stored)
                assert_shows_as_text(page(client, url("section_ratings", option.pk)), *stored)
                assert_shows_as_text(page(client, url("history")), *stored)
                assert_shows_as_text(page(client, in_context, **HX), *stored)

    check()
