"""Whatever places write comes back as text in the compiled, anonymised summary and its four
files, and whatever is typed into the redaction review shows as text.

Property-based, as tests/properties/test_forms_people.py."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from core.text_input import clean_text
from governance.catalogue.models import GovernanceOption, Principle
from governance.consultation import feedback, feedback_review
from governance.consultation.models import (
    ConsultationRound,
    FeedbackSummary,
    JobState,
    PlaceRating,
    PlaceResponse,
    RedactionDecision,
    ResponseStatus,
    RoundStatus,
)
from governance.consultation.responses import response_submit
from partners.models import Role
from tests.conftest import World
from tests.factories import (
    PlaceFactory,
    complete_response,
    make_framework,
    make_member,
    make_response,
    make_round,
)
from tests.hostile import (
    FORMULA_STARTS,
    HOSTILE_SAMPLES,
    hostile_text,
    hostile_texts,
    rolled_back,
)
from tests.properties.text_checks import (
    FORMATS,
    HX,
    XML_ILLEGAL,
    assert_audit_log_shows_as_text,
    assert_shows_as_text,
    autosave_answer,
    autosave_proposal,
    autosave_rating,
    examples,
    first_line,
    page,
    posted,
    proposal_url,
    slow_examples,
    squashed,
)
from tests.reach import Reach, reaching

pytestmark = pytest.mark.django_db


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


def test_anything_a_place_writes_shows_as_text_in_the_compiled_summary_and_its_files(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    @reaching(
        slow_examples,
        given(
            texts=hostile_texts(6),
            choices=st.lists(st.sampled_from(HOSTILE_SAMPLES), min_size=2, max_size=3, unique=True),
        ),
    )
    def check(reach: Reach, texts: list[str], choices: list[str]) -> None:
        title, question, case, answer, reasons, missing = texts
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
                    response_submit(actor=lead, response=drafted)

            # Place A's member writes through the page, its lead submits.
            response = PlaceResponse.objects.get(round=consultation, place=world.place_a)
            written = consultation.questions.get(order=2)
            option = GovernanceOption.objects.get(framework=framework, number=1)
            principle = Principle.objects.get(framework=framework, number=1)
            rating = PlaceRating.objects.get(response=response, option=option, principle=principle)
            url = lambda name, *args: proposal_url(world, consultation, name, *args)  # noqa: E731
            client.force_login(world.member_a)
            autosave_proposal(client, world, consultation, case, version=response.version)
            autosave_answer(client, world, consultation, written, answer, version=1)
            autosave_rating(
                client,
                world,
                consultation,
                (option, principle),
                version=rating.version,
                band="high",
                reasons=reasons,
                agreement="disagree",
                missing_from_analysis=missing,
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
                f"console:{name}", args=[world.system.slug, consultation.pk, *args]
            )
            with django_capture_on_commit_callbacks(execute=True):
                assert posted(client, summary_url("summary_compile"), {}).status_code == 302
            summary = FeedbackSummary.objects.get(round=consultation)
            assert summary.state == JobState.COMPLETE, summary.error
            for part in ("high_level", "detailed"):
                assert posted(client, summary_url("summary_release", part), {}).status_code == 302

            # What place A wrote, as written and as the summary shows it.
            ours = {case, answer, reasons, missing}
            # Less what no request lets in (core/text_input.py).
            ours |= {clean_text(text) for text in ours}
            # Stored as typed, but a browser's line endings become plain newlines.
            ours |= {text.replace("\r\n", "\n").replace("\r", "\n") for text in ours}
            ours |= {text.strip() for text in ours}
            items = [
                item
                for item in _first_review_page(summary, world.place_a.pk)
                if item.original in ours or item.original.strip() in ours
            ]
            assert len(items) >= 4
            shown = [item.scrubbed for item in items]

            reach.assertion()
            assert_shows_as_text(page(client, summary_url("summary")), *shown)
            review = page(client, summary_url("summary_review") + f"?place={world.place_a.pk}")
            assert_shows_as_text(
                review, *shown, *(text for item in items for _, text in item.pieces)
            )
            assert_audit_log_shows_as_text(client, world)

            files = {}
            for fmt in FORMATS:
                download = client.get(summary_url("summary_download", "detailed", fmt))
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
                download = client.get(reader_url("download", "detailed", fmt))
                assert b"".join(download.streaming_content) == files[fmt]

    check()


# The redaction review -------------------------------------------------------------------------


def _first_review_page(summary: FeedbackSummary, place_id: int) -> list[feedback_review.ReviewItem]:
    """What the first page of the review shows of a place, scrubbed with the current choices."""
    rows = list(feedback_review.review_texts(summary=summary, place_id=place_id))
    redact, keep = feedback_review.redaction_decisions(round=summary.round)
    return feedback_review.review_items(
        round=summary.round,
        rows=rows[: feedback_review.REVIEW_PAGE_SIZE],
        redact=redact,
        keep=keep,
    )


@pytest.fixture
def closed_round(world: World, django_capture_on_commit_callbacks: Any) -> ConsultationRound:
    """A closed round, compiled once (the review pages through its index)."""
    from tests.governance.consultation.test_views_feedback import Consultation

    consultation = Consultation(world).round
    with django_capture_on_commit_callbacks(execute=True):
        feedback.summary_request_compile(actor=None, round=consultation)
    return consultation


def test_any_phrase_to_redact_or_keep_shows_as_text_on_the_review_page(
    client: Client, world: World, closed_round: ConsultationRound
) -> None:
    @reaching(examples, given(phrase=hostile_text, note=hostile_text, htmx=st.booleans()))
    def check(reach: Reach, phrase: str, note: str, htmx: bool) -> None:
        headers = HX if htmx else {}
        review_url = reverse("console:summary_review", args=[world.system.slug, closed_round.pk])
        review_url += f"?place={world.place_a.pk}"
        add_url = reverse("console:redaction_add", args=[world.system.slug, closed_round.pk])
        keep_url = reverse("console:redaction_keep", args=[world.system.slug, closed_round.pk])
        with rolled_back():
            # The phrase is in place A's case, so a redaction of it can be accepted.
            PlaceResponse.objects.filter(round=closed_round, place=world.place_a).update(
                proposal_case=clean_text(f"We meet at {phrase} every month.")
            )
            client.force_login(world.icb_admin)

            # A phrase nobody wrote is refused, and the form shows it back with the reason.
            nowhere = f"{phrase} qqzx"
            refused = posted(client, add_url, {"kind": "redact", "phrase": nowhere, "note": note})
            reach.assertion()
            assert refused.status_code == 200
            assert_shows_as_text(refused.content.decode(), nowhere, note)

            for url in (add_url, keep_url):
                reply = posted(client, url, {"phrase": phrase, "note": note}, **headers)
                if reply.status_code == 200:  # the review body (htmx), or the page with an error
                    assert_shows_as_text(reply.content.decode())
            # The keep confirmation shows the phrase as text.
            confirmation = client.get(keep_url, {"phrase": phrase})
            if confirmation.status_code == 200:
                assert_shows_as_text(confirmation.content.decode())
            decisions = list(RedactionDecision.objects.filter(round=closed_round))
            review = page(client, review_url)
            texts = [text for decision in decisions for text in (decision.phrase, decision.note)]
            assert_shows_as_text(review, *texts)
            items = _first_review_page(
                FeedbackSummary.objects.get(round=closed_round), world.place_a.pk
            )
            assert_shows_as_text(
                review,
                *(item.scrubbed for item in items),
                *(text for item in items for _, text in item.pieces),
            )
            summary_page = page(
                client, reverse("console:summary", args=[world.system.slug, closed_round.pk])
            )
            assert_shows_as_text(summary_page)

    check()
