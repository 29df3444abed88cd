"""How long does compiling a national-size round take? `.venv/bin/python bench/compile.py`
(also run by `make bench`).

Builds (once; reused on later runs) a system of 200 places with 1,000 partner organisations,
their aliases and 2,000 people, and a closed round in which every place submitted a full
response: seven answers of about 300 words and fifteen rating cells with reasons, all
mentioning places, organisations, people and contact details the way real answers do. Then
compiles its anonymised summary with all four exports, as the Celery job does, and reports
the time of each stage and in total. Goal: 30 s or less on two cores. Then times each action
of the summary's redaction review as an ICB admin (bench/review.py; goal: 200 ms or less).

Runs against DATABASE_URL (PostgreSQL for figures worth quoting; SQLite works). Prints a JSON
report and writes bench-results/compile-latest.json."""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
SYSTEM_SLUG = "bench-compile"
GOAL_SECONDS = 30.0

_VOCABULARY = (
    "partnership board committee delegation budget pooled integrated care community services "
    "primary care network neighbourhood population health outcomes workforce estates digital "
    "accountability assurance risk scheme reservation statutory provider collaborative "
    "transformation prevention inequalities engagement residents carers voluntary sector "
    "contract lead provider joint arrangements governance timetable readiness capacity"
)
WORDS = _VOCABULARY.split()


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    import django

    django.setup()


def build(places: int, seed: int) -> Any:
    """The bench system and its closed round, made once."""
    from django.db import transaction
    from django.utils import timezone

    from demo.build.partners import alias_row, system_bulk
    from demo.build.rows import bulk_insert
    from governance.catalogue.models import OptionFramework
    from governance.consultation.models import (
        Answer,
        ConsultationRound,
        PlaceRating,
        PlaceResponse,
        ResponseStatus,
    )
    from governance.consultation.round_setup import round_create
    from partners.models import (
        Membership,
        OrganisationAlias,
        Role,
        Sector,
        System,
        User,
    )

    existing = ConsultationRound.objects.filter(system__slug=SYSTEM_SLUG).first()
    if existing is not None and existing.responses.count() == places:
        return existing
    framework = OptionFramework.objects.get(slug="ics-design-framework-2021")
    rng = random.Random(seed)  # noqa: S311 - reproducible bench data, not a secret
    kinds = ["Council", "Hospitals NHS Trust", "Hospice", "Healthwatch", "PCN"]
    with transaction.atomic():
        if System.objects.filter(slug=SYSTEM_SLUG).exists():
            _drop(SYSTEM_SLUG)
        system, place_rows, organisations = system_bulk(
            name="Benchmark Integrated Care System",
            short_name="BENCH",
            slug=SYSTEM_SLUG,
            place_names=(f"Benchtown {n:03d}" for n in range(places)),
            organisations=(
                (f"Benchtown {n // 5:03d} {kinds[n % 5]}", Sector.OTHER) for n in range(places * 5)
            ),
            legal_form=None,
        )
        bulk_insert(
            OrganisationAlias,
            (
                alias_row(organisation=organisation, alias=f"BT{index:04d}")
                for index, organisation in enumerate(organisations)
            ),
        )
        users = bulk_insert(
            User,
            (
                User(
                    email=f"bench{n}@bench.example",
                    full_name=f"Bench Person{n:04d} Surname{n:04d}",
                )
                for n in range(places * 10)
            ),
        )
        bulk_insert(
            Membership,
            (
                Membership(
                    user=user,
                    system=system,
                    place=place_rows[index % places],
                    role=Role.PLACE_MEMBER,
                )
                for index, user in enumerate(users)
            ),
        )
        now = timezone.now()
        consultation = round_create(
            actor=None,
            system=system,
            framework=framework,
            title="Benchmark round",
            opens_at=now - timedelta(days=30),
            closes_at=now + timedelta(days=1),
            invited_places=place_rows,
            announce=False,  # a data load: nobody to tell
        )
        ConsultationRound.objects.filter(pk=consultation.pk).update(
            closes_at=now - timedelta(minutes=1)
        )

        def text(words: int, index: int) -> str:
            parts: list[str] = []
            for position in range(words):
                roll = rng.random()
                if roll < 0.02:
                    parts.append(place_rows[rng.randrange(places)].name)
                elif roll < 0.035:
                    parts.append(organisations[rng.randrange(len(organisations))].name)
                elif roll < 0.04:
                    parts.append(f"BT{rng.randrange(len(organisations)):04d}")
                elif roll < 0.045:
                    parts.append(users[rng.randrange(len(users))].full_name)
                elif roll < 0.047:
                    parts.append(f"someone{index}@bench.nhs.uk")
                elif roll < 0.049:
                    parts.append("01632 960 123")
                else:
                    parts.append(rng.choice(WORDS))
                if position % 18 == 17:
                    parts[-1] += "."
            return " ".join(parts)

        responses = bulk_insert(
            PlaceResponse,
            (
                PlaceResponse(
                    round=consultation,
                    place=place,
                    status=ResponseStatus.SUBMITTED,
                    submitted_at=now - timedelta(days=2),
                    proposed_option_set=rng.choice(["1", "2", "3", "4", "5", "1+4", "2+3", "2+4"]),
                    proposal_case=text(200, index),
                )
                for index, place in enumerate(place_rows)
            ),
        )
        questions = list(consultation.questions.all())
        bulk_insert(
            Answer,
            (
                Answer(
                    response=response,
                    question=question,
                    choice=rng.choice(question.choices) if question.choices else "",
                    text=text(300, index),
                )
                for index, response in enumerate(responses)
                for question in questions
            ),
        )
        options = list(framework.options.all())
        principles = list(framework.principles.all())
        bands = ["low", "low_medium", "medium", "medium_high", "high"]
        bulk_insert(
            PlaceRating,
            (
                PlaceRating(
                    response=response,
                    option=option,
                    option_set=str(option.number),
                    principle=principle,
                    band=rng.choice(bands),
                    agreement=rng.choice(["agree", "partly", "disagree"]),
                    reasons=text(60, index),
                    missing_from_analysis=text(20, index) if rng.random() < 0.3 else "",
                )
                for index, response in enumerate(responses)
                for option in options
                for principle in principles
            ),
        )
    consultation.refresh_from_db()
    return consultation


def _drop(slug: str) -> None:
    raise SystemExit(
        f"bench: a half-made system {slug!r} exists; remove it (or use a fresh database)."
    )


def measure(consultation: Any) -> dict[str, Any]:
    from django.db import connection

    from governance.consultation import feedback, feedback_content
    from governance.consultation.exports import EXPORTS
    from governance.consultation.models import FeedbackSummary

    timings: dict[str, float] = {}
    started = time.perf_counter()
    content, counts, _, responses = feedback_content.build_content(round=consultation)
    timings["content"] = time.perf_counter() - started
    sizes: dict[str, int] = {}
    for fmt, exporter in EXPORTS.items():
        step = time.perf_counter()
        data = exporter.render(content)
        timings[fmt] = time.perf_counter() - step
        sizes[fmt] = len(data)
    stages_total = time.perf_counter() - started

    # The whole job as the worker runs it: the request, then the compile with its stages and
    # the single transaction that stores the summary and files.
    summary, _ = FeedbackSummary.objects.get_or_create(round=consultation)
    FeedbackSummary.objects.filter(pk=summary.pk).update(generation=summary.generation + 1)
    summary.refresh_from_db()
    job_started = time.perf_counter()
    completed = feedback.summary_compile(summary_id=summary.pk, generation=summary.generation)
    job_seconds = time.perf_counter() - job_started
    return {
        "database": connection.vendor,
        "places": responses,
        "words_of_free_text": _word_count(consultation),
        "redactions": sum(counts.values()),
        "seconds": {name: round(value, 2) for name, value in timings.items()},
        "stages_total_seconds": round(stages_total, 2),
        "job_seconds": round(job_seconds, 2),
        "job_completed": completed,
        "file_bytes": sizes,
        "goal_seconds": GOAL_SECONDS,
        "meets_goal": job_seconds <= GOAL_SECONDS,
    }


def _word_count(consultation: Any) -> int:
    from governance.consultation.models import Answer, PlaceRating

    texts = list(
        Answer.objects.filter(response__round=consultation).values_list("text", flat=True)
    ) + list(
        PlaceRating.objects.filter(response__round=consultation).values_list("reasons", flat=True)
    )
    return sum(len(text.split()) for text in texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--places", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument(
        "--review-requests",
        type=int,
        default=10,
        help="requests per redaction review action after compiling (0: none)",
    )
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    consultation = build(args.places, args.seed)
    build_seconds = time.perf_counter() - started
    report = {
        "benchmark": "feedback compilation",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "data_set_build_seconds": round(build_seconds, 1),
        **measure(consultation),
    }
    if args.review_requests > 0:
        from bench.review import measure_review

        report["review"] = measure_review(consultation, requests=args.review_requests)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "compile-latest.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
