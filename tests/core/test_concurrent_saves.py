"""Two people saving the same part of a place's response at the same moment, from the same
version. The response row is locked for the check and the save (SELECT … FOR UPDATE), so the
second save waits, then sees the first one's version and is refused as a conflict: exactly one
save lands and nothing is overwritten.

Each save is held just after it has read the stored version and just before it writes, until
the other save reaches the same point or a short wait passes. With the lock only one save can
ever be there, so the wait passes and that save commits first. Without the lock both would
meet there having read the same version, and both would write; these tests would fail.
PostgreSQL is where the lock matters; on SQLite every write transaction queues anyway."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from governance.consultation import response_saves
from governance.consultation.models import Answer, PlaceRating, PlaceResponse
from governance.consultation.response_saves import EditConflict
from governance.consultation.responses import response_sheet
from tests.conftest import World
from tests.factories import make_response, make_round, save_answer, save_proposal

# How long a save waits at the point between its check and its write for the other save.
MEETING_SECONDS = 1.5
THREAD_SECONDS = 60


def save_both_at_once(monkeypatch: pytest.MonkeyPatch, save_by: Callable[[int], Any]) -> list[Any]:
    """Person 0's and person 1's saves (`save_by(person)`), each in a thread of its own, both
    at once, each holding between its version check and its write as described above. What
    each save returned or raised, by person."""
    people = 2
    meeting = threading.Barrier(people, timeout=MEETING_SECONDS)
    write = response_saves._save_next_version

    def meet_then_write(part: Any, actor: Any) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):  # nobody else got here
            meeting.wait()
        write(part, actor)

    monkeypatch.setattr(response_saves, "_save_next_version", meet_then_write)
    outcomes: list[Any] = [RuntimeError("the save never finished")] * people

    def run(person: int) -> None:
        try:
            outcomes[person] = save_by(person)
        except BaseException as error:  # reported by the caller, with the other outcome
            outcomes[person] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_SECONDS)
    return outcomes


def one_saved_one_refused(outcomes: list[Any]) -> tuple[int, EditConflict]:
    """The index of the save that landed and the other save's conflict."""
    saved = [n for n, outcome in enumerate(outcomes) if not isinstance(outcome, BaseException)]
    conflicts = [outcome for outcome in outcomes if isinstance(outcome, EditConflict)]
    assert len(saved) == 1 and len(conflicts) == 1, (
        f"expected one save and one conflict; two saves mean one overwrote the other: {outcomes}"
    )
    return saved[0], conflicts[0]


@pytest.fixture
def response(transactional_db: None, world: World) -> PlaceResponse:
    consultation = make_round(system=world.system)
    return make_response(round=consultation, place=world.place_a)


def test_two_saves_of_one_answer_at_once_save_one_and_refuse_the_other(
    monkeypatch: pytest.MonkeyPatch, world: World, response: PlaceResponse
) -> None:
    """An answer's text is lost without a trace if two autosaves of it both land."""
    question = next(q for q in response.round.questions.all() if not q.choices)
    opened = save_answer(world.member_a, response, question, "The draft both people opened.")
    people = [world.member_a, world.lead_a]
    texts = ["The member's answer.", "The lead's answer."]

    def save_by(person: int) -> Answer:
        return response_saves.answer_save(
            actor=people[person],
            response=response,
            question=question,
            text=texts[person],
            expected_version=opened.version,
        )

    outcomes = save_both_at_once(monkeypatch, save_by)

    winner, conflict = one_saved_one_refused(outcomes)
    loser = 1 - winner
    assert [(f.theirs, f.yours) for f in conflict.fields] == [(texts[winner], texts[loser])]
    assert conflict.by == people[winner]
    stored = Answer.objects.get(response=response, question=question)
    assert stored.text == texts[winner]
    assert stored.version == opened.version + 1


def test_two_saves_of_one_proposal_at_once_save_one_and_refuse_the_other(
    monkeypatch: pytest.MonkeyPatch, world: World, response: PlaceResponse
) -> None:
    """The proposal lives on the response row itself: the row the lock is taken on."""
    opened = save_proposal(world.lead_a, response, [5], "The draft both people opened.")
    people = [world.member_a, world.lead_a]
    proposals = [([1, 4], "The member's case."), ([2, 3], "The lead's case.")]

    def save_by(person: int) -> PlaceResponse:
        return response_saves.proposal_save(
            actor=people[person],
            response=opened,
            option_numbers=proposals[person][0],
            case=proposals[person][1],
            expected_version=opened.version,
        )

    outcomes = save_both_at_once(monkeypatch, save_by)

    winner, conflict = one_saved_one_refused(outcomes)
    loser = 1 - winner
    case = next(f for f in conflict.fields if f.label == "The case for it")
    assert (case.theirs, case.yours) == (proposals[winner][1], proposals[loser][1])
    stored = PlaceResponse.objects.get(pk=response.pk)
    assert stored.proposed_option_set == "+".join(map(str, proposals[winner][0]))
    assert stored.proposal_case == proposals[winner][1]
    assert stored.version == opened.version + 1


def test_two_saves_of_one_rating_at_once_save_one_and_refuse_the_other(
    monkeypatch: pytest.MonkeyPatch, world: World, response: PlaceResponse
) -> None:
    """A rating cell is a row of its own, guarded by the lock on its response."""
    sheet = response_sheet(round=response.round, response=response)
    option, principle = sheet.options[0], sheet.principles[0]

    def rate(actor: Any, reasons: str, version: int) -> PlaceRating:
        return response_saves.rating_save(
            actor=actor,
            response=response,
            option=option,
            principle=principle,
            band="medium",
            qualifier="",
            reasons=reasons,
            agreement="agree",
            missing_from_analysis="",
            expected_version=version,
        )

    opened = rate(world.member_a, "The reasons both people opened.", 0)
    people = [world.member_a, world.lead_a]
    reasons = ["The member's reasons.", "The lead's reasons."]

    def save_by(person: int) -> PlaceRating:
        return rate(people[person], reasons[person], opened.version)

    outcomes = save_both_at_once(monkeypatch, save_by)

    winner, conflict = one_saved_one_refused(outcomes)
    loser = 1 - winner
    assert [(f.theirs, f.yours) for f in conflict.fields] == [(reasons[winner], reasons[loser])]
    stored = PlaceRating.objects.get(response=response, option=option, principle=principle)
    assert stored.reasons == reasons[winner]
    assert stored.version == opened.version + 1
