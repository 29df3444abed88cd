"""The response pages: full pages and HTMX partials, escaping, read-only views, and query
counts that stay flat however many questions and ratings there are."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance import services
from governance.models import Answer, PlaceResponse, ResponseStatus
from tests.factories import complete_response, make_response, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(world):
    return make_round(system=world.system)


def urls(world, consultation, name, *args):
    return reverse(f"proposal:{name}", args=[world.place_a.pk, consultation.pk, *args])


def test_the_place_page_links_to_its_rounds(client, world, consultation):
    client.force_login(world.member_a)
    page = client.get(reverse("place_detail", args=[world.place_a.pk])).content.decode()
    assert "Consultation rounds" in page
    assert urls(world, consultation, "response") in page
    assert "Not started" in page


def test_the_response_page_shows_every_section_and_the_suggested_ratings(
    client, world, consultation
):
    client.force_login(world.member_a)
    response = client.get(urls(world, consultation, "response"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" in page
    assert "Your proposal" in page and "Your ratings" in page and "Questions" in page
    assert page.count('class="app-rating app-autosave"') == 15
    assert "Suggested rating:" in page
    assert 'hx-trigger="input delay:800ms, app:save-now"' in page
    # A member sees who can submit, not the submit button.
    assert "Only a place lead can submit" in page
    assert world.lead_a.full_name in page
    # Nothing is created by reading.
    assert not PlaceResponse.objects.exists()


def test_an_htmx_autosave_replies_with_just_the_fields_status(client, world, consultation):
    question = consultation.questions.first()
    client.force_login(world.member_a)
    key = f"answer-{question.pk}"
    response = client.post(
        urls(world, consultation, "answer", question.pk),
        {f"{key}-text": "Our first thoughts", f"{key}-version": "0"},
        HTTP_HX_REQUEST="true",
    )
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
    response = client.post(
        urls(world, consultation, "answer", question.pk),
        {f"{key}-text": "Typed", f"{key}-version": "0"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#{key}")


def test_without_javascript_a_section_saves_every_answer(client, world, consultation):
    questions = list(consultation.questions.all())
    client.force_login(world.member_a)
    data = {"section": "answers"}
    for q in questions[:3]:
        data[f"answer-{q.pk}-text"] = f"Answer {q.order}"
        data[f"answer-{q.pk}-version"] = "0"
    response = client.post(urls(world, consultation, "response"), data)
    assert response.status_code == 302
    assert sorted(Answer.objects.values_list("text", flat=True)) == [
        "Answer 1",
        "Answer 2",
        "Answer 3",
    ]


def test_a_conflict_shows_both_texts_and_keep_mine_and_use_theirs(client, world, consultation):
    question = consultation.questions.first()
    response = make_response(round=consultation, place=world.place_a)
    services.answer_save(
        actor=world.lead_a,
        response=response,
        question=question,
        text="Their words",
        expected_version=0,
    )
    client.force_login(world.member_a)
    key = f"answer-{question.pk}"
    html = client.post(
        urls(world, consultation, "answer", question.pk),
        {f"{key}-text": "My words", f"{key}-version": "0"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Their words" in html and "My words" in html
    assert "Keep mine" in html and "Use theirs" in html
    assert f'name="{key}-version" value="0"' in html  # still stale: cannot overwrite by typing
    assert Answer.objects.get().text == "Their words"
    # Without JavaScript the page shows the conflict and keeps what was typed.
    page = client.post(
        urls(world, consultation, "response"),
        {"section": "answers", f"{key}-text": "My words", f"{key}-version": "0"},
    ).content.decode()
    assert "There is a problem" in page and "Their words" in page and "My words" in page
    # Keep mine.
    html = client.post(
        urls(world, consultation, "answer", question.pk),
        {f"{key}-text": "My words", f"{key}-version": "0", f"{key}-keep": "1"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Saved at" in html
    assert Answer.objects.get().text == "My words"
    # Use theirs: the whole field, with the stored text.
    html = client.get(
        urls(world, consultation, "answer", question.pk), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<textarea" in html and "My words" in html and "<html" not in html


def test_an_invalid_set_is_refused_with_the_rule_in_the_status(client, world, consultation):
    client.force_login(world.member_a)
    html = client.post(
        urls(world, consultation, "proposal"),
        {"proposal-options": ["1", "5"], "proposal-case": "Case", "proposal-version": "1"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Not saved" in html and "stands alone" in html


def test_html_in_answers_is_always_shown_escaped(client, world, consultation):
    question = consultation.questions.first()
    response = make_response(round=consultation, place=world.place_a)
    services.answer_save(
        actor=world.member_a,
        response=response,
        question=question,
        text="<script>alert('owned')</script>",
        expected_version=0,
    )
    client.force_login(world.member_a)
    for url in [urls(world, consultation, "response"), urls(world, consultation, "history")]:
        page = client.get(url).content.decode()
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert" in page
    client.force_login(world.icb_admin)  # the read-only rendering too
    page = client.get(urls(world, consultation, "response")).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_an_icb_admin_reads_but_cannot_change(client, world, consultation):
    client.force_login(world.icb_admin)
    page = client.get(urls(world, consultation, "response")).content.decode()
    assert "<textarea" not in page
    assert "Only the members of Ashford can change it" in page
    question = consultation.questions.first()
    key = f"answer-{question.pk}"
    response = client.post(
        urls(world, consultation, "answer", question.pk),
        {f"{key}-text": "Admin words", f"{key}-version": "0"},
    )
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_the_lead_submits_and_the_page_becomes_read_only(client, world, consultation):
    response = make_response(round=consultation, place=world.place_a)
    complete_response(response=response, actor=world.member_a)
    client.force_login(world.lead_a)
    page = client.get(urls(world, consultation, "response")).content.decode()
    assert "Everything required has been given" in page
    reply = client.post(urls(world, consultation, "submit"), follow=True)
    assert "has been submitted" in reply.content.decode()
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    page = reply.content.decode()
    assert "<textarea" not in page and "Withdraw to change it" in page
    reply = client.post(urls(world, consultation, "withdraw"), follow=True)
    assert "has been withdrawn" in reply.content.decode()
    assert "<textarea" in reply.content.decode()


def test_an_incomplete_submission_lists_the_missing_items_with_links(client, world, consultation):
    client.force_login(world.lead_a)
    page = client.post(urls(world, consultation, "submit"), follow=True).content.decode()
    assert "cannot be submitted yet" in page
    assert 'href="#proposal-options"' in page
    for question in consultation.questions.all():
        assert f'href="#answer-{question.pk}"' in page
        assert f'id="answer-{question.pk}"' in page
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
    sheet = services.response_sheet(round=consultation, response=response)
    for question in sheet.questions:
        services.answer_save(
            actor=world.member_a,
            response=response,
            question=question,
            text="An answer",
            expected_version=0,
        )
    cells = [(o, p) for o in sheet.options for p in sheet.principles][:ratings]
    for option, principle in cells:
        services.rating_save(
            actor=world.lead_a,
            response=response,
            option=option,
            principle=principle,
            band="high",
            qualifier="",
            reasons="Reasons",
            agreement="agree",
            missing_from_analysis="",
            expected_version=0,
        )


@pytest.mark.parametrize("rows", [2, 20])
def test_response_page_queries_stay_flat(client, world, rows, django_assert_max_num_queries):
    questions = [{"text": f"Question {n}?"} for n in range(rows)]
    consultation = make_round(system=world.system, questions=questions)
    fill(world, consultation, ratings=min(rows, 15))
    client.force_login(world.member_a)
    with django_assert_max_num_queries(20):
        response = client.get(urls(world, consultation, "response"))
    assert response.status_code == 200
    assert response.content.decode().count("An answer") == rows
