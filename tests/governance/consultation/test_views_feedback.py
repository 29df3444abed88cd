"""The feedback summary pages: an ICB admin compiles, reviews and releases a round's
anonymised summary in the console; its audiences read and download each part once released,
and never see a place's name or what a place wrote as written."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.consultation.models import (
    ConsultationRound,
    FeedbackSummary,
    JobState,
    RedactionDecision,
    RoundStatus,
    SummaryExport,
)
from partners.models import AuditEvent, Organisation, Place, Role
from tests.conftest import World
from tests.factories import (
    OrganisationFactory,
    PlaceFactory,
    make_member,
    make_round,
    submit_responses,
)
from tests.queries import page_query_count

pytestmark = pytest.mark.django_db

ORGANISATION = "Marlow Valley Healthcare Trust"
FORMATS = ["pdf", "docx", "csv", "xlsx"]
PARTS = ["high_level", "detailed"]


class Consultation:
    """A round of system one whose places submitted responses naming each other, a partner
    organisation and a person, then closed."""

    def __init__(self, world: World, *, responses: int = 3, framework: Any = None) -> None:
        system = world.system
        self.world = world
        places = [world.place_a, world.place_b]
        for name in ["Coldharbour", "Denholme", "Eastleigh"][: max(responses - 2, 0)]:
            places.append(
                Place.objects.filter(system=system, name=name).first()
                or PlaceFactory(system=system, name=name)
            )
        self.places = places[:responses]
        if not Organisation.objects.filter(system=system, name=ORGANISATION).exists():
            OrganisationFactory(system=system, name=ORGANISATION)
        self.person = make_member(place=places[-1]).full_name
        self.round = make_round(
            system=system,
            framework=framework,
            invited_places=self.places,
            title=f"Governance round of {responses} places",
            milestones=[{"title": "Advisory group meets", "due_on": timezone.localdate()}],
        )
        submit_responses(world=world, round=self.round, places=self.places, case=self.case)
        ConsultationRound.objects.filter(pk=self.round.pk).update(
            closes_at=timezone.now() - timedelta(hours=1), status=RoundStatus.CLOSED
        )
        self.round.refresh_from_db()

    def case(self, index: int, place: Place) -> str:
        other = self.places[(index + 1) % len(self.places)].name
        return (
            f"In {place.name} we work with {ORGANISATION} and {self.person}, unlike "
            f"{other}. We meet at the old mill."
        )

    @property
    def names(self) -> list[str]:
        return [place.name for place in self.places] + [ORGANISATION, self.person]

    def url(self, name: str, *args: Any) -> str:
        return reverse(f"console:{name}", args=[self.world.system.slug, self.round.pk, *args])

    def feedback_url(self, name: str, *args: Any) -> str:
        return reverse(f"feedback:{name}", args=[self.world.system.slug, self.round.pk, *args])

    @property
    def summary(self) -> FeedbackSummary:
        return FeedbackSummary.objects.get(round=self.round)


@pytest.fixture
def consultation(world: World) -> Consultation:
    return Consultation(world)


@pytest.fixture
def admin(client, world):
    client.force_login(world.icb_admin)
    return client


def compile_now(client, consultation, capture, **headers: Any):
    """Compile (or recompile, confirmed) through the page; with no broker the job runs as
    soon as the request's transaction commits."""
    with capture(execute=True):
        response = client.post(consultation.url("summary_compile"), {"confirmed": "1"}, **headers)
    assert consultation.summary.state == JobState.COMPLETE, consultation.summary.error
    return response


def release_now(client, consultation, parts: tuple[str, ...] = tuple(PARTS)):
    """Release each of `parts` through its confirmation page's button."""
    for part in parts:
        response = client.post(consultation.url("summary_release", part))
        assert response.status_code == 302
        assert consultation.summary.released_at_of(part) is not None


def test_a_round_not_compiled_yet_offers_to_compile_it(admin, consultation):
    page = admin.get(consultation.url("summary")).content.decode()
    assert "Not compiled yet" in page
    assert "Compile the summary" in page
    assert f'action="{consultation.url("summary_compile")}"' in page
    assert "hx-trigger" not in page


def test_compiling_through_the_page_shows_a_complete_anonymised_preview(
    admin, consultation, django_capture_on_commit_callbacks
):
    response = compile_now(admin, consultation, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == consultation.url("summary")

    page = admin.get(consultation.url("summary")).content.decode()
    assert "Not released" in page
    assert "3 submitted responses" in page
    assert "Place names" in page and "Organisation names" in page
    assert "Preview: what the readers will read" in page
    assert "Place A" in page and "Place C" in page
    assert "[place]" in page and "[organisation]" in page and "[person]" in page
    for name in consultation.names:
        assert name not in page, name
    for part in PARTS:
        assert consultation.url("summary_release", part) in page
        for fmt in FORMATS:
            assert consultation.url("summary_download", part, fmt) in page
    assert consultation.url("summary_review") in page
    assert "hx-trigger" not in page  # complete: nothing polls


def test_a_compilation_refused_says_why(admin, world):
    open_round = make_round(system=world.system)
    url = reverse("console:summary_compile", args=[world.system.slug, open_round.pk])

    page = admin.post(url, follow=True).content.decode()
    assert "There is a problem" in page and "The round is still open" in page

    partial = admin.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'id="summary-panel"' in partial
    assert "The round is still open" in partial
    assert not FeedbackSummary.objects.exists()


def test_release_is_refused_below_the_threshold_with_the_reason(
    admin, world, django_capture_on_commit_callbacks
):
    consultation = Consultation(world, responses=2)
    compile_now(admin, consultation, django_capture_on_commit_callbacks)

    page = admin.get(consultation.url("summary")).content.decode()
    assert "Only 2 places responded" in page
    assert consultation.url("summary_release", "high_level") not in page

    confirm = admin.get(consultation.url("summary_release", "high_level")).content.decode()
    assert "Only 2 places responded" in confirm and "<button" not in confirm.split("<main")[1]
    page = admin.post(
        consultation.url("summary_release", "high_level"), follow=True
    ).content.decode()
    assert "There is a problem" in page and "Only 2 places responded" in page
    assert not consultation.summary.is_released


def test_an_advisory_member_reads_and_downloads_a_released_summary(
    client, world, consultation, django_capture_on_commit_callbacks
):
    client.force_login(world.icb_admin)
    compile_now(client, consultation, django_capture_on_commit_callbacks)
    release_now(client, consultation)

    client.force_login(world.advisory)
    listing = client.get(reverse("feedback:summaries", args=[world.system.slug]))
    assert listing.status_code == 200
    assert consultation.round.title in listing.content.decode()
    assert consultation.feedback_url("summary") in listing.content.decode()

    page = client.get(consultation.feedback_url("summary")).content.decode()
    assert consultation.round.title in page
    assert "Advisory group meets" in page  # the round's timeline
    assert "Place A" in page and "[organisation]" in page
    for name in consultation.names:
        assert name not in page, name
    assert "summary_admin" not in page and "/console/" not in page

    for part in PARTS:
        for fmt in FORMATS:
            export = SummaryExport.objects.get(summary=consultation.summary, part=part, format=fmt)
            response = client.get(consultation.feedback_url("download", part, fmt))
            assert response.status_code == 200
            assert response["Content-Type"] == export.content_type
            assert response["Content-Disposition"].startswith("attachment;")
            assert export.filename in response["Content-Disposition"]
            assert response["Cache-Control"] == "private, no-store"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert b"".join(response.streaming_content) == bytes(export.data)
    downloads = AuditEvent.objects.filter(action="summary.download", actor=world.advisory)
    assert sorted((e.details["part"], e.details["format"]) for e in downloads) == sorted(
        (part, fmt) for part in PARTS for fmt in FORMATS
    )

    assert client.get(consultation.feedback_url("download", "detailed", "exe")).status_code == 404
    assert client.get(consultation.feedback_url("download", "whole", "pdf")).status_code == 404

    home = client.get(reverse("home")).content.decode()
    assert reverse("feedback:summaries", args=[world.system.slug]) in home


def test_the_admin_downloads_from_the_console_and_each_download_is_audited(
    admin, world, consultation, django_capture_on_commit_callbacks
):
    compile_now(admin, consultation, django_capture_on_commit_callbacks)
    response = admin.get(consultation.url("summary_download", "detailed", "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    assert AuditEvent.objects.filter(action="summary.download", actor=world.icb_admin).count() == 1
    assert admin.get(consultation.url("summary_download", "detailed", "txt")).status_code == 404


def test_an_unreleased_summary_and_the_console_are_not_found_for_the_advisory_group(
    client, world, consultation, django_capture_on_commit_callbacks
):
    client.force_login(world.icb_admin)
    compile_now(client, consultation, django_capture_on_commit_callbacks)

    client.force_login(world.advisory)
    listing = client.get(reverse("feedback:summaries", args=[world.system.slug])).content.decode()
    assert "No summary has been released to you yet" in listing
    assert client.get(consultation.feedback_url("summary")).status_code == 404
    assert client.get(consultation.feedback_url("download", "high_level", "pdf")).status_code == 404
    for name in ("summary", "summary_progress", "summary_review"):
        assert client.get(consultation.url(name)).status_code == 404, name
    assert client.get(consultation.url("summary_download", "high_level", "pdf")).status_code == 404
    assert client.post(consultation.url("summary_release", "high_level")).status_code == 404
    assert not consultation.summary.is_released

    # A released summary, once withdrawn, is gone again.
    client.force_login(world.icb_admin)
    release_now(client, consultation)
    for part in PARTS:
        client.post(consultation.url("summary_withdraw", part))
    client.force_login(world.advisory)
    assert client.get(consultation.feedback_url("summary")).status_code == 404

    # A place member is not an advisory member.
    client.force_login(world.member_a)
    assert client.get(reverse("feedback:summaries", args=[world.system.slug])).status_code == 404


def test_the_review_page_shows_both_texts_and_highlights_what_is_removed(
    admin, world, consultation, django_capture_on_commit_callbacks
):
    compile_now(admin, consultation, django_capture_on_commit_callbacks)
    page = admin.get(consultation.url("summary_review")).content.decode()
    assert "As written" in page and "In the summary" in page
    assert '<mark class="app-redaction app-redaction--place">' in page
    assert '<mark class="app-redaction app-redaction--organisation">' in page
    assert '<mark class="app-redaction app-redaction--person">' in page
    assert "[removed (place name): </span>" in page
    assert "We meet at the old mill." in page
    assert "In [place] we work with [organisation] and [person]" in page
    # "Keep this" leads to a confirmation page; it keeps nothing by itself.
    assert f'href="{consultation.url("redaction_keep")}?phrase={world.place_b.name}"' in page
    everyone = int(re.search(r"Texts 1 to \d+ of (\d+)", page).group(1))

    filtered = admin.get(
        consultation.url("summary_review"), {"place": world.place_b.pk}
    ).content.decode()
    assert 0 < int(re.search(r"Texts 1 to \d+ of (\d+)", filtered).group(1)) < everyone
    assert f"{world.place_a.name} <span" not in filtered
    assert f'<option value="{world.place_b.pk}" selected>' in filtered


def test_a_redaction_makes_the_summary_stale_until_it_is_recompiled(
    admin, consultation, django_capture_on_commit_callbacks
):
    compile_now(admin, consultation, django_capture_on_commit_callbacks)
    response = admin.post(
        consultation.url("redaction_add"),
        {"kind": "redact", "phrase": "the old mill", "note": "A landmark"},
    )
    assert response.status_code == 302 and response["Location"] == consultation.url(
        "summary_review"
    )

    page = admin.get(consultation.url("summary")).content.decode()
    assert "Recompile before releasing" in page
    assert "Review choices changed after the summary was compiled" in page
    admin.post(consultation.url("summary_release", "high_level"))
    assert not consultation.summary.is_released

    compile_now(admin, consultation, django_capture_on_commit_callbacks)
    content = json.dumps(consultation.summary.content)
    assert "old mill" not in content and "[redacted]" in content
    page = admin.get(consultation.url("summary")).content.decode()
    assert "Recompile before releasing" not in page
    # A phrase redacted by hand: a second admin approves before anything is released.
    assert "another ICB governance admin must approve" in page
    admin.force_login(make_member(system=consultation.world.system, role=Role.ICB_ADMIN))
    assert admin.post(consultation.url("summary_approve")).status_code == 302
    release_now(admin, consultation)


def test_keeping_a_false_positive_puts_the_phrase_back_after_recompiling(
    admin, consultation, django_capture_on_commit_callbacks
):
    compile_now(admin, consultation, django_capture_on_commit_callbacks)
    assert ORGANISATION not in json.dumps(consultation.summary.content)
    admin.post(
        consultation.url("redaction_keep"),
        {"phrase": ORGANISATION, "note": "The trust covers the whole system"},
    )
    assert ORGANISATION not in json.dumps(consultation.summary.content)

    compile_now(admin, consultation, django_capture_on_commit_callbacks)
    assert ORGANISATION in json.dumps(consultation.summary.content)


def test_review_choices_through_htmx_reply_with_the_review_body_only(
    admin, world, consultation, htmx_headers, django_capture_on_commit_callbacks
):
    compile_now(admin, consultation, django_capture_on_commit_callbacks)
    response = admin.post(
        consultation.url("redaction_add"), {"kind": "redact", "phrase": "old mill"}, **htmx_headers
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<div id="review-body"')
    assert "Redacted by hand" in html and "“old mill”" in html
    assert '<mark class="app-redaction app-redaction--redacted">' in html
    assert "will be redacted everywhere" in html  # the polite status message, out of band

    decision = RedactionDecision.objects.get()
    response = admin.post(consultation.url("redaction_remove", decision.pk), **htmx_headers)
    html = response.content.decode()
    assert "<html" not in html and "Redacted by hand" not in html
    assert not RedactionDecision.objects.exists()

    # Bad input: the error on the form, nothing saved.
    html = admin.post(
        consultation.url("redaction_add"), {"kind": "redact", "phrase": "zz"}, **htmx_headers
    ).content.decode()
    assert "nhsuk-form-group--error" in html and "at least 3 characters" in html
    html = admin.post(
        consultation.url("redaction_add"),
        {"kind": "redact", "phrase": "a phrase nobody wrote"},
        **htmx_headers,
    ).content.decode()
    assert "does not appear in any submitted response" in html
    assert 'value="a phrase nobody wrote"' in html
    keep = {"phrase": ORGANISATION, "note": "Not a place"}
    admin.post(consultation.url("redaction_keep"), keep)
    html = admin.post(consultation.url("redaction_keep"), keep).content.decode()
    assert "There is a problem" in html and "already on the list" in html
    assert RedactionDecision.objects.count() == 1

    # Without JavaScript a refused phrase shows the whole page with the error.
    page = admin.post(consultation.url("redaction_add"), {"kind": "redact", "phrase": ""})
    assert page.status_code == 200 and "<html" in page.content.decode()
    assert "nhsuk-error-message" in page.content.decode()

    # The full page for an HTMX request to the summary is just its panel.
    html = admin.get(consultation.url("summary"), **htmx_headers).content.decode()
    assert "<html" not in html and html.lstrip().startswith('<div id="summary-panel"')


def test_the_progress_panel_polls_while_busy_and_stops_when_complete(
    admin, consultation, django_capture_on_commit_callbacks
):
    compile_now(admin, consultation, django_capture_on_commit_callbacks)
    FeedbackSummary.objects.filter(round=consultation.round).update(
        state=JobState.RUNNING, stage="Writing the PDF file", progress=60
    )
    html = admin.get(consultation.url("summary_progress"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html
    assert f'hx-get="{consultation.url("summary_progress")}" hx-trigger="every 2s"' in html
    assert '<progress id="summary-progress"' in html and 'value="60"' in html
    assert '<label class="nhsuk-label" for="summary-progress">Writing the PDF file</label>' in html
    assert "Release the high-level summary" not in html
    page = admin.get(consultation.url("summary")).content.decode()
    assert "Refresh" in page and 'hx-trigger="every 2s"' in page

    FeedbackSummary.objects.filter(round=consultation.round).update(
        state=JobState.COMPLETE, stage="Complete", progress=100
    )
    html = admin.get(consultation.url("summary_progress"), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html
    assert "Release the high-level summary" in html

    FeedbackSummary.objects.filter(round=consultation.round).update(
        state=JobState.FAILED, error="RuntimeError: the disk is full"
    )
    html = admin.get(consultation.url("summary_progress")).content.decode()
    assert "Compilation failed" in html and "the disk is full" in html and "Try again" in html


def test_the_summary_page_query_count_stays_flat(
    admin, world, consultation, django_capture_on_commit_callbacks
):
    compile_now(admin, consultation, django_capture_on_commit_callbacks)
    admin.post(consultation.url("redaction_add"), {"kind": "redact", "phrase": "old mill"})
    few = page_query_count(admin, consultation.url("summary"))

    bigger = Consultation(world, responses=5, framework=consultation.round.framework)
    compile_now(admin, bigger, django_capture_on_commit_callbacks)
    for phrase in ("old mill", "the old mill", "meet at the old"):
        admin.post(bigger.url("redaction_add"), {"kind": "redact", "phrase": phrase})
    assert page_query_count(admin, bigger.url("summary")) == few
