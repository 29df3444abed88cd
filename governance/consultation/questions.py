"""A round's questions: the default ones for a new round, by the kind of framework it consults
on (the seven the 2021 place consultation asked of a framework of place governance
arrangements; the product's own questions of a framework of delivery archetypes), and the
rules every question must meet."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from governance.catalogue.models import FrameworkKind, OptionFramework
from governance.consultation.models import ConsultationRound, Question

SAME_MODEL_CHOICES = [
    "Yes, the same model for every place",
    "No, each place should choose its own",
    "Not sure",
]


# The seven questions of the 2021 place consultation (reference paper, section 7),
# restated in our own words.
DEFAULT_QUESTIONS: list[dict[str, Any]] = [
    {
        "text": "Should every place in the system use the same governance model, chosen from "
        "the options, for the coming year?",
        "hint": "Say whether one model for all places or a choice for each place would work "
        "better, and why.",
        "choices": SAME_MODEL_CHOICES,
    },
    {
        "text": "For each option, does the analysis against the principles cover the issues, "
        "risks, challenges and concerns that matter? If not, what is missing or needs changing?",
        "hint": "You can also note what is missing beside each of your ratings, on the rating "
        "pages of your response.",
    },
    {
        "text": "Do the suggested ratings (LOW to HIGH) match your view of how well each option "
        "meets the principles? If not, how would you change them?",
        "hint": "Your own rating of every option against every principle is recorded in the "
        "ratings section; summarise your view here.",
    },
    {
        "text": "Which option, or combination of options, would best support planning and "
        "delivering a strategy for the place? Why?",
        "hint": "",
    },
    {
        "text": "Which option, or combination of options, would best support the engagement of "
        "every partner in the place? Why?",
        "hint": "",
    },
    {
        "text": "Which option, or combination of options, would work best for your place? Why?",
        "hint": "",
    },
    {
        "text": "Which option, or combination of options, would you not want to use in your "
        "place? Why?",
        "hint": "",
    },
]


READINESS_CHOICES = [
    "Ready now",
    "Ready within a year",
    "Not ready: more work is needed first",
    "Not sure",
]

# Of a framework of delivery archetypes (the 2025 operating model): what a place must settle
# to follow one, asked in the product's own words.
ARCHETYPE_QUESTIONS: list[dict[str, Any]] = [
    {
        "text": "Which delivery archetype should your place follow, and why does it suit the "
        "place better than the other?",
        "hint": "Your proposal names the archetype and makes the case for it; say here what "
        "tipped the balance.",
    },
    {
        "text": "Who should hold the integrator function for your place: the ICB, a body of the "
        "place, a provider, or a lead care provider? Why?",
        "hint": "The integrator brings services together around people and answers for how "
        "well they join up.",
    },
    {
        "text": "How will your neighbourhoods be led, and by whom?",
        "hint": "For example a primary care network, a provider, a VCSE organisation, the "
        "council or a body of the place, and how each neighbourhood's lead answers to the "
        "place.",
    },
    {
        "text": "How will GPs and their practices take part: as partners, as sub-contractors, "
        "or by the lead care provider holding their contracts?",
        "hint": "Say whether the practices support any change to who holds their GMS or PMS "
        "contracts.",
    },
    {
        "text": "What section 75 arrangements with the council would the place need, and which "
        "budgets would they pool?",
        "hint": "",
    },
    {
        "text": "How ready is your place to work this way?",
        "hint": "Say what would need to be in place first, and by when.",
        "choices": READINESS_CHOICES,
    },
]


def default_questions(framework: OptionFramework | None) -> list[dict[str, Any]]:
    """The questions a new round on `framework` starts with: the archetype questions for a
    framework of delivery archetypes, else the 2021 consultation's seven."""
    if framework is not None and framework.kind == FrameworkKind.ARCHETYPES:
        return ARCHETYPE_QUESTIONS
    return DEFAULT_QUESTIONS


def _asked(specs: list[dict[str, Any]]) -> list[tuple[str, str, tuple[str, ...]]]:
    return [
        (
            (spec.get("text") or "").strip(),
            (spec.get("hint") or "").strip(),
            tuple(spec.get("choices") or ()),
        )
        for spec in specs
    ]


def defaults_of_another_kind(
    questions: list[dict[str, Any]], framework: OptionFramework
) -> FrameworkKind | None:
    """The kind of framework whose default questions `questions` are, word for word, when it
    is not `framework`'s kind (a round set up on the 2025 archetypes with the 2021 questions
    left as they were offered): None when they are this framework's own, or anyone's own."""
    asked = _asked(questions)
    for kind, defaults in (
        (FrameworkKind.ARRANGEMENTS, DEFAULT_QUESTIONS),
        (FrameworkKind.ARCHETYPES, ARCHETYPE_QUESTIONS),
    ):
        if kind != framework.kind and asked == _asked(defaults):
            return kind
    return None


def question_build(*, round: ConsultationRound, order: int, spec: dict[str, Any]) -> Question:
    """A validated, unsaved question from a spec: text, and optionally hint, choices,
    required and max_length."""
    choices = [str(choice).strip() for choice in spec.get("choices") or [] if str(choice).strip()]
    if len(set(choices)) != len(choices):
        raise ValidationError({"choices": ["Each fixed answer must be different."]})
    if len(choices) == 1:
        raise ValidationError({"choices": ["Give at least two fixed answers, or none."]})
    question = Question(
        round=round,
        order=order,
        text=(spec.get("text") or "").strip(),
        hint=(spec.get("hint") or "").strip(),
        choices=choices,
        required=spec.get("required", True),
        max_length=spec.get("max_length", 5000),
    )
    question.full_clean(exclude=["round"])
    return question


def questions_check(questions: list[dict[str, Any]]) -> None:
    """Validate every question before anything is saved; errors name the question."""
    sample = ConsultationRound()
    for order, spec in enumerate(questions, 1):
        try:
            question_build(round=sample, order=order, spec=spec)
        except ValidationError as error:
            raise ValidationError(
                {"questions": [f"Question {order}: {message}" for message in error.messages]}
            ) from error
