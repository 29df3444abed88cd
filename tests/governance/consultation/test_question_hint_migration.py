"""Rounds created before the response had a page per option's ratings carry question 2's
old hint, which says the ratings are "below"; the data migration gives them the new words."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from governance.consultation.models import Question
from tests.factories import make_round

pytestmark = pytest.mark.django_db

migration = import_module("governance.migrations.0004_question_two_hint_names_the_rating_pages")


def test_the_old_hint_gets_the_new_words_and_a_rewritten_hint_is_left_alone(world):
    consultation = make_round(
        system=world.system,
        questions=[
            {"text": "Does the analysis cover what matters?", "hint": migration.OLD_HINT},
            {"text": "Anything else?", "hint": "Say what is missing beside each rating below."},
        ],
    )

    migration.name_the_rating_pages(apps, None)

    hints = list(
        Question.objects.filter(round=consultation).order_by("order").values_list("hint", flat=True)
    )
    assert hints == [
        "You can also note what is missing beside each of your ratings, on the rating pages of "
        "your response.",
        "Say what is missing beside each rating below.",
    ]
