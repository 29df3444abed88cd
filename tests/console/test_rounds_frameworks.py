"""Setting up a round on either framework: the form starts from the chosen framework's
default questions, links to the other's, and refuses to set up a round on the 2025
archetypes with the 2021 questions left as they were offered (then offering the right ones,
with everything else typed kept)."""

from __future__ import annotations

from typing import Any

import pytest

from governance.catalogue.loader import catalogue_load_all
from governance.catalogue.models import OptionFramework
from governance.consultation.models import ConsultationRound
from governance.consultation.questions import ARCHETYPE_QUESTIONS, DEFAULT_QUESTIONS
from tests.console.support import url
from tests.console.test_rounds import round_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def archetypes(db: None) -> OptionFramework:
    catalogue_load_all()
    return OptionFramework.objects.get(slug="operating-model-2025")


def _with_questions(data: dict[str, Any], questions: list[dict[str, Any]]) -> dict[str, Any]:
    data = {k: v for k, v in data.items() if not k.startswith("q")}
    for number, spec in enumerate(questions, 1):
        data[f"q{number}-text"] = spec["text"]
        data[f"q{number}-hint"] = spec.get("hint", "")
        data[f"q{number}-choices"] = "\n".join(spec.get("choices") or [])
        data[f"q{number}-required"] = "on"
    return data


def test_the_form_starts_from_the_chosen_frameworks_questions(admin_client, world, archetypes):
    page = admin_client.get(url("round_add", world) + f"?framework={archetypes.pk}")
    html = page.content.decode()
    assert ARCHETYPE_QUESTIONS[1]["text"].split(":")[0] in html
    assert DEFAULT_QUESTIONS[3]["text"] not in html
    assert f'<option value="{archetypes.pk}" selected>' in html
    assert "Each framework has its own default questions" in html
    assert f"{url('round_add', world)}?framework=" in html  # the link to the 2021 questions
    # Without a framework named, the 2021 questions, as before.
    assert (
        DEFAULT_QUESTIONS[3]["text"] in admin_client.get(url("round_add", world)).content.decode()
    )


def test_the_2021_questions_are_refused_for_the_archetypes_and_replaced(
    admin_client, world, archetypes
):
    data = _with_questions(round_post(world, archetypes), DEFAULT_QUESTIONS)
    page = admin_client.post(url("round_add", world), data)
    html = page.content.decode()
    assert page.status_code == 200 and not ConsultationRound.objects.exists()
    assert "The questions are the default questions for a framework of place" in html
    # The archetypes' questions are now offered; the title typed is kept.
    assert ARCHETYPE_QUESTIONS[2]["text"] in html
    assert 'value="Place governance options 2026"' in html
    assert f'action="{url("round_add", world)}?framework={archetypes.pk}"' in html

    again = admin_client.post(
        url("round_add", world) + f"?framework={archetypes.pk}",
        _with_questions(round_post(world, archetypes), ARCHETYPE_QUESTIONS),
    )
    assert again.status_code == 302
    consultation = ConsultationRound.objects.get()
    assert consultation.framework == archetypes
    assert consultation.questions.count() == len(ARCHETYPE_QUESTIONS)
