"""The rebuild-the-counts attack: a reader of a compiled summary tries to work out every count it
hides, from everything each file shows them. Rounds with several distributions of answers are
compiled; then, for each part and each file (the page, the PDF, the Word, CSV and Excel files)
and for the stored content, the attack reads what is shown (the tables of counts, and every
place label's option set, fixed answer and band), counts the labels carrying each value,
takes the total minus the counts shown, narrows each hidden count to the values that still
fit, and fails if any hidden count is left with one possible value."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import TestCase
from django.utils import timezone

from governance.catalogue.rules import option_set_label
from governance.consultation import feedback
from governance.consultation.models import (
    Answer,
    ConsultationRound,
    FeedbackSummary,
    PlaceRating,
    PlaceResponse,
    ResponseStatus,
    SummaryExport,
    SummaryPart,
)
from tests.conftest import World
from tests.factories import PlaceFactory, make_round

pytestmark = pytest.mark.django_db

BAND_LABELS = {
    "low": "LOW",
    "low_medium": "LOW/MEDIUM",
    "medium": "MEDIUM",
    "medium_high": "MEDIUM/HIGH",
    "high": "HIGH",
}
LABEL = re.compile(r"^(Place [A-Z]+) · (.*)$")


@dataclass(frozen=True)
class Scenario:
    """Per place: the option set it proposed, its answer (an index into the first fixed-answer
    question's choices) and the band it gave; `rare_band` gives one place another band in one
    cell only (option 1, principle 1)."""

    name: str
    threshold: int
    sets: list[str]
    choices: list[int]
    bands: list[str]
    rare_band: str = ""


SCENARIOS = [
    Scenario(
        "5 places, threshold 3",
        3,
        ["2", "2", "2", "1+4", "3"],
        [0, 0, 1, 1, 2],
        ["medium", "medium", "medium", "low", "high"],
    ),
    Scenario("4 places", 3, ["2", "2", "3", "3"], [0, 0, 0, 1], ["medium"] * 3 + ["high"]),
    Scenario(
        "7 places, one rare option set",
        3,
        ["2"] * 6 + ["5"],
        [0] * 4 + [1] * 3,
        ["medium"] * 4 + ["high"] * 3,
    ),
    Scenario(
        "6 places, a rare fixed answer",
        3,
        ["2"] * 3 + ["3"] * 3,
        [0, 0, 0, 1, 1, 2],
        ["low"] * 3 + ["medium"] * 2 + ["high"],
    ),
    Scenario(
        "6 places, a rare band in one cell",
        3,
        ["2"] * 6,
        [0] * 6,
        ["medium"] * 6,
        rare_band="high",
    ),
    Scenario(
        "8 places, threshold 4",
        4,
        ["2"] * 4 + ["1+4"] * 3 + ["3"],
        [0] * 5 + [1] * 2 + [2],
        ["medium"] * 5 + ["low"] * 2 + ["high"],
    ),
]


# The round ------------------------------------------------------------------------------------


Row = tuple[Any, ...]  # ("sets",), ("question", order), ("cell", option, set key, principle)


def compile_scenario(world: World, scenario: Scenario) -> tuple[FeedbackSummary, dict[Row, Any]]:
    """The scenario's round, compiled; with the true count of every value in every row."""
    system = world.system
    places = [world.place_a, world.place_b] + [
        PlaceFactory(system=system, name=f"Scenario place {index}")
        for index in range(len(scenario.sets) - 2)
    ]
    round_ = make_round(system=system)
    ConsultationRound.objects.filter(pk=round_.pk).update(suppression_threshold=scenario.threshold)
    round_.refresh_from_db()
    framework = round_.framework
    question = next(q for q in round_.questions.order_by("order") if q.choices)
    options = list(framework.options.all())
    principles = list(framework.principles.all())
    truth: dict[Row, dict[str, int]] = {("sets",): {}, ("question", question.order): {}}
    for choice in question.choices:
        truth[("question", question.order)][choice] = 0
    for index, place in enumerate(places):
        response = PlaceResponse.objects.create(
            round=round_,
            place=place,
            status=ResponseStatus.SUBMITTED,
            submitted_at=timezone.now(),
            proposed_option_set=scenario.sets[index],
            proposal_case="Our case.",
        )
        sets = truth[("sets",)]
        label = option_set_label(scenario.sets[index])
        sets[label] = sets.get(label, 0) + 1
        for asked in round_.questions.all():
            choice = asked.choices[scenario.choices[index]] if asked.choices else ""
            Answer.objects.create(response=response, question=asked, choice=choice, text="Why.")
        truth[("question", question.order)][question.choices[scenario.choices[index]]] += 1
        for option in options:
            for principle in principles:
                band = scenario.bands[index]
                if (
                    scenario.rare_band
                    and index == 0
                    and (option.number, principle.number)
                    == (
                        1,
                        1,
                    )
                ):
                    band = scenario.rare_band
                PlaceRating.objects.create(
                    response=response,
                    option=option,
                    option_set=str(option.number),
                    principle=principle,
                    band=band,
                    agreement="agree",
                    reasons="Because.",
                )
                cell = truth.setdefault(
                    ("cell", option.number, str(option.number), principle.number),
                    dict.fromkeys(BAND_LABELS.values(), 0),
                )
                cell[BAND_LABELS[band]] += 1
    ConsultationRound.objects.filter(pk=round_.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        summary = feedback.summary_request_compile(actor=None, round=round_)
    summary.refresh_from_db()
    return summary, truth


# What a reader sees ---------------------------------------------------------------------------


def tables_of(content: dict[str, Any]) -> dict[Row, dict[str, object] | None]:
    """The tables of counts as the content shows them (None: withheld as a sentence)."""
    tables: dict[Row, dict[str, object] | None] = {
        ("sets",): None
        if content.get("option_sets_withheld")
        else {row["label"]: row["count"] for row in content["option_sets"]}
    }
    for question in content["choice_questions"]:
        tables[("question", question["order"])] = (
            None
            if question.get("withheld")
            else {row["choice"]: row["count"] for row in question["counts"]}
        )
    for row in content["heatmap"] + content["heatmap_in_context"]:
        for cell in row["cells"]:
            tables[("cell", row["option"], row["option_set"], cell["principle"])] = (
                None
                if cell.get("withheld")
                else {share["label"]: share["count"] for share in cell["distribution"]}
            )
    return tables


Labels = dict[Row, dict[str, str]]  # each row: place label -> the value shown for it


def labels_of_content(content: dict[str, Any]) -> Labels:
    detailed = content["detailed"]
    labels: Labels = {("sets",): {}}
    for proposal in detailed["proposals"]:
        labels[("sets",)][proposal["label"]] = proposal["option_set_label"]
    for question in detailed["questions"]:
        labels[("question", question["order"])] = {
            answer["label"]: answer["choice"] for answer in question["answers"] if answer["choice"]
        }
    for option in detailed["options"]:
        contexts = [(str(option["number"]), option["principles"])] + [
            (context["option_set"], context["principles"]) for context in option["contexts"]
        ]
        for key, principles in contexts:
            for principle in principles:
                labels[("cell", option["number"], key, principle["number"])] = {
                    comment["label"]: comment["band_label"] for comment in principle["comments"]
                }
    return labels


def context_key(option: int, context: str) -> str:
    numbers = sorted({int(n) for n in re.findall(r"\d+", context)} | {option})
    return "+".join(map(str, numbers)) if "with" in context or "+" in context else str(option)


def labels_of_lines(lines: list[str]) -> Labels:
    """The place entries of the page or PDF text, read in order under their headings."""
    labels: Labels = {}
    section = ""
    option = principle = order = 0
    key = ""
    for line in (" ".join(line.split()) for line in lines):
        if line in {"Detailed review option by option", "Proposals", "Answers to each question"}:
            section = line
            continue
        if found := re.match(r"^Option (\d+): ", line):
            option, key = int(found[1]), found[1]
        elif found := re.match(r"^Option (\d+) with option (\d+)$", line):
            key = context_key(option, line)
        elif found := re.match(r"^Principle (\d+): ", line):
            principle = int(found[1])
        elif found := re.match(r"^Question (\d+)\. ", line):
            order = int(found[1])
        elif found := LABEL.match(line):
            label, value = found[1], found[2].split(" · ")[0]
            if section == "Proposals":
                labels.setdefault(("sets",), {})[label] = value
            elif section == "Answers to each question":
                labels.setdefault(("question", order), {})[label] = value
            elif section.startswith("Detailed"):
                labels.setdefault(("cell", option, key, principle), {})[label] = value
    return labels


def html_lines(html: str) -> list[str]:
    text = re.sub(r"</(p|h\d|th|td|li|caption)>|<br>", "\n", html)
    return [unescape(line) for line in re.sub(r"<[^>]+>", "", text).splitlines() if line.strip()]


def pdf_lines(data: bytes) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages).splitlines()


def docx_labels(data: bytes) -> tuple[Labels, str]:
    """The place rows of the Word file's tables, under their headings; and all its text."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(io.BytesIO(data))
    lines: list[str] = []
    texts: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            text = Paragraph(element, document).text
            lines.append(text)
            texts.append(text)
        elif element.tag.endswith("}tbl"):
            for row in Table(element, document).rows:
                cells = [cell.text for cell in row.cells]
                texts.extend(cells)
                if cells and re.fullmatch(r"Place [A-Z]+", cells[0]) and len(cells) > 1:
                    value = cells[1].split("\n\n")[0] if cells[1] else ""
                    lines.append(f"{cells[0]} · {value}" if value else cells[0])
    return labels_of_lines(lines), "\n".join(texts)


def sheet_labels(header: list[str], rows: list[list[str]]) -> Labels:
    """The Responses table (CSV, and the Excel file's first data sheet)."""
    labels: Labels = {}
    for row in rows:
        label = row[0]
        labels.setdefault(("sets",), {})[label] = row[1]
        for column, heading in enumerate(header):
            if found := re.match(r"^Q(\d+)\. ", heading):
                value = (row[column] or "").split("\n\n")[0]
                labels.setdefault(("question", int(found[1])), {})[label] = value
    return labels


def ratings_labels(rows: list[list[Any]]) -> Labels:
    labels: Labels = {}
    for label, option, context, principle, band, *_ in rows:
        number = int(str(option).split(".")[0])
        key = str(number) if context == "On its own" else context_key(number, str(context))
        row = ("cell", number, key, int(str(principle).split(".")[0]))
        labels.setdefault(row, {})[label] = band
    return labels


def xlsx_labels(data: bytes) -> tuple[Labels, str]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    labels: Labels = {}
    if "Responses" in workbook.sheetnames:
        rows = [[c or "" for c in row] for row in workbook["Responses"].iter_rows(values_only=True)]
        labels.update(sheet_labels(rows[0], rows[1:]))
    if "Ratings" in workbook.sheetnames:
        rows = [list(row) for row in workbook["Ratings"].iter_rows(values_only=True)]
        labels.update(ratings_labels(rows[1:]))
    text = "\n".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    return labels, text


# The attack ----------------------------------------------------------------------------------


def bounds_of(shown: object, threshold: int, total: int) -> tuple[int, int]:
    if isinstance(shown, int):
        return shown, shown
    if isinstance(shown, str) and (found := re.fullmatch(r"fewer than (\d+)", shown)):
        return 1, int(found[1]) - 1
    if shown == "not shown":
        return threshold, total
    return 0, total


def rebuilt_counts(
    truth: dict[Row, dict[str, int]],
    tables: dict[Row, dict[str, object] | None],
    labels: Labels,
    threshold: int,
) -> list[str]:
    """Every hidden count (one from 1 to the threshold - 1, or one the tables do not show)
    that the reader can pin to a single value."""
    rebuilt = []
    for row, counts in truth.items():
        total = sum(counts.values())
        table = tables.get(row)
        by_label = labels.get(row)
        bounds = {}
        for value in counts:
            low, high = 0, total
            if table is not None and value in table:
                low, high = bounds_of(table[value], threshold, total)
            if by_label is not None:
                carrying = sum(1 for shown in by_label.values() if shown == value)
                if carrying:
                    low = high = carrying
                else:
                    # Not carried by any label: nobody, or hidden behind a general phrase.
                    general = sum(1 for shown in by_label.values() if shown not in counts)
                    high = min(high, general)
            bounds[value] = [low, high]
        if table is not None:
            shown_nonzero = [v for v in table.values() if isinstance(v, int) and v > 0]
            for value, shown in table.items():
                if shown == "not shown" and value in bounds and shown_nonzero:
                    bounds[value][1] = min(bounds[value][1], min(shown_nonzero))
        for _ in range(len(bounds) + 1):  # total minus the others, until nothing narrows
            low_sum = sum(low for low, _ in bounds.values())
            high_sum = sum(high for _, high in bounds.values())
            for bound in bounds.values():
                low, high = bound
                bound[0] = max(low, total - (high_sum - high))
                bound[1] = min(high, total - (low_sum - low))
        for value, count in counts.items():
            hidden = table is None or not isinstance(table.get(value, 0), int)
            sensitive = 0 < count < threshold or (hidden and count > 0)
            low, high = bounds[value]
            if sensitive and low == high:
                rebuilt.append(f"{row} {value!r} = {count}")
    return rebuilt


def what_each_reader_sees(summary: FeedbackSummary) -> dict[str, tuple[Labels, str]]:
    """(place labels, all text) of every file of each part, the page of each part, and the
    stored content."""
    content = summary.content
    seen: dict[str, tuple[Labels, str]] = {
        "stored content": (labels_of_content(content), str(content))
    }
    files = {
        (e.part, e.format): bytes(e.data) for e in SummaryExport.objects.filter(summary=summary)
    }
    for part in SummaryPart.values:
        html = render_to_string(
            "governance/feedback/_summary_body.html", {"content": content, "parts": [part]}
        )
        lines = html_lines(html)
        seen[f"{part} page"] = (labels_of_lines(lines), "\n".join(lines))
        lines = pdf_lines(files[(part, "pdf")])
        seen[f"{part} PDF"] = (labels_of_lines(lines), "\n".join(lines))
        seen[f"{part} Word"] = docx_labels(files[(part, "docx")])
        rows = list(csv.reader(io.StringIO(files[(part, "csv")].decode("utf-8-sig"))))
        csv_labels = sheet_labels(rows[0], rows[1:]) if rows and rows[0][:1] == ["Place"] else {}
        seen[f"{part} CSV"] = (csv_labels, "\n".join(",".join(row) for row in rows))
        seen[f"{part} Excel"] = xlsx_labels(files[(part, "xlsx")])
    return seen


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_no_hidden_count_can_be_rebuilt_from_any_file(world: World, scenario: Scenario) -> None:
    summary, truth = compile_scenario(world, scenario)
    tables = tables_of(summary.content)
    # The tables alone.
    assert rebuilt_counts(truth, tables, {}, scenario.threshold) == []
    for name, (labels, text) in what_each_reader_sees(summary).items():
        if name.startswith(SummaryPart.HIGH_LEVEL):
            # The high-level files hold nothing of the detailed review: no place's entry.
            entries = " ".join(text.split()).replace("(Place A, Place B and so on)", "")
            assert not re.search(r"\bPlace [A-Z]+\b", entries), name
            assert "Our case." not in text and "Because." not in text and "Why." not in text
        # A reader of both parts: the tables, with this file's place entries.
        assert rebuilt_counts(truth, tables, labels, scenario.threshold) == [], name
    # Every file of the detailed review holds the places' own words (so the attack read it).
    for name, (labels, text) in what_each_reader_sees(summary).items():
        if name.startswith(SummaryPart.DETAILED):
            assert "Because." in text or "Our case." in text, name
            if not name.endswith("CSV"):
                assert labels, name
