"""Compiling anonymised feedback: what the advisory group can read, and that nothing that
identifies a place gets through, in the summary or in any of its files."""

from __future__ import annotations

import html as html_lib
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from governance.consultation import feedback, feedback_content, feedback_review, summary_release
from governance.consultation.models import (
    Answer,
    ConsultationRound,
    FeedbackSummary,
    JobState,
    PlaceRating,
    PlaceResponse,
    RedactionKind,
    ResponseStatus,
    SummaryExport,
    SummaryPart,
)
from governance.consultation.text_folding import fold_letters
from partners.models import AuditEvent, Neighbourhood, Place, Role, Sector, Site
from tests.conftest import World
from tests.factories import (
    CommitteeFactory,
    OrganisationAliasFactory,
    OrganisationFactory,
    PlaceFactory,
    UserFactory,
    make_member,
    make_round,
)
from tests.governance.consultation.disguises import PERSON_DISGUISES, PLACE_DISGUISES

pytestmark = pytest.mark.django_db


# How the canary's first three places rate option 1 in the context of 1+4.
IN_CONTEXT_BANDS = ["medium", "medium", "high"]

# Names written the way people disguise them, or just write them (disguises.py), with a
# demonym, an initial, in capitals, and a neighbourhood split by an invisible character. Each
# must be scrubbed.
DISGUISED_FORMS = [
    *PLACE_DISGUISES,
    "Ashworthian",
    *PERSON_DISGUISES,
    "D. Usman",
    "DR. BRENNAN",
    "Kett\u200blewell Green",
]


class Canary:
    """A system whose places wrote what real places write: names of places, partner
    organisations (and their nicknames), people, and their contact details."""

    def __init__(self, world: World) -> None:
        self.world = world
        system = world.system
        self.places = [
            world.place_a,
            world.place_b,
            PlaceFactory(system=system, name="Coldharbour"),
            PlaceFactory(system=system, name="Denholme Vale"),
        ]
        self.organisations = [
            OrganisationFactory(
                system=system, name="Ashford Borough Council", sector=Sector.UPPER_TIER_COUNCIL
            ),
            OrganisationFactory(system=system, name="Brookfield Hospitals NHS Trust"),
            OrganisationFactory(
                system=system, name="Healthwatch Coldharbour", sector=Sector.HEALTHWATCH
            ),
        ]
        self.aliases = [
            OrganisationAliasFactory(
                organisation=self.organisations[1], system=system, alias="BHT"
            ),
        ]
        self.people = [
            make_member(place=self.places[2], role=Role.PLACE_LEAD).full_name,
            make_member(place=self.places[3]).full_name,
        ]
        # Places that did not respond, people, a neighbourhood, a site and a committee, all
        # named in the answers in disguised forms (DISGUISED_FORMS).
        self.other_places = [
            PlaceFactory(system=system, name=name)
            for name in ["Ashworth", "Brackenfield", "Dunmore Coast"]
        ]
        self.other_people = [
            make_member(place=self.places[index], user=UserFactory(full_name=name)).full_name
            for index, name in enumerate(["Nadia Brennan", "Eleanor Frost", "Dawud Usman"])
        ]
        self.neighbourhood = Neighbourhood.objects.create(
            place=self.places[2], name="Kettlewell Green"
        )
        self.site = Site.objects.create(
            organisation=self.organisations[1], name="Harbourside Clinic"
        )
        self.committee = CommitteeFactory(place=self.places[3], name="Marrowby Partnership Board")
        self.round = make_round(system=system)
        self.identifying = (
            [p.name for p in self.places + self.other_places]
            + [o.name for o in self.organisations]
            + [a.alias for a in self.aliases]
            + self.people
            + self.other_people
            + ["Brennan", "Frost", "Usman"]  # written only in forms that are scrubbed
            + [self.neighbourhood.name, self.site.name, self.committee.name]
            + DISGUISED_FORMS
            + [
                "jo.bloggs@ashford.gov.uk",
                "01632 960 123",
                "LS1 4AP",
                "https://brookfield.nhs.uk/plan",
            ]
        )

    def text(self, index: int) -> str:
        place = self.places[index].name
        other = self.places[(index + 1) % len(self.places)].name
        return (
            f"In {place} we work with {self.organisations[0].name}, "
            f"{self.organisations[1].name} ({self.aliases[0].alias}) and "
            f"{self.organisations[2].name}. {self.people[0]} and {self.people[1]} lead it, "
            f"unlike {other}. Contact jo.bloggs@ashford.gov.uk or 01632 960 123, "
            "LS1 4AP; see https://brookfield.nhs.uk/plan. "
            f"They also name {', '.join(DISGUISED_FORMS)}, the {self.site.name} and the "
            f"{self.committee.name}."
        )

    def submit_all(self, count: int | None = None) -> list[PlaceResponse]:
        responses = []
        framework = self.round.framework
        for index, place in enumerate(self.places[: count or len(self.places)]):
            response = PlaceResponse.objects.create(
                round=self.round,
                place=place,
                status=ResponseStatus.SUBMITTED,
                submitted_at=timezone.now(),
                proposed_option_set=["2", "1+4", "3", "5"][index],
                proposal_case=self.text(index),
            )
            for question in self.round.questions.all():
                Answer.objects.create(
                    response=response,
                    question=question,
                    choice=question.choices[index % len(question.choices)]
                    if question.choices
                    else "",
                    text=self.text(index),
                )
            for option in framework.options.all():
                for principle in framework.principles.all():
                    PlaceRating.objects.create(
                        response=response,
                        option=option,
                        option_set=str(option.number),
                        principle=principle,
                        band=["low", "medium", "high", "medium"][index % 4],
                        agreement="partly",
                        reasons=self.text(index),
                        missing_from_analysis=f"Nothing about {place.name}.",
                    )
            # Three places also rate option 1 in the context of 1+4, as they may.
            if index < 3:
                for principle in framework.principles.all():
                    PlaceRating.objects.create(
                        response=response,
                        option=framework.options.get(number=1),
                        option_set="1+4",
                        principle=principle,
                        band=IN_CONTEXT_BANDS[index],
                        agreement="agree",
                        reasons=f"With the director: {self.text(index)}",
                        missing_from_analysis=f"Nothing about {place.name} either.",
                    )
            responses.append(response)
        return responses

    def close(self) -> None:
        ConsultationRound.objects.filter(pk=self.round.pk).update(
            closes_at=timezone.now() - timedelta(minutes=1)
        )
        self.round.refresh_from_db()


@pytest.fixture
def canary(world: World) -> Canary:
    return Canary(world)


def compiled(canary: Canary, actor: Any = None) -> FeedbackSummary:
    """Request a compilation; the job (eager in tests) runs when the request commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        summary = feedback.summary_request_compile(actor=actor, round=canary.round)
    summary.refresh_from_db()
    return summary


def assert_no_leak(text: str, canary: Canary) -> None:
    """No identifying name or form in `text`, read the hostile way: invisible characters
    removed and look-alike letters read as letters (a name hidden by a zero-width space
    still leaks), and, for long names, with spaces, hyphens and punctuation removed too."""
    folded = " ".join(fold_letters(text).split())
    letters_only = re.sub(r"[^0-9a-z]", "", folded)
    for name in canary.identifying:
        wanted = " ".join(fold_letters(name).split())
        assert wanted not in folded, f"{name!r} leaked"
        joined = re.sub(r"[^0-9a-z]", "", wanted)
        if len(joined) >= 7:
            assert joined not in letters_only, f"{name!r} leaked"


# Compiling ----------------------------------------------------------------------------------


def test_a_round_cannot_be_compiled_while_it_is_open(canary: Canary) -> None:
    canary.submit_all()
    with pytest.raises(ValidationError, match="still open"):
        feedback.summary_request_compile(actor=canary.world.icb_admin, round=canary.round)
    assert not FeedbackSummary.objects.exists()


def test_a_round_with_no_submitted_response_has_nothing_to_compile(canary: Canary) -> None:
    canary.close()
    with pytest.raises(ValidationError, match="nothing to compile"):
        feedback.summary_request_compile(actor=canary.world.icb_admin, round=canary.round)


def test_compiling_produces_the_summary_and_all_four_files_in_one_go(canary: Canary) -> None:
    canary.submit_all()
    canary.close()
    summary = compiled(canary, canary.world.icb_admin)
    assert summary.state == JobState.COMPLETE
    assert summary.progress == 100
    assert summary.response_count == 4
    content = summary.content
    assert content["labels"] == ["Place A", "Place B", "Place C", "Place D"]
    assert content["response_count"] == 4 and content["releasable"] is True
    # One file per part and format: each part is released to its own audiences.
    assert sorted(summary.exports.values_list("part", "format")) == [
        (part, fmt) for part in ("detailed", "high_level") for fmt in ("csv", "docx", "pdf", "xlsx")
    ]
    assert AuditEvent.objects.filter(action="summary.compiled").count() == 1


def test_the_same_model_question_is_counted_and_small_counts_are_suppressed(canary: Canary) -> None:
    canary.submit_all()
    canary.close()
    content = compiled(canary).content
    same_model = content["choice_questions"][0]
    # 4 places over 3 choices: 2, 1, 1; the threshold is 3, so no count is shown: the table
    # is withheld as one sentence.
    assert [c["count"] for c in same_model["counts"]] == ["not shown"] * 3
    assert same_model["withheld"].startswith("No answer was given by 3 or more places")
    sets = {row["key"]: row["count"] for row in content["option_sets"]}
    assert sets["2"] == sets["1+4"] == sets["4"] == "not shown"
    assert content["option_sets_withheld"]


def test_ratings_are_summarised_beside_the_suggested_rating(canary: Canary) -> None:
    canary.submit_all()
    canary.close()
    # No suppression here (governance.consultation.suppression has its own tests).
    ConsultationRound.objects.filter(pk=canary.round.pk).update(suppression_threshold=1)
    content = compiled(canary).content
    cell = content["heatmap"][0]["cells"][0]
    assert cell["rated"] == 4
    distribution = {d["band"]: d["count"] for d in cell["distribution"]}
    assert distribution == {"low": 1, "low_medium": 0, "medium": 2, "high": 1, "medium_high": 0}
    assert cell["modal_label"] == "MEDIUM"
    assert cell["verdict"] in {"agree", "diverge", "mixed"} and cell["verdict_text"]


def test_ratings_in_context_are_compared_with_the_suggested_ones(canary: Canary) -> None:
    """Each cell of an option in a combination sets the places' bands beside the framework's
    suggestion for that option there, with the same suppression of small counts."""
    canary.submit_all()
    canary.close()
    content = compiled(canary).content
    rows = {row["label"]: row for row in content["heatmap_in_context"]}
    assert list(rows) == ["Option 1 with option 4", "Option 4 with option 1"]
    option_1 = rows["Option 1 with option 4"]
    assert option_1["option"] == 1 and option_1["option_set"] == "1+4"
    for cell in option_1["cells"]:
        assert (cell["suggested"], cell["suggested_label"]) == ("medium", "MEDIUM")
        assert cell["rated"] == 3
        distribution = {d["band"]: d["count"] for d in cell["distribution"]}
        # 2 MEDIUM and 1 HIGH: below the round's threshold of 3, so no count is shown, nor
        # the most common band or the verdict, which would bound them.
        assert set(distribution.values()) == {"not shown"} and cell["withheld"]
        assert cell["modal_label"] == "" and cell["modal_hidden"]
        assert cell["verdict"] == "withheld"
    # Nobody rated option 4 with option 1: its suggestion is shown, and that no place rated it.
    for cell in rows["Option 4 with option 1"]["cells"]:
        assert cell["suggested_label"] == "LOW/MEDIUM" and cell["rated"] == 0
        assert cell["verdict"] == "none"
    # The detailed review has option 1's comments in that context, anonymised.
    option = content["detailed"]["options"][0]
    assert [c["label"] for c in option["contexts"]] == ["Option 1 with option 4"]
    comments = option["contexts"][0]["principles"][0]["comments"]
    assert len(comments) == 3 and all(
        c["reasons"].startswith("With the director: In [place]") for c in comments
    )
    # Each place's band follows its hidden count.
    assert {c["band_label"] for c in comments} == {"A rating given by fewer than 3 places"}
    assert content["detailed"]["options"][3]["contexts"] == []  # option 4: nobody rated it
    html = render_to_string("governance/feedback/_summary_body.html", {"content": content})
    assert "Ratings in the context of a combination" in html
    assert "Suggested rating of option 1 with option 4: MEDIUM" in html


def test_labels_are_shuffled_for_every_compilation_and_follow_no_place_attribute(
    canary: Canary,
) -> None:
    canary.submit_all()
    canary.close()
    # Each place's option set tells the order; suppressed, every one would read alike.
    ConsultationRound.objects.filter(pk=canary.round.pk).update(suppression_threshold=1)
    canary.round.refresh_from_db()
    orders = set()
    for _ in range(12):
        content, *_ = feedback_content.build_content(round=canary.round)
        # Which place got "Place A"? Its proposal case names it first.
        first_case = content["detailed"]["proposals"][0]["case"]
        orders.add(tuple(p["option_set"] for p in content["detailed"]["proposals"]))
        assert first_case.startswith("In [place]")
    # With 4 places there are 24 orders; 12 compilations giving one order is (1/24)^11.
    assert len(orders) > 1


def test_the_labels_come_from_a_seed_alone(canary: Canary) -> None:
    canary.submit_all()
    canary.close()
    first, *_ = feedback_content.build_content(round=canary.round, label_seed="fixed")
    second, *_ = feedback_content.build_content(round=canary.round, label_seed="fixed")
    assert first["detailed"] == second["detailed"]
    # Renaming a place (so sorting by name changes) does not move its label.
    Place.objects.filter(pk=canary.places[0].pk).update(name="Zzyzx")
    third, *_ = feedback_content.build_content(round=canary.round, label_seed="fixed")
    assert [p["option_set"] for p in third["detailed"]["proposals"]] == [
        p["option_set"] for p in first["detailed"]["proposals"]
    ]


def test_withdrawn_and_draft_responses_are_left_out(canary: Canary) -> None:
    responses = canary.submit_all()
    PlaceResponse.objects.filter(pk=responses[0].pk).update(status=ResponseStatus.WITHDRAWN)
    PlaceResponse.objects.filter(pk=responses[1].pk).update(status=ResponseStatus.DRAFT)
    canary.close()
    summary = compiled(canary)
    assert summary.response_count == 2
    assert summary.content["labels"] == ["Place A", "Place B"]


# The leak canary ----------------------------------------------------------------------------


def test_no_name_or_contact_detail_reaches_the_summary_or_any_file(
    canary: Canary, client: Any
) -> None:
    canary.submit_all()
    canary.close()
    summary = compiled(canary)
    content = summary.content
    counts = content["redactions"]["counts"]
    for kind in ("place", "organisation", "person", "email", "phone", "postcode", "url"):
        assert counts[kind] > 0, kind
    assert "They also name [place], [place], [place], [place], [place], [place]" in str(content)
    assert_no_leak(str(content), canary)

    html = render_to_string("governance/feedback/_summary_body.html", {"content": content})
    assert "[organisation]" in html and "[person]" in html and "[email]" in html
    assert_no_leak(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)), canary)

    # The released summary (both parts) as the advisory group reads it.
    for part in SummaryPart:
        summary_release.summary_release(actor=canary.world.icb_admin, summary=summary, part=part)
    client.force_login(canary.world.advisory)
    page = client.get(reverse("feedback:summary", args=[canary.world.system.slug, canary.round.pk]))
    assert page.status_code == 200
    # The page's main content: the header names the reader, who may share a surname with a
    # person the places wrote about.
    main = page.content.decode().split('id="maincontent"', 1)[1].split("</main>", 1)[0]
    page_text = html_lib.unescape(re.sub(r"<[^>]+>", " ", main))
    assert "[person]" in page_text
    assert_no_leak(page_text, canary)

    # The high-level files hold none of the places' own text.
    for export in SummaryExport.objects.filter(summary=summary, part="high_level"):
        assert "we work with" not in _export_text(export.format, bytes(export.data))

    # Every file of the summary, whatever part of it the file holds.
    exports = list(SummaryExport.objects.filter(summary=summary))
    scrubbed_in = set()
    for export in exports:
        text = _export_text(export.format, bytes(export.data))
        assert_no_leak(text, canary)
        if "[organisation]" in text and "[person]" in text:
            scrubbed_in.add(export.format)
    assert scrubbed_in == {"pdf", "docx", "csv", "xlsx"}


def test_the_leak_check_finds_a_name_however_it_is_hidden(canary: Canary) -> None:
    for hidden in [
        "Nadia\u200b Brennan",
        "Ash\u200bworth",
        "Ａｓｈｗｏｒｔｈ",
        "\u0410SHWORTH",
        "Dunmore\u00ad Coast",
        "Kettle-well Green",
        "brackenfie1d",
    ]:
        with pytest.raises(AssertionError, match="leaked"):
            assert_no_leak(f"The text names {hidden} here.", canary)
    assert_no_leak("The text names [place] and [person] here.", canary)


def _export_text(fmt: str, data: bytes) -> str:
    from docx import Document
    from openpyxl import load_workbook
    from pypdf import PdfReader

    if fmt == "pdf":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    if fmt == "docx":
        document = Document(io.BytesIO(data))
        return "\n".join(p.text for p in document.paragraphs) + "\n".join(
            cell.text for table in document.tables for row in table.rows for cell in row.cells
        )
    if fmt == "csv":
        return data.decode("utf-8-sig")
    assert fmt == "xlsx", fmt
    workbook = load_workbook(io.BytesIO(data))
    return "\n".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def test_the_redaction_log_counts_without_keeping_the_removed_words(canary: Canary) -> None:
    canary.submit_all()
    canary.close()
    summary = compiled(canary)
    assert summary.redaction_counts == summary.content["redactions"]["counts"]
    stored = str(summary.redaction_counts) + str(summary.content["redactions"])
    assert_no_leak(stored, canary)


# Review and release ------------------------------------------------------------------------


def test_a_manual_redaction_applies_after_recompiling_and_blocks_release_until_then(
    canary: Canary,
) -> None:
    canary.submit_all()
    canary.close()
    admin = canary.world.icb_admin
    summary = compiled(canary, admin)
    feedback_review.redaction_add(
        actor=admin, round=canary.round, kind=RedactionKind.REDACT, phrase="lead it"
    )
    summary.refresh_from_db()
    assert feedback_review.summary_is_stale(summary)
    with pytest.raises(ValidationError, match="Recompile"):
        summary_release.summary_release(actor=admin, summary=summary)
    summary = compiled(canary, admin)
    assert "lead it" not in str(summary.content["detailed"])
    assert "[redacted]" in str(summary.content["detailed"])
    # A phrase redacted by hand is a review choice: a second admin approves it first.
    with pytest.raises(ValidationError, match="must approve"):
        summary_release.summary_release(actor=admin, summary=summary)
    summary_release.summary_approve(
        actor=make_member(system=canary.world.system, role=Role.ICB_ADMIN), summary=summary
    )
    summary_release.summary_release(actor=admin, summary=summary)
    summary.refresh_from_db()
    assert summary.is_released


def test_keeping_a_false_positive_leaves_the_phrase_in_the_summary(canary: Canary) -> None:
    canary.submit_all()
    canary.close()
    admin = canary.world.icb_admin
    feedback_review.redaction_add(
        actor=admin,
        round=canary.round,
        kind=RedactionKind.KEEP,
        phrase="Coldharbour",
        note="A street name here, not the place",
    )
    summary = compiled(canary, admin)
    assert "Coldharbour" in str(summary.content["detailed"])


def test_a_redaction_must_appear_in_some_response(canary: Canary) -> None:
    canary.submit_all()
    with pytest.raises(ValidationError) as error:
        feedback_review.redaction_add(
            actor=None, round=canary.round, kind=RedactionKind.REDACT, phrase="not in any answer"
        )
    assert "does not appear" in str(error.value)


def test_release_needs_enough_responses(canary: Canary) -> None:
    canary.submit_all(count=2)
    canary.close()
    summary = compiled(canary)
    assert summary.content["releasable"] is False
    with pytest.raises(ValidationError, match="at least 3 places"):
        summary_release.summary_release(actor=canary.world.icb_admin, summary=summary)


def test_recompiling_withdraws_a_released_summary(canary: Canary) -> None:
    canary.submit_all()
    canary.close()
    admin = canary.world.icb_admin
    summary = summary_release.summary_release(actor=admin, summary=compiled(canary, admin))
    assert summary.is_released
    summary = compiled(canary, admin)
    assert not summary.is_released
    assert summary.generation == 2
    # One summary row, one set of files.
    assert FeedbackSummary.objects.count() == 1
    assert SummaryExport.objects.filter(summary=summary).count() == 8
    assert set(SummaryExport.objects.values_list("generation", flat=True)) == {2}


# Exactly once ---------------------------------------------------------------------------------


def test_a_redelivered_job_completes_nothing_twice(canary: Canary) -> None:
    canary.submit_all()
    canary.close()
    summary = compiled(canary)
    first_compiled_at = summary.compiled_at
    assert feedback.summary_compile(summary_id=summary.pk, generation=summary.generation) is False
    summary.refresh_from_db()
    assert summary.compiled_at == first_compiled_at
    assert AuditEvent.objects.filter(action="summary.compiled").count() == 1


def test_a_job_killed_half_way_completes_once_when_it_runs_again(canary: Canary) -> None:
    canary.submit_all()
    canary.close()
    summary = FeedbackSummary.objects.create(round=canary.round, generation=1)
    # A worker took the job, marked it running, and died.
    FeedbackSummary.objects.filter(pk=summary.pk).update(state=JobState.RUNNING, stage="Scrubbing")
    assert feedback.summary_compile(summary_id=summary.pk, generation=1) is True
    summary.refresh_from_db()
    assert summary.state == JobState.COMPLETE and summary.attempts == 1
    assert SummaryExport.objects.filter(summary=summary).count() == 8


def test_a_superseded_job_writes_nothing(canary: Canary) -> None:
    canary.submit_all()
    canary.close()
    summary = FeedbackSummary.objects.create(round=canary.round, generation=2)
    assert feedback.summary_compile(summary_id=summary.pk, generation=1) is False
    summary.refresh_from_db()
    assert not summary.has_content and summary.state == JobState.QUEUED


def test_a_failure_is_recorded_with_its_error_and_can_be_retried(
    canary: Canary, monkeypatch: pytest.MonkeyPatch
) -> None:
    canary.submit_all()
    canary.close()

    def broken(content: dict[str, Any], **kwargs: Any) -> list[Any]:
        raise RuntimeError("the PDF renderer fell over")

    monkeypatch.setattr(feedback, "_render_exports", broken)
    summary = compiled(canary)
    assert summary.state == JobState.FAILED
    assert "the PDF renderer fell over" in summary.error
    assert not summary.has_content
    monkeypatch.undo()
    summary = compiled(canary)
    assert summary.state == JobState.COMPLETE


def test_a_second_compile_is_refused_while_one_is_under_way(canary: Canary) -> None:
    canary.submit_all()
    canary.close()
    summary = compiled(canary)
    FeedbackSummary.objects.filter(pk=summary.pk).update(
        state=JobState.RUNNING, requested_at=timezone.now()
    )
    with pytest.raises(ValidationError, match="already under way"):
        feedback.summary_request_compile(actor=None, round=canary.round)
