"""The response pages: the overview's task list, each section's page, check your answers,
withdrawal, full pages and HTMX partials, escaping, read-only views, and query counts that
stay flat however many questions and ratings there are."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.uk_time import uk_datetime
from demo.build.consultation import RatingText, rating_write
from governance.consultation.models import Answer, PlaceResponse, ResponseStatus
from governance.consultation.questions import SAME_MODEL_CHOICES
from governance.consultation.responses import response_sheet
from partners.models import Role
from tests.factories import (
    DeadlineExtensionFactory,
    complete_response,
    make_member,
    make_response,
    make_round,
    save_answer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(world):
    return make_round(system=world.system)


def urls(world, consultation, name, *args):
    return reverse(f"proposal:{name}", args=[world.place_a.pk, consultation.pk, *args])


def answer_fields(question, text, *, version=0, **more):
    """The fields one answer posts: its text, the version the page showed, and `choice` or
    `keep` where given."""
    key = f"answer-{question.pk}"
    fields = {f"{key}-text": text, f"{key}-version": str(version)}
    return fields | {f"{key}-{name}": value for name, value in more.items()}


def post_answer(client, world, consultation, question, text, *, htmx=True, **more):
    """An autosave of one answer (or, with `htmx=False`, the field's post without JavaScript)."""
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url = urls(world, consultation, "answer", question.pk)
    return client.post(url, answer_fields(question, text, **more), **headers)


def post_answers_section(client, world, consultation, *answers, then=""):
    """The questions' page sent without JavaScript, holding `answers` (each the fields of one
    answer); `then="overview"` is its "Save and go back to your response" button."""
    data = {"then": then} if then else {}
    for fields in answers:
        data |= fields
    return client.post(urls(world, consultation, "section_questions"), data)


def option_page(world, consultation, number):
    option = consultation.framework.options.get(number=number)
    return urls(world, consultation, "section_ratings", option.pk)


def test_the_place_page_links_to_its_rounds(client, world, consultation):
    client.force_login(world.member_a)
    page = client.get(reverse("place_detail", args=[world.place_a.pk])).content.decode()
    assert "Consultation rounds" in page
    assert urls(world, consultation, "response") in page
    assert "Not started" in page


def test_the_ratings_are_split_into_a_page_per_option_with_the_suggested_ratings(
    client, world, consultation
):
    client.force_login(world.member_a)
    cells, optional = 0, 0
    for number in range(1, 6):
        response = client.get(option_page(world, consultation, number))
        page = response.content.decode()
        assert response.status_code == 200
        assert "<html" in page
        assert f"<h1>Rate option {number}: " in page
        cells += page.count('class="app-rating app-autosave')
        optional += page.count('class="app-rating app-autosave app-rating--optional"')
        assert "Suggested rating:" in page
        assert 'hx-trigger="input delay:800ms, app:save-now"' in page
        assert "Save and continue" in page and "Save and go back to your response" in page
    # Every option alone against every principle (required), then option 1 with option 4
    # and option 4 with option 1 against every principle (optional).
    assert (cells, optional) == (15 + 6, 6)
    option_1 = client.get(option_page(world, consultation, 1)).content.decode()
    assert option_1.count("(optional)</legend>") == 3
    # The optional cells in a combination are folded away until something is given there.
    assert (
        '<details class="nhsuk-details app-rating-context">\n    <summary class="nhsuk-details__summary">'
        '<span class="nhsuk-details__summary-text">Option 1 with option 4 (optional)</span>'
    ) in option_1
    # A member sees who can submit, not the submit button.
    page = client.get(urls(world, consultation, "check")).content.decode()
    assert "Only a place lead can submit" in page
    assert world.lead_a.full_name in page
    assert "Submit Ashford's response" not in page
    # Nothing is created by reading.
    assert not PlaceResponse.objects.exists()


def test_an_htmx_autosave_replies_with_just_the_fields_status(client, world, consultation):
    question = consultation.questions.first()
    client.force_login(world.member_a)
    key = f"answer-{question.pk}"
    response = post_answer(client, world, consultation, question, "Our first thoughts")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<textarea" not in html
    assert "Saved at" in html and world.member_a.full_name in html
    assert f'name="{key}-version" value="1"' in html
    assert Answer.objects.get().text == "Our first thoughts"


def test_without_javascript_a_field_post_redirects_back_to_it(client, world, consultation):
    question = consultation.questions.first()
    client.force_login(world.member_a)
    key = f"answer-{question.pk}"
    response = post_answer(client, world, consultation, question, "Typed", htmx=False)
    assert response.status_code == 302
    assert response["Location"] == urls(world, consultation, "section_questions") + f"#{key}"


def test_without_javascript_a_section_saves_every_answer(client, world, consultation):
    questions = list(consultation.questions.all())
    client.force_login(world.member_a)
    response = post_answers_section(
        client, world, consultation, *(answer_fields(q, f"Answer {q.order}") for q in questions[:3])
    )
    # The questions are the last section: "Save and continue" goes on to check your answers.
    assert response.status_code == 302
    assert response["Location"] == urls(world, consultation, "check")
    assert sorted(Answer.objects.values_list("text", flat=True)) == [
        "Answer 1",
        "Answer 2",
        "Answer 3",
    ]
    # "Save and go back to your response" saves too, then returns to the overview.
    response = post_answers_section(
        client, world, consultation, answer_fields(questions[3], "Answer 4"), then="overview"
    )
    assert response["Location"] == urls(world, consultation, "response")
    assert Answer.objects.get(question=questions[3]).text == "Answer 4"


def test_a_conflict_shows_both_texts_and_keep_mine_and_use_theirs(client, world, consultation):
    question = consultation.questions.first()
    response = make_response(round=consultation, place=world.place_a)
    save_answer(world.lead_a, response, question, "Their words")
    client.force_login(world.member_a)
    key = f"answer-{question.pk}"
    html = post_answer(client, world, consultation, question, "My words").content.decode()
    assert "Their words" in html and "My words" in html
    assert "Keep mine" in html and "Use theirs" in html
    assert f'name="{key}-version" value="0"' in html  # still stale: cannot overwrite by typing
    assert Answer.objects.get().text == "Their words"
    # Without JavaScript the page shows the conflict and keeps what was typed.
    page = post_answers_section(
        client, world, consultation, answer_fields(question, "My words")
    ).content.decode()
    assert "There is a problem" in page and "Their words" in page and "My words" in page
    # Keep mine.
    html = post_answer(client, world, consultation, question, "My words", keep="1")
    html = html.content.decode()
    assert "Saved at" in html
    assert Answer.objects.get().text == "My words"
    # Use theirs: the whole field, with the stored text.
    html = client.get(
        urls(world, consultation, "answer", question.pk), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<textarea" in html and "My words" in html and "<html" not in html


def test_an_invalid_set_is_refused_with_the_rule_but_the_case_is_saved(client, world, consultation):
    client.force_login(world.member_a)
    html = client.post(
        urls(world, consultation, "proposal"),
        {"proposal-options": ["1", "4", "5"], "proposal-case": "Our case", "proposal-version": "1"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Options not saved" in html and "stands alone" in html
    assert "Untick options until one option, or a combination the framework allows" in html
    assert "The case for your proposal has been saved." in html
    # The form moves on to the version its own save made, so its next autosave is no conflict.
    assert 'name="proposal-version" value="2"' in html
    stored = PlaceResponse.objects.get()
    assert (stored.proposed_option_set, stored.proposal_case) == ("", "Our case")
    html = client.post(
        urls(world, consultation, "proposal"),
        {
            "proposal-options": ["1", "4"],
            "proposal-case": "Our case, fixed",
            "proposal-version": "2",
        },
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Saved at" in html
    stored.refresh_from_db()
    assert (stored.proposed_option_set, stored.proposal_case) == ("1+4", "Our case, fixed")


def test_without_javascript_an_invalid_set_keeps_the_ticks_and_saves_the_case(
    client, world, consultation
):
    client.force_login(world.member_a)
    page = client.post(
        urls(world, consultation, "section_proposal"),
        {"proposal-options": ["1", "5"], "proposal-case": "Typed case", "proposal-version": "1"},
    ).content.decode()
    assert "There is a problem" in page and "stands alone" in page
    assert 'value="1" checked' in page and 'value="5" checked' in page
    assert "Typed case</textarea>" in page
    assert PlaceResponse.objects.get().proposal_case == "Typed case"
    # On reload the case is still there.
    page = client.get(urls(world, consultation, "section_proposal")).content.decode()
    assert "Typed case</textarea>" in page


def test_html_in_answers_is_always_shown_escaped(client, world, consultation):
    question = consultation.questions.first()
    response = make_response(round=consultation, place=world.place_a)
    save_answer(world.member_a, response, question, "<script>alert('owned')</script>")
    client.force_login(world.member_a)
    pages = ["section_questions", "check", "history"]
    for url in [urls(world, consultation, name) for name in pages]:
        page = client.get(url).content.decode()
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert" in page
    client.force_login(world.icb_admin)  # the read-only rendering too
    page = client.get(urls(world, consultation, "section_questions")).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_an_icb_admin_reads_but_cannot_change(client, world, consultation):
    client.force_login(world.icb_admin)
    page = client.get(urls(world, consultation, "response")).content.decode()
    assert "Only the members of Ashford can change it" in page
    for name in ["section_proposal", "section_questions"]:
        page = client.get(urls(world, consultation, name)).content.decode()
        assert "<textarea" not in page and "Save and continue" not in page
        assert "Only the members of Ashford can change it" in page
    page = client.get(option_page(world, consultation, 1)).content.decode()
    assert "<select" not in page and "Save and continue" not in page
    question = consultation.questions.first()
    response = post_answer(client, world, consultation, question, "Admin words", htmx=False)
    assert response.status_code == 403
    response = post_answers_section(client, world, consultation, answer_fields(question, "Admin"))
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_the_lead_submits_and_the_page_becomes_read_only(client, world, consultation):
    response = make_response(round=consultation, place=world.place_a)
    complete_response(response=response, actor=world.member_a)
    client.force_login(world.lead_a)
    page = client.get(urls(world, consultation, "check")).content.decode()
    assert "Everything required has been given" in page
    assert "Submit Ashford's response" in page
    reply = client.post(urls(world, consultation, "submit"), follow=True)
    assert reply.redirect_chain[-1][0] == urls(world, consultation, "response")
    assert "has been submitted" in reply.content.decode()
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    page = client.get(urls(world, consultation, "section_questions")).content.decode()
    assert "<textarea" not in page and "was submitted by" in page
    page = client.get(urls(world, consultation, "check")).content.decode()
    assert "Withdraw to change it" in page
    assert f'href="{urls(world, consultation, "withdraw")}"' in page
    reply = client.post(urls(world, consultation, "withdraw"), follow=True)
    assert "has been withdrawn" in reply.content.decode()
    page = client.get(urls(world, consultation, "section_questions")).content.decode()
    assert "<textarea" in page


def test_an_incomplete_submission_lists_the_missing_items_with_links(client, world, consultation):
    client.force_login(world.lead_a)
    reply = client.post(urls(world, consultation, "submit"), follow=True)
    page = reply.content.decode()
    assert reply.redirect_chain[-1][0] == urls(world, consultation, "check") + "#completeness"
    assert "cannot be submitted yet" in page
    # Each missing item links to the field to fill in, on its section's page.
    proposal_page = urls(world, consultation, "section_proposal")
    assert f'href="{proposal_page}#proposal-option-1">Choose the option' in page
    assert f'href="{proposal_page}#proposal-case">Make the case' in page
    option, principle = consultation.framework.options.get(number=2), None
    principle = consultation.framework.principles.get(number=3)
    rating_field = f"rating-{option.pk}-{principle.pk}-band"
    assert f'href="{option_page(world, consultation, 2)}#{rating_field}"' in page
    questions_page = urls(world, consultation, "section_questions")
    questions = list(consultation.questions.all())
    assert f'href="{questions_page}#answer-{questions[0].pk}-choice-1"' in page
    assert f'href="{questions_page}#answer-{questions[1].pk}-text"' in page
    # The fields are there to land on.
    questions_html = client.get(questions_page).content.decode()
    assert f'id="answer-{questions[0].pk}-choice-1"' in questions_html
    assert f'id="answer-{questions[1].pk}-text"' in questions_html
    assert (
        f'id="{rating_field}"' in client.get(option_page(world, consultation, 2)).content.decode()
    )
    html = client.get(
        urls(world, consultation, "completeness"), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in html and "still missing" in html


def test_a_member_cannot_submit(client, world, consultation):
    client.force_login(world.member_a)
    assert client.post(urls(world, consultation, "submit")).status_code == 404


def test_a_round_of_another_system_is_not_found(client, world):
    foreign = make_round(system=world.other_system)
    client.force_login(world.member_a)
    url = reverse("proposal:response", args=[world.place_a.pk, foreign.pk])
    assert client.get(url).status_code == 404


def fill(world, consultation, ratings: int) -> None:
    response = make_response(round=consultation, place=world.place_a)
    sheet = response_sheet(round=consultation, response=response)
    for question in sheet.questions:
        save_answer(world.member_a, response, question, "An answer")
    cells = [(o, p, "") for o in sheet.options for p in sheet.principles][:ratings]
    if ratings >= len(sheet.options) * len(sheet.principles):  # the optional ones too
        cells += [(c.option, p, c.option_set) for c in sheet.contexts for p in c.principles]
    high = RatingText(band="high", reasons="Reasons", agreement="agree")
    for option, principle, option_set in cells:
        cell = {"option": option, "principle": principle, "option_set": option_set}
        rating_write(actor=world.lead_a, response=response, rating=high, **cell)


@pytest.mark.parametrize("rows", [2, 20])
def test_response_page_queries_stay_flat(client, world, rows, django_assert_max_num_queries):
    questions = [
        {"text": f"Question {n}?", "choices": ["Yes", "No"] if n % 2 else []} for n in range(rows)
    ]
    milestones = [
        {"title": f"Milestone {n}", "due_on": date.today() + timedelta(days=n)} for n in range(rows)
    ]
    consultation = make_round(system=world.system, questions=questions, milestones=milestones)
    DeadlineExtensionFactory(
        round=consultation,
        place=world.place_a,
        closes_at=consultation.closes_at + timedelta(days=1),
    )
    fill(world, consultation, ratings=min(rows, 15))
    client.force_login(world.member_a)
    with django_assert_max_num_queries(20):
        response = client.get(urls(world, consultation, "response"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="app-timeline__title"') == rows + 2
    with django_assert_max_num_queries(20):
        page = client.get(urls(world, consultation, "section_questions")).content.decode()
    assert page.count("An answer") == rows
    assert page.count('type="radio"') == 2 * (rows // 2)
    with django_assert_max_num_queries(20):
        page = client.get(option_page(world, consultation, 1)).content.decode()
    # In the larger case every cell is rated, the optional ones in context too.
    assert page.count('value="high" selected') == (2 if rows == 2 else 3 + 3)
    with django_assert_max_num_queries(20):
        page = client.get(urls(world, consultation, "check")).content.decode()
    assert page.count("An answer") == rows
    assert page.count("<strong>HIGH</strong>") == (2 if rows == 2 else 15 + 6)


# Fixed answers ----------------------------------------------------------------------------------


def test_a_question_with_fixed_answers_shows_radios_above_its_text(client, world, consultation):
    question = consultation.questions.first()
    key = f"answer-{question.pk}"
    client.force_login(world.member_a)
    page = client.get(urls(world, consultation, "section_questions")).content.decode()
    for n, choice in enumerate(SAME_MODEL_CHOICES, 1):
        assert f'id="{key}-choice-{n}" name="{key}-choice" type="radio" value="{choice}"' in page
    assert page.index(f'name="{key}-choice"') < page.index(f'name="{key}-text"')
    assert "Explain your answer (optional)" in page
    # The autosave sends the choice with the text.
    assert f'hx-params="{key}-choice,{key}-text,{key}-version,{key}-keep"' in page


def test_choosing_an_answer_autosaves_and_a_bad_one_is_refused(client, world, consultation):
    question = consultation.questions.first()
    key = f"answer-{question.pk}"
    client.force_login(world.member_a)
    html = post_answer(client, world, consultation, question, "", choice="Not sure")
    html = html.content.decode()
    assert "Saved at" in html and f'name="{key}-version" value="1"' in html
    assert Answer.objects.get().choice == "Not sure"
    html = post_answer(client, world, consultation, question, "", version=1, choice="Perhaps")
    html = html.content.decode()
    assert "Not saved" in html and "Choose one of the answers to question 1" in html
    assert Answer.objects.get().choice == "Not sure"
    # The page shows the saved choice checked.
    page = client.get(urls(world, consultation, "section_questions")).content.decode()
    assert 'value="Not sure" checked' in page


def test_a_choice_conflict_shows_both_choices_and_texts(client, world, consultation):
    question = consultation.questions.first()
    response = make_response(round=consultation, place=world.place_a)
    save_answer(
        world.lead_a, response, question, "Simpler for everyone.", choice=SAME_MODEL_CHOICES[0]
    )
    client.force_login(world.member_a)
    html = post_answer(client, world, consultation, question, "We are unsure.", choice="Not sure")
    html = html.content.decode()
    assert "Chosen answer: theirs" in html and "Chosen answer: yours" in html
    assert SAME_MODEL_CHOICES[0] in html and "Not sure" in html
    assert "Simpler for everyone." in html and "We are unsure." in html
    assert "Keep mine" in html and "Use theirs" in html
    assert Answer.objects.get().choice == SAME_MODEL_CHOICES[0]


def test_without_javascript_the_answers_section_saves_choices(client, world, consultation):
    first, second = list(consultation.questions.all())[:2]
    client.force_login(world.member_a)
    response = post_answers_section(
        client,
        world,
        consultation,
        answer_fields(first, "", choice="Not sure"),
        answer_fields(second, "Workforce"),
    )
    assert response.status_code == 302
    assert dict(Answer.objects.values_list("question_id", "choice")) == {
        first.pk: "Not sure",
        second.pk: "",
    }
    page = post_answers_section(
        client, world, consultation, answer_fields(first, "", version=1, choice="Perhaps")
    ).content.decode()
    assert "There is a problem" in page and "Choose one of the answers" in page


def test_the_read_only_page_and_history_show_the_choice(client, world, consultation):
    question = consultation.questions.first()
    response = make_response(round=consultation, place=world.place_a)
    save_answer(world.member_a, response, question, "", choice="Not sure")
    client.force_login(world.icb_admin)
    page = client.get(urls(world, consultation, "section_questions")).content.decode()
    assert "Chosen answer: </span><strong>Not sure</strong>" in page
    page = client.get(urls(world, consultation, "check")).content.decode()
    assert "<strong>Not sure</strong>" in page
    history = client.get(urls(world, consultation, "history")).content.decode()
    assert "Question 1: Chosen answer" in history and "Set to <ins>Not sure</ins>" in history


def test_missing_items_ask_for_the_choice(client, world, consultation):
    client.force_login(world.lead_a)
    page = client.get(urls(world, consultation, "check")).content.decode()
    assert "Choose an answer to question 1" in page
    assert "Answer question 2" in page


# Deadlines and extensions ---------------------------------------------------------------------


def test_an_extended_place_keeps_editing_after_the_round_closes(client, world):
    consultation = make_round(
        system=world.system,
        opens_at=timezone.now() - timedelta(days=20),
        closes_at=timezone.now() - timedelta(hours=1),
    )
    extended_to = timezone.now() + timedelta(days=2)
    DeadlineExtensionFactory(
        round=consultation,
        place=world.place_a,
        closes_at=extended_to,
        reason="Confidential: chair on leave",
        granted_by=world.icb_admin,
    )
    question = list(consultation.questions.all())[1]
    client.force_login(world.member_a)
    page = client.get(urls(world, consultation, "response")).content.decode()
    assert f"You have until {uk_datetime(extended_to)}, extended by the ICB" in page
    assert "Confidential" not in page  # the reason is for the ICB only
    assert (
        "<textarea" in client.get(urls(world, consultation, "section_questions")).content.decode()
    )
    html = post_answer(client, world, consultation, question, "Still in time").content.decode()
    assert "Saved at" in html
    place_page = client.get(reverse("place_detail", args=[world.place_a.pk])).content.decode()
    assert "your deadline, extended by the ICB" in place_page
    # Another place of the same round is past its deadline.
    client.force_login(world.member_b)
    url_b = reverse("proposal:response", args=[world.place_b.pk, consultation.pk])
    page = client.get(url_b).content.decode()
    assert "This round closed at" in page
    questions_b = reverse("proposal:section_questions", args=[world.place_b.pk, consultation.pk])
    assert "<textarea" not in client.get(questions_b).content.decode()
    html = client.post(
        reverse("proposal:answer", args=[world.place_b.pk, consultation.pk, question.pk]),
        answer_fields(question, "Too late"),
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Not saved" in html and "This round closed at" in html
    assert list(Answer.objects.values_list("text", flat=True)) == ["Still in time"]


# Invitations -------------------------------------------------------------------------------------


def proposal_urls(place, consultation) -> list[str]:
    question = consultation.questions.first()
    option = consultation.framework.options.first()
    principle = consultation.framework.principles.first()
    args = [place.pk, consultation.pk]
    return [
        reverse("proposal:response", args=args),
        reverse("proposal:section_proposal", args=args),
        reverse("proposal:section_ratings", args=[*args, option.pk]),
        reverse("proposal:section_questions", args=args),
        reverse("proposal:check", args=args),
        reverse("proposal:proposal", args=args),
        reverse("proposal:answer", args=[*args, question.pk]),
        reverse("proposal:rating", args=[*args, option.pk, principle.pk]),
        reverse("proposal:rating_in_context", args=[*args, option.pk, principle.pk, "1+4"]),
        reverse("proposal:completeness", args=args),
        reverse("proposal:submit", args=args),
        reverse("proposal:withdraw", args=args),
        reverse("proposal:history", args=args),
    ]


def test_every_page_of_a_round_is_not_found_for_a_place_not_invited(client, world):
    consultation = make_round(system=world.system, invited_places=[world.place_a])
    lead_b = make_member(place=world.place_b, role=Role.PLACE_LEAD)
    for user in [world.member_b, lead_b, world.icb_admin]:
        client.force_login(user)
        for url in proposal_urls(world.place_b, consultation):
            for method in (client.get, client.post):
                for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
                    reply = method(url, **headers)
                    # 405 for a method the URL never accepts, whoever asks.
                    assert reply.status_code in {404, 405}, (user, url, reply.status_code)
    assert not PlaceResponse.objects.exists()
    # The invited place still sees it, and the place page lists it only for that place.
    client.force_login(world.member_a)
    assert client.get(urls(world, consultation, "response")).status_code == 200
    place_page = client.get(reverse("place_detail", args=[world.place_a.pk])).content.decode()
    assert consultation.title in place_page
    client.force_login(world.member_b)
    place_page = client.get(reverse("place_detail", args=[world.place_b.pk])).content.decode()
    assert consultation.title not in place_page


# Timeline ---------------------------------------------------------------------------------------------


def test_the_response_page_shows_the_round_timeline(client, world):
    today = date.today()
    consultation = make_round(
        system=world.system,
        milestones=[
            {"title": "Briefing for place leads", "due_on": today - timedelta(days=3)},
            {
                "title": "Summary to the oversight group",
                "description": "A high-level summary of every response.",
                "due_on": today + timedelta(days=20),
            },
            {"title": "Board decision", "due_on": today + timedelta(days=40)},
        ],
    )
    client.force_login(world.member_a)
    page = client.get(urls(world, consultation, "response")).content.decode()
    assert '<ol class="app-timeline"' in page
    titles = [
        "Briefing for place leads",
        "The round opened",
        "The round closes",
        "Summary to the oversight group",
        "Board decision",
    ]
    positions = [page.index(f'<p class="app-timeline__title">{title}') for title in titles]
    assert positions == sorted(positions)  # in date order
    assert "A high-level summary of every response." in page
    timeline = page[page.index('<ol class="app-timeline"') : page.index("</ol>", positions[-1])]
    items = timeline.split('<li class="app-timeline__item')[1:]
    past = ["app-timeline__item--past" in item.split(">")[0] for item in items]
    assert past == [True, True, False, False, False]
    assert [">Done<" in item for item in items] == past
    # Every entry still to come has a "Next" tag; the stylesheet shows only the first one's.
    assert [">Next<" in item for item in items] == [not p for p in past]
    closes = timezone.localtime(consultation.closes_at)
    assert f"{closes:%H:%M} on {closes:%A} {closes.day} {closes:%B %Y}" in items[2]


def test_the_timeline_partial_takes_plain_milestones_and_undated_ones_come_last(world):
    from django.template.loader import render_to_string

    consultation = make_round(system=world.system)
    html = render_to_string(
        "governance/_round_timeline.html",
        {
            "round": consultation,
            "milestones": [
                {"title": "Board decision", "description": "", "due_on": None},
                {"title": "Advisory review", "due_on": date.today() + timedelta(days=30)},
            ],
        },
    )
    order = [html.index(t) for t in ["The round opened", "The round closes", "Advisory review"]]
    assert order == sorted(order) and html.index("Board decision") > order[-1]
    assert "Date to be confirmed" in html
    assert "Your deadline" not in html  # no place deadline given: the round's own
