"""The rules of a place's response: autosave versions, conflicts that keep both texts, the
combination rules, limits, completeness, submission and withdrawal, and the history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.uk_time import uk_datetime
from governance.consultation import selectors
from governance.consultation.models import Answer, PlaceRating, ResponseStatus
from governance.consultation.questions import SAME_MODEL_CHOICES
from governance.consultation.response_history import response_history
from governance.consultation.response_saves import (
    EditConflict,
    OptionsRefused,
    rating_save,
)
from governance.consultation.responses import (
    IncompleteResponse,
    is_invited,
    response_deadline,
    response_edit_refusal,
    response_missing_items,
    response_sheet,
    response_submit,
    response_withdraw,
)
from partners.models import AuditEvent, Role
from tests.factories import (
    DeadlineExtensionFactory,
    PlaceFactory,
    complete_response,
    make_member,
    make_response,
    make_round,
    save_answer,
    save_proposal,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    consultation = make_round(system=world.system)
    response = make_response(round=consultation, place=world.place_a)
    sheet = response_sheet(round=consultation, response=response)
    return world, consultation, response, sheet


def close_round(consultation, minutes_ago: int = 1) -> None:
    consultation.opens_at = timezone.now() - timedelta(days=20)
    consultation.closes_at = timezone.now() - timedelta(minutes=minutes_ago)
    consultation.save()


def test_a_round_has_the_seven_default_questions(world):
    consultation = make_round(system=world.system)
    questions = list(consultation.questions.all())
    assert [q.order for q in questions] == [1, 2, 3, 4, 5, 6, 7]
    assert "same governance model" in questions[0].text
    assert "not want to use" in questions[6].text
    assert AuditEvent.objects.filter(action="round.create").exists()


def test_autosave_adds_one_to_the_version_each_time_and_records_who(setup):
    world, _, response, sheet = setup
    question = sheet.questions[0]
    first = save_answer(world.member_a, response, question, "A")
    assert first.version == 1 and first.updated_by == world.member_a
    second = save_answer(world.member_a, response, question, "AB", version=1)
    assert second.version == 2
    # Saving the same words again (a repeated autosave) changes nothing.
    again = save_answer(world.member_a, response, question, "AB", version=2)
    assert again.version == 2
    assert AuditEvent.objects.filter(action="response.answer_save").count() == 2


def test_two_sessions_editing_one_answer_keep_both_texts_and_overwrite_nothing(setup):
    world, _, response, sheet = setup
    question = sheet.questions[1]  # free text only
    # Both open the answer at version 0; member A saves first.
    save_answer(world.member_a, response, question, "Theirs: one model for all places.")
    with pytest.raises(EditConflict) as caught:
        save_answer(world.lead_a, response, question, "Mine: each place should choose.")
    conflict = caught.value
    assert isinstance(conflict, ValidationError)
    assert conflict.fields[0].theirs == "Theirs: one model for all places."
    assert conflict.fields[0].yours == "Mine: each place should choose."
    assert conflict.version == 1 and conflict.by == world.member_a
    assert world.member_a.full_name in conflict.messages[0]
    answer = Answer.objects.get(response=response, question=question)
    assert answer.text == "Theirs: one model for all places." and answer.version == 1
    # "Keep mine": save again against the version that was shown.
    kept = save_answer(
        world.lead_a,
        response,
        question,
        "Mine: each place should choose.",
        version=conflict.version,
    )
    assert kept.version == 2 and kept.updated_by == world.lead_a


def test_a_rating_conflict_lists_each_differing_field(setup):
    world, _, response, sheet = setup
    option, principle = sheet.options[0], sheet.principles[0]
    values = {
        "band": "high",
        "qualifier": "",
        "reasons": "Strong partnership.",
        "agreement": "agree",
        "missing_from_analysis": "",
    }

    def save_from_version_0(actor, **changed):
        return rating_save(
            actor=actor,
            response=response,
            option=option,
            principle=principle,
            expected_version=0,
            **values | changed,
        )

    save_from_version_0(world.member_a)
    with pytest.raises(EditConflict) as caught:
        save_from_version_0(world.lead_a, band="low", reasons="Weak.")
    labels = {f.label: (f.theirs, f.yours) for f in caught.value.fields}
    assert labels == {"Rating": ("HIGH", "LOW"), "Reasons": ("Strong partnership.", "Weak.")}
    assert PlaceRating.objects.get(response=response).band == "high"


def test_an_invalid_option_set_is_refused_with_the_rule_but_the_case_typed_with_it_is_saved(
    setup,
):
    """The options stay as they were; the case, typed in the same place, is never lost."""
    world, _, response, sheet = setup
    save_answer(world.member_a, response, sheet.questions[0], "Kept.")
    saved = save_proposal(world.member_a, response, [1, 4], "Our case.")
    with pytest.raises(OptionsRefused) as caught:
        save_proposal(world.member_a, saved, [1, 4, 5], "A changed case.")
    assert "stands alone" in " ".join(caught.value.message_dict["options"])
    assert caught.value.response.version == saved.version + 1
    response.refresh_from_db()
    assert response.proposed_option_set == "1+4"
    assert response.proposal_case == "A changed case."
    assert response.version == saved.version + 1
    assert Answer.objects.get(response=response).text == "Kept."
    # Refused again with the same case: nothing more is saved.
    with pytest.raises(OptionsRefused):
        save_proposal(world.member_a, response, [1, 5], "A changed case.")
    response.refresh_from_db()
    assert response.version == saved.version + 1


def test_an_invalid_option_set_from_a_stale_version_is_a_conflict_not_a_save(setup):
    world, _, response, _ = setup
    saved = save_proposal(world.lead_a, response, [1, 4], "Their case.")
    with pytest.raises(EditConflict):
        save_proposal(world.member_a, saved, [1, 5], "My case.", from_version=saved.version - 1)
    response.refresh_from_db()
    assert (response.proposed_option_set, response.proposal_case) == ("1+4", "Their case.")


def test_over_long_text_is_refused_with_a_message(setup):
    world, _, response, sheet = setup
    question = sheet.questions[0]
    with pytest.raises(ValidationError) as caught:
        save_answer(world.member_a, response, question, "x" * (question.max_length + 1))
    assert "5,000 characters or fewer" in caught.value.message_dict["text"][0]
    assert not Answer.objects.exists()
    with pytest.raises(ValidationError):
        rating_save(
            actor=world.member_a,
            response=response,
            option=sheet.options[0],
            principle=sheet.principles[0],
            band="nonsense",
            qualifier="",
            reasons="",
            agreement="",
            missing_from_analysis="",
            expected_version=0,
        )


def test_html_is_stored_as_typed(setup):
    world, _, response, sheet = setup
    text = "<script>alert('x')</script> & <b>bold</b>"
    answer = save_answer(world.member_a, response, sheet.questions[0], text)
    answer.refresh_from_db()
    assert answer.text == text


def test_submit_lists_every_missing_item_with_its_anchor(setup):
    world, _, response, sheet = setup
    with pytest.raises(IncompleteResponse) as caught:
        response_submit(actor=world.lead_a, response=response)
    anchors = [item.anchor for item in caught.value.items]
    assert anchors[:2] == ["proposal-options", "proposal-case"]
    assert len([a for a in anchors if a.startswith("rating-")]) == 15
    assert [a for a in anchors if a.startswith("answer-")] == [
        f"answer-{q.pk}" for q in sheet.questions
    ]
    response.refresh_from_db()
    assert response.status == ResponseStatus.DRAFT


def test_submit_withdraw_and_resubmit(setup):
    world, _, response, _ = setup
    response = complete_response(response=response, actor=world.member_a)
    assert response_missing_items(response=response) == []
    submitted = response_submit(actor=world.lead_a, response=response)
    assert submitted.status == ResponseStatus.SUBMITTED
    assert submitted.submitted_by == world.lead_a
    # Submitted: locked.
    with pytest.raises(ValidationError, match="withdraw it"):
        save_proposal(world.member_a, submitted, [2], "Changed")
    withdrawn = response_withdraw(actor=world.lead_a, response=submitted)
    assert withdrawn.status == ResponseStatus.WITHDRAWN
    changed = save_proposal(world.member_a, withdrawn, [2, 3], "Changed")
    again = response_submit(actor=world.lead_a, response=changed)
    assert again.status == ResponseStatus.SUBMITTED
    assert again.proposed_option_set == "2+3"


def test_a_member_may_not_submit_or_withdraw(setup):
    world, _, response, _ = setup
    response = complete_response(response=response, actor=world.member_a)
    with pytest.raises(ValidationError, match="Only a place lead"):
        response_submit(actor=world.member_a, response=response)
    # A lead of another place is not a lead of this one.
    other_lead = make_member(place=world.place_b, role=Role.PLACE_LEAD)
    with pytest.raises(ValidationError, match="Only a place lead"):
        response_submit(actor=other_lead, response=response)
    submitted = response_submit(actor=world.lead_a, response=response)
    with pytest.raises(ValidationError, match="Only a place lead"):
        response_withdraw(actor=world.member_a, response=submitted)


def test_after_the_deadline_edits_and_submission_are_refused_showing_it(setup):
    world, consultation, response, sheet = setup
    response = complete_response(response=response, actor=world.member_a)
    close_round(consultation)
    response.refresh_from_db()
    deadline = uk_datetime(consultation.closes_at)
    assert "(UK time)" in deadline
    with pytest.raises(ValidationError) as caught:
        response_submit(actor=world.lead_a, response=response)
    assert deadline in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        save_answer(world.member_a, response, sheet.questions[0], "Late", version=1)
    assert deadline in caught.value.messages[0]


def test_withdrawal_after_the_deadline_is_refused(setup):
    world, consultation, response, _ = setup
    response = complete_response(response=response, actor=world.member_a)
    submitted = response_submit(actor=world.lead_a, response=response)
    close_round(consultation)
    with pytest.raises(ValidationError, match="closed"):
        response_withdraw(actor=world.lead_a, response=submitted)


def test_history_records_who_changed_what_with_a_readable_diff(setup):
    world, _, response, sheet = setup
    question = sheet.questions[0]
    save_answer(world.member_a, response, question, "We prefer option one.")
    save_answer(world.lead_a, response, question, "We prefer options one and four.", version=1)
    save_proposal(world.member_a, response, [1, 4], "Case.")
    changes = response_history(response=response)
    answer_changes = [c for c in changes if c.what.startswith("Question 1")]
    assert [c.who for c in answer_changes] == [world.lead_a, world.member_a]
    newest = answer_changes[0]
    assert newest.old == "We prefer option one." and newest.new == "We prefer options one and four."
    assert ("delete", "option") in newest.diff
    assert ("insert", "options") in newest.diff
    proposal = [c for c in changes if c.what == "Proposed options"]
    assert proposal[0].new == "Options 1 + 4" and proposal[0].who == world.member_a


def test_history_folds_one_persons_quick_saves_into_one_change(setup):
    world, _, response, sheet = setup
    question = sheet.questions[0]
    for version, text in enumerate(["W", "We", "We agree"]):
        save_answer(world.member_a, response, question, text, version=version)
    changes = [c for c in response_history(response=response) if "Question" in c.what]
    assert len(changes) == 1
    assert changes[0].old == "" and changes[0].new == "We agree"


def test_a_first_save_with_a_stale_version_is_saved_not_crashed(setup):
    """A form that claims a version for an answer nobody has saved yet loses no one's words,
    so the save goes through."""
    _world, consultation, response, _sheet = setup
    question = consultation.questions.first()
    answer = save_answer(None, response, question, "First words", version=7)
    assert (answer.version, answer.text) == (1, "First words")


# Fixed answers ----------------------------------------------------------------------------------


def test_a_fixed_answer_is_saved_with_the_text_under_one_version(setup):
    world, _, response, sheet = setup
    question = sheet.questions[0]
    assert question.choices == SAME_MODEL_CHOICES
    chosen = save_answer(world.member_a, response, question, "", choice="Not sure")
    assert (chosen.choice, chosen.text, chosen.version) == ("Not sure", "", 1)
    # Text alone (no choice given) keeps the choice; a changed choice is a new version.
    explained = save_answer(
        world.member_a, response, question, "We need to hear from the council first.", version=1
    )
    assert (explained.choice, explained.version) == ("Not sure", 2)
    changed = save_answer(
        world.member_a, response, question, explained.text, version=2, choice=SAME_MODEL_CHOICES[1]
    )
    assert (changed.choice, changed.version) == (SAME_MODEL_CHOICES[1], 3)
    cleared = save_answer(world.member_a, response, question, explained.text, version=3, choice="")
    assert (cleared.choice, cleared.version) == ("", 4)
    summaries = AuditEvent.objects.filter(action="response.answer_save").values_list(
        "summary", flat=True
    )
    assert any('question 1: "Not sure"' in summary for summary in summaries)


def test_a_choice_that_is_not_offered_is_refused_and_nothing_is_saved(setup):
    world, _, response, sheet = setup
    with pytest.raises(ValidationError) as caught:
        save_answer(world.member_a, response, sheet.questions[0], "Typed", choice="Maybe")
    message = caught.value.message_dict["choice"][0]
    assert "Choose one of the answers to question 1" in message
    assert "Not sure" in message
    with pytest.raises(ValidationError, match="no fixed answers"):
        save_answer(world.member_a, response, sheet.questions[1], "Typed", choice="Yes")
    assert not Answer.objects.exists()


def test_a_stale_choice_is_a_conflict_showing_both_choices_and_both_texts(setup):
    world, _, response, sheet = setup
    question = sheet.questions[0]
    save_answer(
        world.member_a, response, question, "One model is simpler.", choice=SAME_MODEL_CHOICES[0]
    )
    with pytest.raises(EditConflict) as caught:
        save_answer(world.lead_a, response, question, "", choice="Not sure")
    fields = {f.label: (f.theirs, f.yours) for f in caught.value.fields}
    assert fields == {
        "Chosen answer": (SAME_MODEL_CHOICES[0], "Not sure"),
        "Answer": ("One model is simpler.", ""),
    }
    answer = Answer.objects.get()
    assert (answer.choice, answer.version) == (SAME_MODEL_CHOICES[0], 1)


def test_a_required_question_with_fixed_answers_needs_a_choice_not_text(setup):
    world, _, response, sheet = setup
    first, second = sheet.questions[0], sheet.questions[1]

    def missing_labels():
        return [item.label for item in response_missing_items(response=response)]

    save_answer(world.member_a, response, first, "Words but no choice.")
    assert "Choose an answer to question 1" in missing_labels()
    save_answer(world.member_a, response, first, "", version=1, choice="Not sure")
    save_answer(world.member_a, response, second, "")
    labels = missing_labels()
    assert not any("question 1" in label for label in labels)
    assert "Answer question 2" in labels  # a plain question still needs its text


def test_history_shows_a_changed_choice(setup):
    world, _, response, sheet = setup
    question = sheet.questions[0]
    save_answer(world.member_a, response, question, "", choice="Not sure")
    save_answer(world.lead_a, response, question, "", version=1, choice=SAME_MODEL_CHOICES[0])
    changes = [c for c in response_history(response=response) if c.what.endswith("Chosen answer")]
    assert [(c.who, c.old, c.new) for c in changes] == [
        (world.lead_a, "Not sure", SAME_MODEL_CHOICES[0]),
        (world.member_a, "", "Not sure"),
    ]
    assert changes[0].what == "Question 1: Chosen answer"


# Deadlines and extensions -------------------------------------------------------------------------


def test_an_extension_lets_one_place_keep_editing_after_the_round_closes(setup):
    world, consultation, response_a, sheet = setup
    response_b = make_response(round=consultation, place=world.place_b)
    close_round(consultation)
    extended_to = timezone.now() + timedelta(days=3)
    DeadlineExtensionFactory(round=consultation, place=world.place_a, closes_at=extended_to)
    assert response_deadline(round=consultation, place=world.place_a) == extended_to
    assert response_deadline(round=consultation, place=world.place_b) == (consultation.closes_at)
    response_a.refresh_from_db()
    assert response_edit_refusal(response_a) is None
    saved = save_answer(world.member_a, response_a, sheet.questions[1], "Still in time.")
    assert saved.version == 1
    with pytest.raises(ValidationError, match="This round closed at"):
        save_answer(world.member_b, response_b, sheet.questions[1], "Too late.")
    # The extended place's lead can submit and withdraw until the extended deadline.
    complete = complete_response(response=response_a, actor=world.member_a)
    submitted = response_submit(actor=world.lead_a, response=complete)
    assert response_withdraw(actor=world.lead_a, response=submitted).status == (
        ResponseStatus.WITHDRAWN
    )


def test_an_extension_that_has_passed_refuses_with_the_extended_deadline(setup):
    world, consultation, response, _sheet = setup
    close_round(consultation, minutes_ago=60)
    extended_to = timezone.now() - timedelta(minutes=5)
    DeadlineExtensionFactory(
        round=consultation, place=world.place_a, closes_at=extended_to, reason="Late board"
    )
    response.refresh_from_db()
    refusal = response_edit_refusal(response)
    assert refusal and uk_datetime(extended_to) in refusal
    assert "extended deadline" in refusal


def test_an_extension_earlier_than_the_round_does_not_shorten_it(setup):
    world, consultation, _, _ = setup
    DeadlineExtensionFactory(
        round=consultation,
        place=world.place_a,
        closes_at=consultation.closes_at - timedelta(days=2),
        reason="Granted before the round was extended",
    )
    assert response_deadline(round=consultation, place=world.place_a) == (consultation.closes_at)


# Invitations ---------------------------------------------------------------------------------------


def test_a_place_not_invited_cannot_start_or_save_a_response(world):
    consultation = make_round(system=world.system, invited_places=[world.place_a])
    with pytest.raises(ValidationError, match="not invited"):
        make_response(round=consultation, place=world.place_b)
    # A place whose invitation is withdrawn keeps its draft but can no longer change it.
    response = make_response(round=consultation, place=world.place_a)
    question = consultation.questions.first()
    consultation.invited_places.set([world.place_b])
    with pytest.raises(ValidationError, match="not invited"):
        save_answer(world.member_a, response, question, "Words")
    assert not Answer.objects.exists()


def test_rounds_for_place_lists_only_invited_rounds_with_the_places_deadline(
    world, django_assert_num_queries
):
    invited = make_round(system=world.system, title="Invited", invited_places=[world.place_a])
    framework = invited.framework
    make_round(
        system=world.system,
        framework=framework,
        title="Not invited",
        invited_places=[world.place_b],
    )
    extended = make_round(system=world.system, framework=framework, title="Extended")
    DeadlineExtensionFactory(
        round=extended,
        place=world.place_a,
        closes_at=extended.closes_at + timedelta(days=2),
    )
    DeadlineExtensionFactory(
        round=extended,
        place=world.place_b,
        closes_at=extended.closes_at + timedelta(days=9),
    )
    make_response(round=invited, place=world.place_a)
    with django_assert_num_queries(1):
        rounds = {r.title: r for r in selectors.rounds_for_place(place=world.place_a)}
    assert set(rounds) == {"Invited", "Extended"}
    assert rounds["Invited"].response_status == ResponseStatus.DRAFT
    assert rounds["Invited"].place_deadline == invited.closes_at
    assert rounds["Extended"].place_deadline == extended.closes_at + timedelta(days=2)
    assert rounds["Extended"].response_status is None


def test_a_new_place_is_not_invited_to_a_round_made_before_it(world):
    consultation = make_round(
        system=world.system,
        milestones=[{"title": "Board decision", "due_on": date.today() + timedelta(days=40)}],
    )
    newcomer = PlaceFactory(system=world.system)
    assert not is_invited(round=consultation, place=newcomer)
    assert is_invited(round=consultation, place=world.place_a)
