"""The rules of a place's response: autosave versions, conflicts that keep both texts, the
combination rules, limits, completeness, submission and withdrawal, and the history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from governance import services
from governance.models import Answer, PlaceRating, ResponseStatus
from partners.models import AuditEvent, Role
from tests.factories import complete_response, make_member, make_response, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    consultation = make_round(system=world.system)
    response = make_response(round=consultation, place=world.place_a)
    sheet = services.response_sheet(round=consultation, response=response)
    return world, consultation, response, sheet


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
    first = services.answer_save(
        actor=world.member_a, response=response, question=question, text="A", expected_version=0
    )
    assert first.version == 1 and first.updated_by == world.member_a
    second = services.answer_save(
        actor=world.member_a, response=response, question=question, text="AB", expected_version=1
    )
    assert second.version == 2
    # Saving the same words again (a repeated autosave) changes nothing.
    again = services.answer_save(
        actor=world.member_a, response=response, question=question, text="AB", expected_version=2
    )
    assert again.version == 2
    assert AuditEvent.objects.filter(action="response.answer_save").count() == 2


def test_two_sessions_editing_one_answer_keep_both_texts_and_overwrite_nothing(setup):
    world, _, response, sheet = setup
    question = sheet.questions[0]
    # Both open the answer at version 0; member A saves first.
    services.answer_save(
        actor=world.member_a,
        response=response,
        question=question,
        text="Theirs: one model for all places.",
        expected_version=0,
    )
    with pytest.raises(services.EditConflict) as caught:
        services.answer_save(
            actor=world.lead_a,
            response=response,
            question=question,
            text="Mine: each place should choose.",
            expected_version=0,
        )
    conflict = caught.value
    assert isinstance(conflict, ValidationError)
    assert conflict.fields[0].theirs == "Theirs: one model for all places."
    assert conflict.fields[0].yours == "Mine: each place should choose."
    assert conflict.version == 1 and conflict.by == world.member_a
    assert world.member_a.full_name in conflict.messages[0]
    answer = Answer.objects.get(response=response, question=question)
    assert answer.text == "Theirs: one model for all places." and answer.version == 1
    # "Keep mine": save again against the version that was shown.
    kept = services.answer_save(
        actor=world.lead_a,
        response=response,
        question=question,
        text="Mine: each place should choose.",
        expected_version=conflict.version,
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
    services.rating_save(
        actor=world.member_a,
        response=response,
        option=option,
        principle=principle,
        expected_version=0,
        **values,
    )
    with pytest.raises(services.EditConflict) as caught:
        services.rating_save(
            actor=world.lead_a,
            response=response,
            option=option,
            principle=principle,
            expected_version=0,
            **{**values, "band": "low", "reasons": "Weak."},
        )
    labels = {f.label: (f.theirs, f.yours) for f in caught.value.fields}
    assert labels == {"Rating": ("HIGH", "LOW"), "Reasons": ("Strong partnership.", "Weak.")}
    assert PlaceRating.objects.get(response=response).band == "high"


def test_an_invalid_option_set_is_refused_with_the_rule_and_the_rest_is_kept(setup):
    world, _, response, sheet = setup
    services.answer_save(
        actor=world.member_a,
        response=response,
        question=sheet.questions[0],
        text="Kept.",
        expected_version=0,
    )
    saved = services.proposal_save(
        actor=world.member_a,
        response=response,
        option_numbers=[1, 4],
        case="Our case.",
        expected_version=response.version,
    )
    with pytest.raises(ValidationError) as caught:
        services.proposal_save(
            actor=world.member_a,
            response=saved,
            option_numbers=[1, 5],
            case="A changed case.",
            expected_version=saved.version,
        )
    assert "stands alone" in " ".join(caught.value.message_dict["options"])
    response.refresh_from_db()
    assert response.proposed_option_set == "1+4"
    assert response.proposal_case == "Our case."
    assert Answer.objects.get(response=response).text == "Kept."


def test_over_long_text_is_refused_with_a_message(setup):
    world, _, response, sheet = setup
    question = sheet.questions[0]
    with pytest.raises(ValidationError) as caught:
        services.answer_save(
            actor=world.member_a,
            response=response,
            question=question,
            text="x" * (question.max_length + 1),
            expected_version=0,
        )
    assert "5,000 characters or fewer" in caught.value.message_dict["text"][0]
    assert not Answer.objects.exists()
    with pytest.raises(ValidationError):
        services.rating_save(
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
    answer = services.answer_save(
        actor=world.member_a,
        response=response,
        question=sheet.questions[0],
        text=text,
        expected_version=0,
    )
    answer.refresh_from_db()
    assert answer.text == text


def test_submit_lists_every_missing_item_with_its_anchor(setup):
    world, _, response, sheet = setup
    with pytest.raises(services.IncompleteResponse) as caught:
        services.response_submit(actor=world.lead_a, response=response)
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
    assert services.response_missing_items(response=response) == []
    submitted = services.response_submit(actor=world.lead_a, response=response)
    assert submitted.status == ResponseStatus.SUBMITTED
    assert submitted.submitted_by == world.lead_a
    # Submitted: locked.
    with pytest.raises(ValidationError, match="withdraw it"):
        services.proposal_save(
            actor=world.member_a,
            response=submitted,
            option_numbers=[2],
            case="Changed",
            expected_version=submitted.version,
        )
    withdrawn = services.response_withdraw(actor=world.lead_a, response=submitted)
    assert withdrawn.status == ResponseStatus.WITHDRAWN
    changed = services.proposal_save(
        actor=world.member_a,
        response=withdrawn,
        option_numbers=[2, 3],
        case="Changed",
        expected_version=withdrawn.version,
    )
    again = services.response_submit(actor=world.lead_a, response=changed)
    assert again.status == ResponseStatus.SUBMITTED
    assert again.proposed_option_set == "2+3"


def test_a_member_may_not_submit_or_withdraw(setup):
    world, _, response, _ = setup
    response = complete_response(response=response, actor=world.member_a)
    with pytest.raises(ValidationError, match="Only a place lead"):
        services.response_submit(actor=world.member_a, response=response)
    # A lead of another place is not a lead of this one.
    other_lead = make_member(place=world.place_b, role=Role.PLACE_LEAD)
    with pytest.raises(ValidationError, match="Only a place lead"):
        services.response_submit(actor=other_lead, response=response)
    submitted = services.response_submit(actor=world.lead_a, response=response)
    with pytest.raises(ValidationError, match="Only a place lead"):
        services.response_withdraw(actor=world.member_a, response=submitted)


def test_after_the_deadline_edits_and_submission_are_refused_showing_it(setup):
    world, consultation, response, sheet = setup
    response = complete_response(response=response, actor=world.member_a)
    consultation.opens_at = timezone.now() - timedelta(days=20)
    consultation.closes_at = timezone.now() - timedelta(minutes=1)
    consultation.save()
    response.refresh_from_db()
    deadline = services.uk_datetime(consultation.closes_at)
    assert "(UK time)" in deadline
    with pytest.raises(ValidationError) as caught:
        services.response_submit(actor=world.lead_a, response=response)
    assert deadline in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        services.answer_save(
            actor=world.member_a,
            response=response,
            question=sheet.questions[0],
            text="Late",
            expected_version=1,
        )
    assert deadline in caught.value.messages[0]


def test_withdrawal_after_the_deadline_is_refused(setup):
    world, consultation, response, _ = setup
    response = complete_response(response=response, actor=world.member_a)
    submitted = services.response_submit(actor=world.lead_a, response=response)
    consultation.opens_at = timezone.now() - timedelta(days=20)
    consultation.closes_at = timezone.now() - timedelta(minutes=1)
    consultation.save()
    with pytest.raises(ValidationError, match="closed"):
        services.response_withdraw(actor=world.lead_a, response=submitted)


def test_history_records_who_changed_what_with_a_readable_diff(setup):
    world, _, response, sheet = setup
    question = sheet.questions[0]
    services.answer_save(
        actor=world.member_a,
        response=response,
        question=question,
        text="We prefer option one.",
        expected_version=0,
    )
    services.answer_save(
        actor=world.lead_a,
        response=response,
        question=question,
        text="We prefer options one and four.",
        expected_version=1,
    )
    services.proposal_save(
        actor=world.member_a,
        response=response,
        option_numbers=[1, 4],
        case="Case.",
        expected_version=response.version,
    )
    changes = services.response_history(response=response)
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
        services.answer_save(
            actor=world.member_a,
            response=response,
            question=question,
            text=text,
            expected_version=version,
        )
    changes = [c for c in services.response_history(response=response) if "Question" in c.what]
    assert len(changes) == 1
    assert changes[0].old == "" and changes[0].new == "We agree"


def test_a_first_save_with_a_stale_version_is_saved_not_crashed(setup):
    """A form that claims a version for an answer nobody has saved yet loses no one's words,
    so the save goes through."""
    _world, consultation, response, _sheet = setup
    question = consultation.questions.first()
    answer = services.answer_save(
        actor=None, response=response, question=question, text="First words", expected_version=7
    )
    assert (answer.version, answer.text) == (1, "First words")
