"""A consultation round on each framework, end to end through the services: open the round,
places respond and submit, the round closes, the summary is compiled, reviewed (a phrase
redacted by hand, approved by a second admin), released part by part, and its files hold
what the summary says. On the 2021 framework nothing changes; on the 2025 operating model the
round asks its own questions, each place proposes one archetype, rates it without a
suggested rating to agree with, and the summary says the framework suggests none."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import TestCase

from demo.build.consultation import RatingText, proposal_write, response_fill
from governance.catalogue.loader import catalogue_load_all
from governance.catalogue.models import OptionFramework
from governance.consultation import feedback_review, summary_release
from governance.consultation.feedback import summary_compile, summary_request_compile
from governance.consultation.models import (
    FeedbackSummary,
    JobState,
    RedactionKind,
    ResponseStatus,
    SummaryExport,
    SummaryPart,
)
from governance.consultation.questions import (
    ARCHETYPE_QUESTIONS,
    DEFAULT_QUESTIONS,
    default_questions,
)
from governance.consultation.response_saves import rating_save
from governance.consultation.responses import (
    response_get_or_create,
    response_missing_items,
    response_submit,
)
from governance.consultation.round_setup import round_setup
from partners.models import Place, Role, User
from tests.conftest import World
from tests.factories import PlaceFactory, close_round, make_member, make_round

pytestmark = pytest.mark.django_db

SLUG_2021 = "ics-design-framework-2021"
SLUG_2025 = "operating-model-2025"
IDENTIFYING = "the only place with a harbour ferry"


@pytest.fixture
def frameworks(db: None) -> dict[str, OptionFramework]:
    catalogue_load_all()
    return {f.slug: f for f in OptionFramework.objects.filter(slug__in=[SLUG_2021, SLUG_2025])}


def _places(world: World) -> list[tuple[Place, User]]:
    """Three places of system one, each with a lead (the threshold of a summary is 3)."""
    extra = PlaceFactory(system=world.system, name="Calderbrook")
    return [
        (world.place_a, world.lead_a),
        (world.place_b, make_member(place=world.place_b, role=Role.PLACE_LEAD)),
        (extra, make_member(place=extra, role=Role.PLACE_LEAD)),
    ]


def _respond(round: Any, place: Place, lead: User, options: list[int], agree: bool) -> Any:
    response = response_get_or_create(round=round, place=place)
    response_fill(
        actor=lead,
        response=response,
        answer_for=lambda question: (
            f"{place.name} answers question {question.order}: {IDENTIFYING}.",
            question.choices[0] if question.choices else None,
        ),
        rating_for=lambda option, principle: RatingText(
            band="medium_high" if option.number == options[0] else "low_medium",
            reasons=f"Option {option.number} meets {principle.short_name} in {place.name}.",
            agreement="partly" if agree else "",
        ),
    )
    response = proposal_write(
        actor=lead,
        response=response,
        option_numbers=options,
        case=f"{place.name} proposes this because it is {IDENTIFYING}.",
    )
    assert response_missing_items(response=response) == []
    return response_submit(actor=lead, response=response)


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
    workbook = load_workbook(io.BytesIO(data))
    return "\n".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def _compile(round: Any, actor: User) -> FeedbackSummary:
    with TestCase.captureOnCommitCallbacks(execute=True):
        summary = summary_request_compile(actor=actor, round=round)
    summary.refresh_from_db()
    if summary.state != JobState.COMPLETE:  # the eager task ran before the row was read
        summary_compile(summary_id=summary.pk, generation=summary.generation)
        summary.refresh_from_db()
    return summary


def _review_approve_release(
    round: Any, world: World, second_admin: User
) -> tuple[FeedbackSummary, dict[str, str]]:
    """Redact a phrase that still identifies a place, recompile, have a second admin approve,
    release both parts; the released files' text by part and format."""
    admin = world.icb_admin
    summary = _compile(round, admin)
    assert summary.state == JobState.COMPLETE
    assert IDENTIFYING in str(summary.content)  # not a name the scrubber knows
    feedback_review.redaction_add(
        actor=admin, round=round, kind=RedactionKind.REDACT, phrase=IDENTIFYING
    )
    summary = _compile(round, admin)
    assert IDENTIFYING not in str(summary.content)
    with pytest.raises(ValidationError):
        summary_release.summary_release(actor=admin, summary=summary, part=SummaryPart.HIGH_LEVEL)
    summary = summary_release.summary_approve(actor=second_admin, summary=summary)
    for part in SummaryPart:
        summary = summary_release.summary_release(actor=admin, summary=summary, part=part)
    assert summary.is_released
    files = {
        f"{export.part}.{export.format}": _export_text(export.format, bytes(export.data))
        for export in SummaryExport.objects.filter(summary=summary)
    }
    assert sorted(files) == [
        f"{part}.{fmt}"
        for part in ("detailed", "high_level")
        for fmt in ("csv", "docx", "pdf", "xlsx")
    ]
    for text in files.values():
        assert IDENTIFYING not in " ".join(text.split())
    return summary, files


def test_the_default_questions_follow_the_framework(frameworks):
    assert default_questions(frameworks[SLUG_2021]) == DEFAULT_QUESTIONS
    assert default_questions(frameworks[SLUG_2025]) == ARCHETYPE_QUESTIONS
    assert default_questions(None) == DEFAULT_QUESTIONS


def test_a_round_on_the_2025_framework_end_to_end(frameworks, world, second_icb_admin):
    framework = frameworks[SLUG_2025]
    places = _places(world)
    consultation = make_round(system=world.system, framework=framework, title="Delivery 2026")
    assert [q.text for q in consultation.questions.all()] == [
        q["text"] for q in ARCHETYPE_QUESTIONS
    ]

    # A place says nothing about agreeing with a suggested rating: the framework gives none.
    response = response_get_or_create(round=consultation, place=places[0][0])
    option = framework.options.get(number=1)
    principle = framework.principles.get(number=1)
    with pytest.raises(ValidationError, match="nothing to agree or disagree with"):
        rating_save(
            actor=world.lead_a,
            response=response,
            option=option,
            principle=principle,
            band="high",
            qualifier="",
            reasons="Because.",
            agreement="agree",
            missing_from_analysis="",
            expected_version=0,
        )
    # One archetype each: both together are refused, as they stand alone.
    with pytest.raises(ValidationError):
        proposal_write(actor=world.lead_a, response=response, option_numbers=[1, 2], case="Both")

    for index, (place, lead) in enumerate(places):
        submitted = _respond(consultation, place, lead, [1 if index < 2 else 2], agree=False)
        assert submitted.status == ResponseStatus.SUBMITTED
    close_round(consultation)

    summary, files = _review_approve_release(consultation, world, second_icb_admin)
    content = summary.content
    assert [(row["key"], row["count"]) for row in content["option_sets"]] == [
        ("1", "not shown"),  # 2 places: fewer than the threshold of 3
        ("2", "not shown"),
    ]
    assert content["heatmap_in_context"] == []
    cells = [cell for row in content["heatmap"] for cell in row["cells"]]
    assert len(cells) == 2 * 3
    # Each place gave each cell its own band (fewer than 3 alike): no verdict on agreement.
    assert all(cell["suggested"] == "" for cell in cells)
    assert {cell["verdict"] for cell in cells} == {"withheld_unsuggested"}
    readiness = next(q for q in content["choice_questions"] if q["text"].startswith("How ready"))
    assert readiness["counts"][0]["choice"] == "Ready now"
    assert "2. Lead care provider/partnership" in files["high_level.csv"]
    assert "The framework suggests no rating" in files["high_level.csv"]
    assert content["framework_suggests"] is False
    assert "The framework suggests no rating of its options" in " ".join(
        files["high_level.docx"].split()
    )
    page = render_to_string("governance/feedback/_summary_body.html", {"content": content})
    assert "The framework suggests no rating of its options." in page
    assert "whether places agree with the suggestion" not in page
    assert "Calderbrook" not in str(content) and "[place]" in str(content)


def test_a_round_on_the_2021_framework_end_to_end_as_before(frameworks, world, second_icb_admin):
    framework = frameworks[SLUG_2021]
    places = _places(world)
    consultation = make_round(system=world.system, framework=framework, title="Governance 2022")
    assert [q.text for q in consultation.questions.all()] == [q["text"] for q in DEFAULT_QUESTIONS]
    for place, lead in places:
        _respond(consultation, place, lead, [1, 4], agree=True)
    close_round(consultation)

    summary, files = _review_approve_release(consultation, world, second_icb_admin)
    content = summary.content
    sets = {row["key"]: row["count"] for row in content["option_sets"]}
    assert sets["1+4"] == 3 and len(sets) == 10
    first = content["heatmap"][0]["cells"][0]
    assert first["suggested_label"] == "LOW/MEDIUM" and first["rated"] == 3
    assert "LOW/MEDIUM" in files["high_level.csv"]
    assert content["framework_suggests"] is True


def test_setting_up_a_2025_round_with_the_2021_questions_is_refused(frameworks, world):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    fields = {
        "actor": world.icb_admin,
        "system": world.system,
        "framework": frameworks[SLUG_2025],
        "title": "Delivery 2026",
        "opens_at": now + timedelta(days=1),
        "closes_at": now + timedelta(days=20),
    }
    with pytest.raises(ValidationError, match="default questions for a framework of place"):
        round_setup(**fields, questions=DEFAULT_QUESTIONS)
    assert round_setup(**fields, questions=ARCHETYPE_QUESTIONS).questions.count() == 6
    # Questions of the admin's own are the admin's to ask.
    own = [{"text": "Anything else?", "hint": "", "choices": []}]
    assert round_setup(**fields, questions=own).questions.count() == 1
