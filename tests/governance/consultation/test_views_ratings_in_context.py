"""Ratings in the context of a combination on a place's response: the optional cells of
each option in a combination the framework rates it in, shown beside the framework's own
rating of that option there, saved by htmx and without JavaScript at an address that names
the option set, and compared with the suggestion in the compiled summary."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from governance.consultation.models import PlaceRating, PlaceResponse, ResponseStatus
from governance.consultation.responses import response_missing_items
from tests.factories import complete_response, make_round
from tests.governance.consultation.test_views_proposal import option_page, urls

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def consultation(world):
    return make_round(system=world.system)


def context_cell(consultation, number: int, principle_number: int = 1):
    framework = consultation.framework
    option = framework.options.get(number=number)
    principle = framework.principles.get(number=principle_number)
    return option, principle, f"rating-{option.pk}-{principle.pk}-in-1-4"


def in_context_fields(key: str, *, version: int = 0, band: str = "high") -> dict[str, str]:
    return {
        f"{key}-band": band,
        f"{key}-qualifier": "",
        f"{key}-reasons": "The board takes what the director cannot.",
        f"{key}-agreement": "disagree",
        f"{key}-missing_from_analysis": "",
        f"{key}-version": str(version),
    }


def test_each_option_of_a_combination_shows_its_own_suggestion(client, world, consultation):
    client.force_login(world.member_a)
    for number, band in ((1, "MEDIUM"), (4, "LOW/MEDIUM")):
        page = client.get(option_page(world, consultation, number)).content.decode()
        other = 5 - number
        _, _, key = context_cell(consultation, number)
        cell = page[page.index(f'id="{key}"') :]
        cell = cell[: cell.index("</fieldset>")]
        assert f"Option {number} with option {other} against Principle 1 name (optional)" in cell
        assert f"Suggested rating: <strong>{band}</strong>" in cell
        assert f'hx-post="{urls(world, consultation, "rating_in_context", *key_args(key))}"' in cell


def key_args(key: str) -> list[object]:
    _, option, principle, _, *numbers = key.split("-")
    return [int(option), int(principle), "+".join(numbers)]


def test_a_place_rates_option_1_in_the_context_of_1_4_by_htmx(client, world, consultation):
    option, principle, key = context_cell(consultation, 1)
    url = urls(world, consultation, "rating_in_context", option.pk, principle.pk, "1+4")
    assert url.endswith(f"/ratings/{option.pk}/{principle.pk}/1+4/")
    client.force_login(world.member_a)
    reply = client.post(url, in_context_fields(key), HTTP_HX_REQUEST="true")
    html = reply.content.decode()
    assert reply.status_code == 200 and "<html" not in html
    assert "Saved at" in html and f'name="{key}-version" value="1"' in html
    rating = PlaceRating.objects.get()
    assert (rating.option_set, rating.band) == ("1+4", "high")
    assert rating.option == option and rating.principle == principle
    # The cell of option 1 alone is another cell, still to rate; nothing more is required.
    response = PlaceResponse.objects.get()
    missing = [item.anchor for item in response_missing_items(response=response)]
    assert f"rating-{option.pk}-{principle.pk}" in missing and key not in missing
    # Option 1's page shows it, and the history names the context and links to it there.
    page = client.get(option_page(world, consultation, 1)).content.decode()
    assert "The board takes what the director cannot." in page
    assert '<details class="nhsuk-details app-rating-context" open>' in page
    history = client.get(urls(world, consultation, "history")).content.decode()
    assert "Option 1 with option 4 against Principle 1: Rating" in history
    assert f'href="{option_page(world, consultation, 1)}#{key}"' in history


def test_without_javascript_the_ratings_section_saves_a_cell_in_context(
    client, world, consultation
):
    option, principle, key = context_cell(consultation, 4, 2)
    client.force_login(world.member_a)
    data = in_context_fields(key, band="low")
    response = client.post(option_page(world, consultation, 4), data)
    # "Save and continue" goes on to option 5's page.
    assert response.status_code == 302
    assert response["Location"] == option_page(world, consultation, 5)
    rating = PlaceRating.objects.get()
    assert (rating.option_set, rating.band) == ("1+4", "low")
    assert rating.option == option and rating.principle == principle
    # A stale save is refused on the page, with both versions and what was typed kept.
    stale = in_context_fields(key, band="medium")
    page = client.post(option_page(world, consultation, 4), stale).content.decode()
    assert "There is a problem" in page and f'href="#{key}"' in page
    assert PlaceRating.objects.get().band == "low"


@pytest.mark.parametrize(
    ("number", "option_set"),
    [(2, "1+4"), (2, "2+3"), (5, "1+5"), (1, "1+2"), (1, "2")],
    ids=["not in the set", "not rated there", "not allowed", "not allowed with 1", "another"],
)
def test_a_cell_the_framework_does_not_rate_is_not_found(
    client, world, consultation, number, option_set
):
    option = consultation.framework.options.get(number=number)
    principle = consultation.framework.principles.first()
    url = urls(world, consultation, "rating_in_context", option.pk, principle.pk, option_set)
    client.force_login(world.member_a)
    assert client.get(url).status_code == 404
    assert client.post(url, in_context_fields("x"), HTTP_HX_REQUEST="true").status_code == 404
    assert not PlaceRating.objects.exists()


@pytest.mark.parametrize("written", ["4+1", "1++4", "01+4", "1+4+", "one"])
def test_only_a_canonical_option_set_is_an_address(client, world, consultation, written):
    option, principle, _ = context_cell(consultation, 1)
    base = urls(world, consultation, "rating", option.pk, principle.pk)
    client.force_login(world.member_a)
    assert client.get(f"{base}{written}/").status_code == 404


def test_the_address_of_an_option_alone_still_means_alone(client, world, consultation):
    option, principle, _ = context_cell(consultation, 1)
    client.force_login(world.member_a)
    key = f"rating-{option.pk}-{principle.pk}"
    for url in (
        urls(world, consultation, "rating", option.pk, principle.pk),
        urls(world, consultation, "rating_in_context", option.pk, principle.pk, "1"),
    ):
        fields = in_context_fields(key, version=PlaceRating.objects.count())
        reply = client.post(url, fields, HTTP_HX_REQUEST="true")
        assert "Saved at" in reply.content.decode()
    assert list(PlaceRating.objects.values_list("option_set", flat=True)) == ["1"]


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "without javascript"])
def test_a_rating_in_context_reaches_the_summary_beside_the_suggested_one(
    client, world, consultation, htmx
):
    """Option 1 rated in the context of 1+4, through the page, is compared in the compiled
    summary with the framework's MEDIUM for option 1 there."""
    from governance.consultation.feedback_content import build_content
    from governance.consultation.models import ConsultationRound

    option, principle, key = context_cell(consultation, 1)
    client.force_login(world.member_a)
    if htmx:
        url = urls(world, consultation, "rating_in_context", option.pk, principle.pk, "1+4")
        assert "Saved at" in client.post(url, in_context_fields(key), **HX).content.decode()
    else:
        data = in_context_fields(key)
        assert client.post(option_page(world, consultation, 1), data).status_code == 302
    response = complete_response(response=PlaceResponse.objects.get(), actor=world.member_a)
    client.force_login(world.lead_a)
    assert client.post(urls(world, consultation, "submit")).status_code == 302
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    ConsultationRound.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1), suppression_threshold=1
    )
    consultation.refresh_from_db()
    content = build_content(round=consultation).content
    row = next(r for r in content["heatmap_in_context"] if r["label"] == "Option 1 with option 4")
    cell = row["cells"][0]
    assert (cell["suggested_label"], cell["rated"]) == ("MEDIUM", 1)
    assert {d["band"]: d["count"] for d in cell["distribution"]}["high"] == 1
    assert cell["verdict_text"] == "Most places rate it differently from the suggestion"
    comments = content["detailed"]["options"][0]["contexts"][0]["principles"][0]["comments"]
    assert [(c["band_label"], c["agreement_label"]) for c in comments] == [("HIGH", "Disagree")]
