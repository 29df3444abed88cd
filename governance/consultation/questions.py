"""A round's questions: the seven the 2021 place consultation asked (the default for a new
round), and the rules every question must meet."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

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
