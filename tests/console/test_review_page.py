"""The redaction review of a compiled summary: its texts a page at a time, filtered by place
and by what was found; possible names to redact; a removed name kept only on a page of its
own, with a reason; who may reach it; and queries that do not grow with the round."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.views.redactions import ReviewState
from governance.catalogue.models import GovernanceOption, Principle
from governance.consultation import anonymise, feedback, feedback_review
from governance.consultation import models as consultation
from partners.models import AuditEvent, Place
from tests.factories import OrganisationFactory, PlaceFactory, make_round
from tests.queries import page_query_count, queries_run_by
from tests.reach import Reach, reaching

pytestmark = pytest.mark.django_db

ORGANISATION = "Marlow Valley Healthcare Trust"
# A surname left in the text: what the scrubber will flag as a possible name.
POSSIBLE = "Whitmore"


@pytest.fixture(autouse=True)
def possible_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scrubber flags possible names (ScrubResult.flags); here, every "Whitmore"."""
    real = anonymise.scrub

    def scrub(text: str, **kwargs: Any) -> anonymise.ScrubResult:
        result = real(text, **kwargs)
        flags = tuple(
            anonymise.Span(match.start(), match.end(), anonymise.POSSIBLE)
            for match in re.finditer(rf"\b{POSSIBLE}\b", text)
        )
        return dataclasses.replace(result, flags=flags)

    monkeypatch.setattr(anonymise, "scrub", scrub)


class Review:
    """A closed round of `places` places (A, B and more), each with three texts: its case
    (a place and an organisation removed), an answer (its place removed) and the reasons for
    one rating (nothing removed; a possible name in every third place's)."""

    def __init__(self, world: Any, framework: Any, capture: Any, *, places: int, prefix: str):
        self.world = world
        system = world.system
        if not OrganisationFactory._meta.model.objects.filter(name=ORGANISATION).exists():
            OrganisationFactory(system=system, name=ORGANISATION)
        self.places = [world.place_a, world.place_b] + [
            PlaceFactory(system=system, name=f"{prefix} {n:02d}") for n in range(places - 2)
        ]
        self.round = make_round(
            system=system,
            framework=framework,
            invited_places=self.places,
            title=f"{prefix} round",
        )
        question = self.round.questions.order_by("order").first()
        option = GovernanceOption.objects.filter(framework=framework).order_by("number").first()
        principle = Principle.objects.filter(framework=framework).order_by("number").first()
        now = timezone.now()
        for index, place in enumerate(self.places):
            response = consultation.PlaceResponse.objects.create(
                round=self.round,
                place=place,
                status=consultation.ResponseStatus.SUBMITTED,
                submitted_at=now,
                proposal_case=f"In {place.name} we work with {ORGANISATION} at the old mill.",
            )
            consultation.Answer.objects.create(
                response=response, question=question, text=f"The board of {place.name} meets."
            )
            consultation.PlaceRating.objects.create(
                response=response,
                option=option,
                option_set=str(option.number),
                principle=principle,
                band="high",
                reasons=(
                    f"Mrs {POSSIBLE} chairs it." if index % 3 == 0 else "The budget is small."
                ),
            )
        consultation.ConsultationRound.objects.filter(pk=self.round.pk).update(
            closes_at=now - timedelta(hours=1), status=consultation.RoundStatus.CLOSED
        )
        with capture(execute=True):
            feedback.summary_request_compile(actor=world.icb_admin, round=self.round)
        assert self.summary.state == consultation.JobState.COMPLETE, self.summary.error

    @property
    def summary(self) -> consultation.FeedbackSummary:
        return consultation.FeedbackSummary.objects.get(round=self.round)

    def url(self, name: str, *args: Any) -> str:
        return reverse(f"console:{name}", args=[self.world.system.slug, self.round.pk, *args])


@pytest.fixture
def review(world, framework, django_capture_on_commit_callbacks) -> Review:
    return Review(world, framework, django_capture_on_commit_callbacks, places=12, prefix="Upton")


def items_on(page: str) -> int:
    return page.count('class="app-review-item"')


def texts_of(page: str) -> str:
    """The page below its filters and choices: the texts and their pages."""
    return page.split('id="review-texts"')[1]


# The index ---------------------------------------------------------------------------------


def test_compiling_indexes_every_non_empty_text_with_what_was_found(review):
    rows = list(consultation.ReviewText.objects.filter(summary=review.summary).order_by("order"))
    assert len(rows) == 12 * 3  # the empty "what is missing" of each rating is left out
    assert [row.order for row in rows] == list(range(36))
    first = rows[:3]
    assert [row.source for row in first] == ["case", "answer", "reasons"]
    assert [row.removed for row in first] == [2, 1, 0]
    assert sum(row.possible for row in rows) == 4  # places 0, 3, 6 and 9
    # The index holds where each text is, never the text.
    assert not any("old mill" in row.where for row in rows)


def test_recompiling_replaces_the_index(review, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        feedback.summary_request_compile(actor=None, round=review.round)
    assert consultation.ReviewText.objects.filter(summary=review.summary).count() == 36


def test_the_cached_gazetteer_is_rebuilt_as_soon_as_a_name_changes(world):
    first = feedback_review.cached_gazetteer(system=world.system)
    assert feedback_review.cached_gazetteer(system=world.system) is first
    # Even a change that bypasses save() (no timestamp to compare) is seen.
    Place.objects.filter(pk=world.place_b.pk).update(name="Brookfield Vale")
    renamed = feedback_review.cached_gazetteer(system=world.system)
    assert renamed is not first
    assert anonymise.scrub("At Brookfield Vale.", gazetteer=renamed).text == "At [place]."


def test_a_phrase_a_text_holds_is_always_in_its_fold():
    """The fold only rules texts out: whatever run of tokens a text holds, joined, is in it."""

    @reaching(
        given(st.text()),
        settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture]),
    )
    def check(reach: Reach, text) -> None:
        tokens = anonymise.phrase_tokens(text)
        folded = feedback_review._folded(text)
        reach.assertion()
        for start in range(len(tokens)):
            for end in range(start + 1, min(len(tokens), start + 3) + 1):
                assert "".join(tokens[start:end]) in folded

    check()


@pytest.mark.parametrize(
    ("written", "phrase"),
    [
        ("We met at St. Mary’s Hospital.", "St Marys hospital"),
        ("Lunch at the CAFÉ Royal", "cafe royal"),
        ("The A.B.H. board", "ABH board"),
        ("Barts & the London", "Barts and the London"),
    ],
)
def test_a_phrase_is_found_however_it_is_written(world, review, written, phrase):
    consultation.PlaceResponse.objects.filter(round=review.round, place=world.place_b).update(
        proposal_case=written
    )
    assert feedback_review.texts_with_phrase(round=review.round, phrase=phrase) == 1
    assert feedback_review.texts_with_phrase(round=review.round, phrase=f"{phrase} zz") == 0


# Paging and filters ------------------------------------------------------------------------


def test_a_round_not_compiled_yet_says_so_and_links_to_compile(admin_client, world):
    uncompiled = make_round(system=world.system)
    url = reverse("console:summary_review", args=[world.system.slug, uncompiled.pk])
    page = admin_client.get(url).content.decode()
    assert "The summary has not been compiled yet" in page
    assert reverse("console:summary", args=[world.system.slug, uncompiled.pk]) in page
    assert "app-review-item" not in page


def test_the_review_shows_twenty_texts_a_page_and_scrubs_only_those(
    admin_client, review, monkeypatch
):
    scrubbed: list[str] = []
    scrub = anonymise.scrub
    monkeypatch.setattr(
        anonymise, "scrub", lambda text, **kw: scrubbed.append(text) or scrub(text, **kw)
    )

    page = admin_client.get(review.url("summary_review")).content.decode()
    assert items_on(page) == 20 and len(scrubbed) == 20
    assert "Texts 1 to 20 of 36" in page
    assert 'aria-label="Page 2"' in page and 'rel="next"' in page
    # Places in name order: the last places' texts are on the second page only.
    assert "Upton 09" not in texts_of(page)

    second = admin_client.get(review.url("summary_review"), {"page": 2}).content.decode()
    assert items_on(second) == 16 and "Texts 21 to 36 of 36" in second
    assert "Upton 09" in texts_of(second) and 'rel="prev"' in second
    # A page past the end shows the last.
    assert (
        "Texts 21 to 36 of 36"
        in admin_client.get(review.url("summary_review"), {"page": 99}).content.decode()
    )


def test_the_review_filters_by_place_and_by_what_was_found(admin_client, world, review):
    url = review.url("summary_review")
    page = admin_client.get(url, {"place": world.place_b.pk}).content.decode()
    assert items_on(page) == 3 and "Texts 1 to 3 of 3" in page
    assert f'<option value="{world.place_b.pk}" selected>' in page
    assert "Upton" not in texts_of(page)

    removed = admin_client.get(url, {"show": "removed"}).content.decode()
    assert "Texts 1 to 20 of 24" in removed  # each place's case and answer
    assert "The budget is small" not in removed

    possible = admin_client.get(url, {"show": "possible"}).content.decode()
    assert items_on(possible) == 4
    assert possible.count('<mark class="app-possible">') == 4
    assert "possible name</span>" in possible and "[possible name, left in: </span>" in possible
    assert "Texts with possible names (4)" in possible

    # Filters combine, and a place that has none says so.
    none = admin_client.get(url, {"place": world.place_b.pk, "show": "possible"}).content.decode()
    assert items_on(none) == 0 and "No text from Brookfield has a possible name" in none

    # Paging keeps the filter.
    everything = admin_client.get(url, {"show": "", "place": ""}).content.decode()
    assert 'href="' + url + '?page=2"' in everything


def test_the_reviewers_place_filter_and_page_survive_every_link_and_form():
    state = ReviewState(place_id=1, show="possible", page=1)
    assert state.fields == [("place", "1"), ("show", "possible")]
    assert state.query(page=3) == "?place=1&show=possible&page=3"
    assert state.query(page=1) == "?place=1&show=possible"
    assert ReviewState().query() == ""
    assert ReviewState.of(QueryDict("place=x&show=nonsense&page=-2")) == ReviewState()


def test_redact_this_on_a_possible_name_redacts_it_and_comes_back_to_the_page(
    admin_client, review, htmx_headers
):
    url = review.url("summary_review")
    possible = admin_client.get(url, {"show": "possible"}).content.decode()
    assert f'<input type="hidden" name="phrase" value="{POSSIBLE}">' in possible
    assert '<input type="hidden" name="show" value="possible">' in possible

    response = admin_client.post(
        review.url("redaction_add"), {"phrase": POSSIBLE, "show": "possible"}
    )
    assert response.status_code == 302 and response["Location"] == f"{url}?show=possible"
    decision = consultation.RedactionDecision.objects.get(round=review.round)
    assert (decision.kind, decision.phrase) == (consultation.RedactionKind.REDACT, POSSIBLE)

    page = admin_client.get(url, {"show": "possible"}).content.decode()
    assert '<mark class="app-redaction app-redaction--redacted">' in page
    assert "Your review choices have changed since the summary was compiled" in page

    # Over htmx, the body comes back in place.
    decision.delete()
    html = admin_client.post(
        review.url("redaction_add"), {"phrase": POSSIBLE, "show": "possible"}, **htmx_headers
    ).content.decode()
    assert html.lstrip().startswith('<div id="review-body"')
    assert "will be redacted everywhere" in html


# Keeping a name ----------------------------------------------------------------------------


def keep_url(review: Review, phrase: str, **state: Any) -> str:
    from urllib.parse import urlencode

    return review.url("redaction_keep") + "?" + urlencode({"phrase": phrase, **state})


def test_keep_this_leads_to_a_confirmation_page_that_keeps_nothing(admin_client, world, review):
    page = admin_client.get(review.url("summary_review"), {"page": 2}).content.decode()
    link = keep_url(review, "Upton 09", page=2)
    assert f'href="{escape(link)}"' in page
    assert not consultation.RedactionDecision.objects.exists()

    confirmation = admin_client.get(link).content.decode()
    assert "Keep “Upton 09” as written?" in confirmation
    assert "Place name" in confirmation  # what the scrubber took it for
    assert "2 texts of this round" in confirmation  # its case and its answer
    assert "appears as written wherever it occurs" in confirmation
    assert "A second ICB admin must approve the summary" in confirmation
    assert '<input type="hidden" name="page" value="2">' in confirmation
    assert f'href="{review.url("summary_review")}?page=2"' in confirmation  # back, and cancel
    assert not consultation.RedactionDecision.objects.exists()

    organisation = admin_client.get(keep_url(review, ORGANISATION)).content.decode()
    assert "Organisation name" in organisation and "12 texts of this round" in organisation


def test_keeping_needs_a_reason(admin_client, review):
    response = admin_client.post(
        review.url("redaction_keep"), {"phrase": "Upton 09", "note": "  ", "page": "2"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "Enter why this name does not identify a place or person" in page
    assert 'href="#id_note"' in page  # the error summary links to the field
    assert '<input type="hidden" name="phrase" value="Upton 09">' in page
    assert not consultation.RedactionDecision.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="redaction").exists()


def test_the_service_refuses_a_keep_without_a_reason(world, review):
    with pytest.raises(ValidationError) as refused:
        feedback_review.redaction_add(
            actor=world.icb_admin,
            round=review.round,
            kind=consultation.RedactionKind.KEEP,
            phrase="Upton 09",
        )
    assert refused.value.message_dict == {
        "note": ["Enter why this name does not identify a place or person"]
    }
    assert not consultation.RedactionDecision.objects.exists()


def test_keeping_with_a_reason_saves_it_and_returns_to_the_page(admin_client, world, review):
    reason = "Upton is the name of the programme here, not the place"
    response = admin_client.post(
        review.url("redaction_keep"),
        {"phrase": "Upton 09", "note": reason, "page": "2", "show": "removed"},
    )
    back = review.url("summary_review") + "?show=removed&page=2"
    assert response.status_code == 302 and response["Location"] == back
    decision = consultation.RedactionDecision.objects.get(round=review.round)
    assert (decision.kind, decision.phrase, decision.note) == (
        consultation.RedactionKind.KEEP,
        "Upton 09",
        reason,
    )
    assert decision.created_by == world.icb_admin

    page = admin_client.get(back).content.decode()
    assert "“Upton 09” will be kept as written" in page
    assert "Kept as written" in page and reason in page
    # The audit row never holds the phrase nor the reason: either may identify a place.
    event = AuditEvent.objects.get(action="redaction.keep")
    assert "Upton 09" not in str(event.__dict__) and reason not in str(event.__dict__)


def test_removing_a_choice_is_confirmed_on_its_page_and_returns_to_the_review(
    admin_client, world, review
):
    decision = consultation.RedactionDecision.objects.create(
        round=review.round,
        kind=consultation.RedactionKind.KEEP,
        phrase="Upton 09",
        note="The programme's name",
        created_by=world.icb_admin,
    )
    remove_url = review.url("redaction_remove", decision.pk)
    back = review.url("summary_review") + "?show=removed&page=2"
    page = admin_client.get(back).content.decode()
    # The choice links to its confirmation, carrying the filter and page; it does not post.
    assert f'href="{remove_url}?show=removed&amp;page=2"' in page
    assert f'action="{remove_url}"' not in page

    confirm = admin_client.get(remove_url, {"show": "removed", "page": "2"}).content.decode()
    assert "Remove “Upton 09” from the kept phrases?" in confirm
    assert f'href="{escape(back)}">Cancel</a>' in confirm
    assert consultation.RedactionDecision.objects.filter(pk=decision.pk).exists()

    response = admin_client.post(remove_url, {"show": "removed", "page": "2"})
    assert response.status_code == 302 and response["Location"] == back
    assert not consultation.RedactionDecision.objects.filter(pk=decision.pk).exists()
    page = admin_client.get(back).content.decode()
    assert "“Upton 09” is no longer kept as written." in page
    assert "Kept as written" not in page


def test_a_keep_confirmation_without_a_phrase_goes_back_to_the_review(admin_client, review):
    response = admin_client.get(review.url("redaction_keep"), {"page": 2})
    assert response.status_code == 302
    assert response["Location"] == review.url("summary_review") + "?page=2"


# Who may reach it --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member_a", "lead_a", "advisory", "other_icb_admin", "outsider"])
def test_only_the_systems_icb_admins_reach_the_review(client, world, review, who):
    client.force_login(getattr(world, who))
    gets = [
        review.url("summary_review"),
        review.url("summary_review") + "?show=possible&page=2",
        keep_url(review, "Upton 09"),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        (review.url("redaction_add"), {"phrase": POSSIBLE}),
        (review.url("redaction_keep"), {"phrase": "Upton 09", "note": "A reason"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert not consultation.RedactionDecision.objects.exists()
    assert not AuditEvent.objects.filter(actor=getattr(world, who)).exists()


def test_anonymous_people_are_sent_to_sign_in(client, review):
    response = client.get(keep_url(review, "Upton 09"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_round_of_another_system_is_not_found(admin_client, world, framework):
    other = make_round(system=world.other_system, framework=framework, title="Elsewhere")
    for name in ("summary_review", "redaction_keep"):
        url = reverse(f"console:{name}", args=[world.system.slug, other.pk])
        assert admin_client.get(url, {"phrase": "Upton 09"}).status_code == 404, name
    url = reverse("console:redaction_keep", args=[world.system.slug, other.pk])
    assert admin_client.post(url, {"phrase": "Upton 09", "note": "A reason"}).status_code == 404


# Queries -----------------------------------------------------------------------------------


def test_the_review_reads_as_many_queries_for_thirty_places_as_for_five(
    admin_client, world, framework, django_capture_on_commit_callbacks, htmx_headers
):
    def counts(review: Review) -> list[int]:
        url = review.url("summary_review")
        place = {"place": world.place_b.pk}
        result = [
            page_query_count(admin_client, url),
            page_query_count(admin_client, url, place),
            page_query_count(admin_client, url, {"show": "possible"}),
            page_query_count(admin_client, review.url("redaction_keep"), {"phrase": "Ashford"}),
        ]

        def redact() -> None:
            response = admin_client.post(
                review.url("redaction_add"), {"phrase": "old mill"}, **htmx_headers
            )
            assert response.status_code == 200

        def keep() -> None:
            response = admin_client.post(
                review.url("redaction_keep"), {"phrase": "Ashford", "note": "A reason"}
            )
            assert response.status_code == 302

        result += [queries_run_by(redact), queries_run_by(keep)]
        decision = consultation.RedactionDecision.objects.filter(round=review.round).first()
        result.append(
            queries_run_by(lambda: admin_client.post(review.url("redaction_remove", decision.pk)))
        )
        return result

    capture = django_capture_on_commit_callbacks
    few = counts(Review(world, framework, capture, places=5, prefix="Few"))
    many = counts(Review(world, framework, capture, places=30, prefix="Many"))
    assert many == few
    assert max(few) <= 30, few


# The most queries each action may take, whatever the round's size: the four every console
# page reads (session, person, second factor, system), the round with its summary, the review
# choices, the places with their counts, the page's texts with their current text, and the
# two the gazetteer's names take (the partners' names in one query, the committees' in
# another; plus the navigation on a whole page). A change adds its transaction (two), its row
# and its audit row; redacting also checks that the phrase is new and reads the texts once;
# removing reads the choice with the others, which the body then shows without reading them
# again.
MOST_QUERIES = {
    "review": 11,
    "review, one place": 11,
    "review, possible names": 11,
    "review body (htmx)": 10,
    "keep confirmation": 9,
    "redact (htmx: the review body back)": 16,
    "keep with a reason": 10,
    "remove a choice (htmx: the review body back)": 14,
}


def test_each_review_action_reads_no_more_queries_for_many_texts_than_for_few(
    admin_client, world, framework, django_capture_on_commit_callbacks, htmx_headers
):
    def counts(review: Review) -> dict[str, int]:
        url = review.url("summary_review")
        result = {
            "review": page_query_count(admin_client, url),
            "review, one place": page_query_count(admin_client, url, {"place": world.place_b.pk}),
            "review, possible names": page_query_count(admin_client, url, {"show": "possible"}),
            "review body (htmx)": page_query_count(admin_client, url, {"page": 2}, **htmx_headers),
            "keep confirmation": page_query_count(
                admin_client, review.url("redaction_keep"), {"phrase": "Ashford"}
            ),
        }

        def redact() -> None:
            response = admin_client.post(
                review.url("redaction_add"), {"phrase": "old mill"}, **htmx_headers
            )
            assert response.status_code == 200 and "will be redacted" in response.content.decode()

        def keep() -> None:
            response = admin_client.post(
                review.url("redaction_keep"), {"phrase": "Ashford", "note": "A reason"}
            )
            assert response.status_code == 302

        result["redact (htmx: the review body back)"] = queries_run_by(redact)
        result["keep with a reason"] = queries_run_by(keep)
        decision = consultation.RedactionDecision.objects.get(round=review.round, phrase="Ashford")

        def remove() -> None:
            response = admin_client.post(
                review.url("redaction_remove", decision.pk), **htmx_headers
            )
            assert response.status_code == 200 and "no longer" in response.content.decode()

        result["remove a choice (htmx: the review body back)"] = queries_run_by(remove)
        return result

    capture = django_capture_on_commit_callbacks
    few = counts(Review(world, framework, capture, places=5, prefix="Few"))
    many = counts(Review(world, framework, capture, places=40, prefix="Many"))
    assert many == few
    assert all(few[action] <= most for action, most in MOST_QUERIES.items()), few
