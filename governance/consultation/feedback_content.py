"""What a feedback summary says: the anonymised content built from a closed round's
submitted responses (JSON, stored as FeedbackSummary.content and read by the summary pages and
every file). Place labels come from a fresh random seed each time, never stored: the mapping
from label to place exists only while the content is built."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, NamedTuple

from django.utils import timezone

from governance.catalogue.models import Band, GovernanceOption, Principle
from governance.catalogue.rules import FrameworkRules, option_set_label, option_set_numbers
from governance.catalogue.selectors import framework_catalogue
from governance.consultation import anonymise
from governance.consultation.feedback_review import redaction_decisions, redaction_fingerprint
from governance.consultation.models import Agreement, Answer, ConsultationRound, PlaceRating
from governance.consultation.selectors import submitted_responses
from governance.consultation.suppression import Hidden, SuppressedRow, suppress_row

# 2: ratings in context (heat map rows of an option in a combination, and the detailed
# review's contexts); the framework's publication.
# 3: one suppression rule for every table (governance.consultation.suppression): "not shown"
# counts, tables withheld as a sentence ("withheld"), the most common rating and the verdict
# withheld where they would give a hidden count away ("modal_hidden", verdict "withheld"), and
# each place's value generalised wherever its count is hidden.
SCHEMA_VERSION = 3


class _Wording(NamedTuple):
    """How a table and a place's value read when counts are hidden: the sentence of a table
    withheld as a whole, and the words standing for a place's value whose count is hidden,
    each for counts too small to show and for counts hidden to protect them."""

    withheld_small: str
    withheld_protected: str
    value_small: str
    value_protected: str

    def withheld(self, row: SuppressedRow, threshold: int) -> str:
        if not row.withheld:
            return ""
        text = self.withheld_small if row.wording == Hidden.SMALL else self.withheld_protected
        return text.format(threshold=threshold)

    def value(self, row: SuppressedRow, threshold: int) -> str:
        text = self.value_small if row.wording == Hidden.SMALL else self.value_protected
        return text.format(threshold=threshold)


OPTION_SET_WORDING = _Wording(
    "No option set was proposed by {threshold} or more places, so the counts are not shown.",
    "The counts of option sets are not shown: they would reveal how few places proposed some.",
    "An option set proposed by fewer than {threshold} places",
    "An option set not shown, to protect places that proposed rare ones",
)
ANSWER_WORDING = _Wording(
    "No answer was given by {threshold} or more places, so the counts for this question are "
    "not shown.",
    "The counts for this question are not shown: they would reveal how few places gave some "
    "answers.",
    "An answer given by fewer than {threshold} places",
    "An answer not shown, to protect places that gave rare answers",
)
RATING_WORDING = _Wording(
    "No rating was given by {threshold} or more places, so the counts are not shown.",
    "The counts are not shown: they would reveal how few places gave some ratings.",
    "A rating given by fewer than {threshold} places",
    "A rating not shown, to protect places that gave rare ratings",
)


class _CountedRow(NamedTuple):
    """A table's row of counts, by key, as suppressed: what each key reads, and what a place
    whose value is that key is shown as (its value, or the generalised words)."""

    counts: dict[str, int | str]
    row: SuppressedRow
    hidden_keys: frozenset[str]
    generalised: str
    withheld: str

    def value_of(self, key: str) -> str:
        """A place's value as it may be shown: itself, unless its count is hidden."""
        return self.generalised if key in self.hidden_keys else key


def _counted_row(
    keys: list[str], counter: Counter[str], threshold: int, wording: _Wording
) -> _CountedRow:
    row = suppress_row([counter[key] for key in keys], threshold=threshold)
    return _CountedRow(
        counts=dict(zip(keys, row.counts, strict=True)),
        row=row,
        hidden_keys=frozenset(key for key, hidden in zip(keys, row.hidden, strict=True) if hidden),
        generalised=wording.value(row, threshold),
        withheld=wording.withheld(row, threshold),
    )


_VERDICTS = {
    "agree": "Most places agree with the suggested rating",
    "diverge": "Most places rate it differently from the suggestion",
    "mixed": "Places are divided",
    "none": "No place rated this",
    "withheld": "How far places agree with the suggested rating is not shown, to protect "
    "places that gave rare ratings",
    # Where the framework suggests no rating (the 2025 archetypes), places are compared with
    # one another only.
    "alike": "The framework suggests no rating; most places gave the same one",
    "unsuggested": "The framework suggests no rating; places gave different ones",
    "withheld_unsuggested": "The framework suggests no rating; how far places agree with one "
    "another is not shown, to protect places that gave rare ratings",
}


def _verdict(bands: list[str], suggested: str) -> str:
    if not bands:
        return "none"
    matching = sum(1 for band in bands if band == suggested)
    if suggested and matching * 2 > len(bands):
        return "agree"
    if suggested and matching * 4 <= len(bands):
        return "diverge"
    if not suggested:
        modal_count = Counter(bands).most_common(1)[0][1]
        return "alike" if modal_count * 2 > len(bands) else "unsuggested"
    return "mixed"


def _heat_cell(
    bands: list[str], suggested: str, principle: Principle, threshold: int
) -> tuple[dict[str, Any], _CountedRow]:
    """One cell of the heat map: how many places gave each band (suppressed by the one rule,
    against the number that rated it), the most common band, the suggestion and whether the
    places agree with it; with the suppressed row, for the places' bands in the detailed
    review. The most common band and the verdict are withheld when the count they rest on is
    hidden: "most often LOW" or "most places disagree" would bound it."""
    band_labels = dict(Band.choices)
    band_counts = Counter(bands)
    counted = _counted_row(list(Band.values), band_counts, threshold, RATING_WORDING)
    # The most common band, if one band is more common than every other; a tie at the top
    # has no single answer, and picking one would mislead.
    ranked = band_counts.most_common()
    top_hidden = bool(ranked) and ranked[0][0] in counted.hidden_keys
    modal = ranked[0][0] if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]) else ""
    if top_hidden:
        modal = ""
    verdict = _verdict(bands, suggested)
    basis_hidden = suggested in counted.hidden_keys if suggested else top_hidden
    if bands and basis_hidden:
        verdict = "withheld" if suggested else "withheld_unsuggested"
    cell = {
        "principle": principle.number,
        "suggested": suggested,
        "suggested_label": band_labels.get(suggested, ""),
        "distribution": [
            {"band": band.value, "label": band.label, "count": counted.counts[band.value]}
            for band in Band
        ],
        "withheld": counted.withheld,
        "rated": len(bands),
        "modal": modal,
        "modal_label": band_labels.get(modal, ""),
        "modal_hidden": top_hidden,
        "verdict": verdict,
        "verdict_text": _VERDICTS[verdict],
    }
    return cell, counted


class CompiledContent(NamedTuple):
    """A compiled summary: its content, what was removed from the places' text (counts by
    kind), the review choices it was built with, and how many responses it summarises."""

    content: dict[str, Any]
    counts: dict[str, int]
    fingerprint: str
    response_count: int


def build_content(
    *,
    round: ConsultationRound,
    on_stage: Callable[[str, int], None] = lambda stage, progress: None,
    label_seed: str | None = None,
) -> CompiledContent:
    """The anonymised summary of a round's submitted responses: (content, redaction counts
    by kind, the fingerprint of the review choices used, number of responses)."""
    framework = round.framework
    threshold = round.suppression_threshold
    catalogue = framework_catalogue(framework=framework)
    options = sorted(catalogue.options, key=lambda o: o.number)
    principles = sorted(catalogue.principles, key=lambda p: p.number)
    questions = list(round.questions.order_by("order"))
    rules = FrameworkRules.from_rows(
        [(o.number, o.short_name, o.stands_alone) for o in options], catalogue.combinations
    )
    # Each cell: an option against a principle, alone or in the context of a combination the
    # framework rates it in; the places' ratings of a cell are compared with its suggestion.
    rated_cells = [(o, str(o.number), principles, f"Option {o.number}") for o in options] + [
        (c.option, c.option_set, list(c.principles), c.label) for c in catalogue.contexts
    ]
    responses = list(submitted_responses(round=round).select_related("place"))
    labels = anonymise.place_labels(
        place_ids=[r.place_id for r in responses], seed=label_seed or anonymise.new_label_seed()
    )
    label_of = {r.pk: labels[r.place_id] for r in responses}
    ordered = sorted(responses, key=lambda r: (len(label_of[r.pk]), label_of[r.pk]))

    on_stage("Scrubbing names and contact details", 15)
    gazetteer = anonymise.gazetteer_for_system(system=round.system)
    fingerprint = redaction_fingerprint(round=round)
    redact, keep = redaction_decisions(round=round)
    counts: Counter[str] = Counter()

    def clean(text: str) -> str:
        if not text.strip():
            return ""
        result = anonymise.scrub(text, gazetteer=gazetteer, redact=redact, keep=keep)
        counts.update(result.counts)
        return result.text

    answers: dict[tuple[int, int], Answer] = {
        (a.response_id, a.question_id): a for a in Answer.objects.filter(response__in=responses)
    }
    ratings: dict[tuple[int, int, str, int], PlaceRating] = {
        (r.response_id, r.option_id, r.option_set, r.principle_id): r
        for r in PlaceRating.objects.filter(response__in=responses)
    }

    # High level ---------------------------------------------------------------------------
    on_stage("Counting proposals and ratings", 30)
    set_counts = Counter(r.proposed_option_set for r in responses if r.proposed_option_set)
    allowed_keys = [str(n) for n in sorted(rules.options)] + sorted(
        rules.allowed, key=lambda key: (len(option_set_numbers(key)), option_set_numbers(key))
    )
    proposed_elsewhere = [key for key in sorted(set_counts) if key not in allowed_keys]
    sets_counted = _counted_row(
        allowed_keys + proposed_elsewhere, set_counts, threshold, OPTION_SET_WORDING
    )
    option_sets = [
        {
            "key": key,
            "label": option_set_label(key),
            "count": sets_counted.counts[key],
            "allowed": key in allowed_keys,
        }
        for key in allowed_keys + proposed_elsewhere
        # A withheld table keeps only the framework's own option sets: listing one it does
        # not permit would say that some place proposed it.
        if key in allowed_keys or not sets_counted.withheld
    ]
    choice_questions = []
    answers_counted: dict[int, _CountedRow] = {}
    for question in questions:
        if not question.choices:
            continue
        chosen = Counter(
            answers[(r.pk, question.pk)].choice
            for r in responses
            if (r.pk, question.pk) in answers and answers[(r.pk, question.pk)].choice
        )
        # An answer no longer among the question's choices is still an answer a place gave.
        choices = list(question.choices) + sorted(set(chosen) - set(question.choices))
        counted = answers_counted[question.pk] = _counted_row(
            choices, chosen, threshold, ANSWER_WORDING
        )
        choice_questions.append(
            {
                "order": question.order,
                "text": question.text,
                "counts": [
                    {"choice": choice, "count": counted.counts[choice]}
                    for choice in choices
                    if choice in question.choices or not counted.withheld
                ],
                "withheld": counted.withheld,
            }
        )

    band_labels = dict(Band.choices)

    def suggestion(option: GovernanceOption, key: str, principle: Principle) -> str:
        found = catalogue.suggestion(option, principle, key)
        return found.band if found else ""

    rated_cells_counted: dict[tuple[int, str, int], _CountedRow] = {}

    def heat_row(option: GovernanceOption, key: str, label: str) -> dict[str, Any]:
        cells = []
        for principle in principles:
            rated = (ratings.get((r.pk, option.pk, key, principle.pk)) for r in responses)
            bands = [rating.band for rating in rated if rating is not None and rating.band]
            cell, counted = _heat_cell(
                bands, suggestion(option, key, principle), principle, threshold
            )
            cells.append(cell)
            rated_cells_counted[(option.pk, key, principle.pk)] = counted
        return {
            "option": option.number,
            "option_name": option.name,
            "option_set": key,
            "label": label,
            "cells": cells,
        }

    heatmap = [heat_row(o, key, label) for o, key, _, label in rated_cells if "+" not in key]
    heatmap_in_context = [heat_row(o, key, label) for o, key, _, label in rated_cells if "+" in key]

    # Detailed ------------------------------------------------------------------------------
    on_stage("Writing the detailed review", 45)
    agreement_labels = dict(Agreement.choices)
    # Each place's value follows its count: where the count is hidden, so is the value.
    proposals = []
    for r in ordered:
        hidden = r.proposed_option_set in sets_counted.hidden_keys
        proposals.append(
            {
                "label": label_of[r.pk],
                "option_set": "" if hidden else r.proposed_option_set,
                "option_set_label": sets_counted.generalised
                if hidden
                else option_set_label(r.proposed_option_set),
                "case": clean(r.proposal_case),
            }
        )

    def detailed_principles(
        option: GovernanceOption, key: str, asked: list[Principle]
    ) -> list[dict[str, Any]]:
        found = []
        for principle in asked:
            comments = []
            for r in ordered:
                rating = ratings.get((r.pk, option.pk, key, principle.pk))
                if rating is None:
                    continue
                counted = rated_cells_counted[(option.pk, key, principle.pk)]
                # Agreeing with the suggested rating would tell the hidden band, so it goes
                # with it.
                hidden = rating.band in counted.hidden_keys
                comments.append(
                    {
                        "label": label_of[r.pk],
                        "band_label": counted.generalised
                        if hidden
                        else band_labels.get(rating.band, ""),
                        "agreement_label": ""
                        if hidden
                        else agreement_labels.get(rating.agreement, ""),
                        "reasons": clean(rating.reasons),
                        "missing": clean(rating.missing_from_analysis),
                    }
                )
            found.append(
                {
                    "number": principle.number,
                    "name": principle.name,
                    "suggested_label": band_labels.get(suggestion(option, key, principle), ""),
                    "comments": comments,
                }
            )
        return found

    detailed_options = []
    for option in options:
        contexts = []
        for context_option, key, asked, label in rated_cells:
            if context_option.pk != option.pk or "+" not in key:
                continue
            in_context = detailed_principles(option, key, asked)
            # A combination no place rated this option in is left out of the detailed
            # review; the heat map still shows its suggestion.
            if any(principle["comments"] for principle in in_context):
                contexts.append({"option_set": key, "label": label, "principles": in_context})
        detailed_options.append(
            {
                "number": option.number,
                "name": option.name,
                "principles": detailed_principles(option, str(option.number), principles),
                "contexts": contexts,
            }
        )
    detailed_questions = []
    for question in questions:
        question_answers = []
        for r in ordered:
            answer = answers.get((r.pk, question.pk))
            if answer is None or not (answer.choice or answer.text.strip()):
                continue
            choice = answer.choice
            if choice and question.pk in answers_counted:
                choice = answers_counted[question.pk].value_of(choice)
            question_answers.append(
                {"label": label_of[r.pk], "choice": choice, "text": clean(answer.text)}
            )
        detailed_questions.append(
            {
                "order": question.order,
                "text": question.text,
                "choices": list(question.choices),
                "answers": question_answers,
            }
        )

    redaction_counts = {kind: counts.get(kind, 0) for kind in anonymise.MARKERS}
    content: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "round": {
            "title": round.title,
            "purpose": round.purpose,
            "closes_at": round.closes_at.isoformat(),
            "system": round.system.name,
        },
        "framework": {"name": framework.name, "published": framework.published_month},
        "compiled_at": timezone.now().isoformat(),
        "threshold": threshold,
        "invited_count": round.invited_places.count(),
        "response_count": len(responses),
        "releasable": anonymise.can_release(response_count=len(responses), threshold=threshold),
        "labels": [label_of[r.pk] for r in ordered],
        "options": [{"number": o.number, "name": o.name} for o in options],
        "principles": [{"number": p.number, "name": p.name} for p in principles],
        "milestones": [
            {"title": m.title, "description": m.description, "due_on": m.due_on.isoformat()}
            for m in round.milestones.all()
        ],
        "option_sets": option_sets,
        "option_sets_withheld": sets_counted.withheld,
        "choice_questions": choice_questions,
        "heatmap": heatmap,
        "heatmap_in_context": heatmap_in_context,
        # False for a framework that suggests no rating at all (the 2025 archetypes).
        "framework_suggests": bool(catalogue.suggested),
        "detailed": {
            "proposals": proposals,
            "options": detailed_options,
            "questions": detailed_questions,
        },
        "redactions": {"counts": redaction_counts, "total": sum(redaction_counts.values())},
    }
    return CompiledContent(content, redaction_counts, fingerprint, len(responses))
