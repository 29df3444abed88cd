"""A consultation round ends in a real browser: the ICB admin closes it early, compiles the
anonymised feedback summary and watches its progress bar turn into the finished summary
without a reload, redacts a phrase that still gives a place away, keeps a false positive with
a reason and recompiles; a second ICB admin checks and approves those choices; the high-level
summary is released to the advisory and oversight groups, then the detailed review to the
advisory group alone. An oversight group member reads only the high-level summary; an advisory
group member reads and downloads the detailed review and finds no place, partner organisation
or person named. The pages on the way meet no serious accessibility problem."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.urls import reverse
from playwright.sync_api import Page, Response, Route, expect

from governance import tasks as governance_tasks
from governance.consultation import feedback, rounds, summary_release
from governance.consultation.models import (
    ConsultationRound,
    FeedbackSummary,
    JobState,
    RoundStatus,
    SummaryPart,
)
from partners.models import Place, Role
from tests.browser.conftest import (
    assert_accessible,
    assert_same_document,
    mark_document,
    sign_in,
)
from tests.conftest import World
from tests.factories import (
    OrganisationAliasFactory,
    OrganisationFactory,
    PlaceFactory,
    make_member,
    make_round,
    submit_responses,
)

pytestmark = pytest.mark.browser

ORGANISATION = "Marlow Valley Healthcare Trust"
TITLE = "Governance options 2026"
# A phrase no scrubber can know identifies a place: the reviewer redacts it by hand.
GIVEAWAY = "the only coastal place"
# The organisation's nickname, which the scrubber also finds inside a national body's name:
# a false positive the reviewer keeps, with a reason.
NICKNAME = "the Royal"
NATIONAL_BODY = "the Royal College of Nursing"


@dataclass
class Consultation:
    """An open round of three places whose submitted responses name each other, a partner
    organisation and a person."""

    world: World
    round: ConsultationRound
    places: list[Place]
    person: str

    @property
    def place_names(self) -> list[str]:
        return [place.name for place in self.places]

    @property
    def names(self) -> list[str]:
        return [*self.place_names, ORGANISATION, self.person]

    @property
    def slug(self) -> str:
        return self.world.system.slug

    def console_url(self, name: str) -> str:
        return reverse(name, args=[self.world.system.slug, self.round.pk])

    def summary_url(self, name: str) -> str:
        return reverse(f"console:{name}", args=[self.world.system.slug, self.round.pk])


def open_consultation(world: World) -> Consultation:
    system = world.system
    coldharbour = cast(Place, PlaceFactory(system=system, name="Coldharbour"))
    places = [world.place_a, world.place_b, coldharbour]
    organisation = OrganisationFactory(system=system, name=ORGANISATION)
    OrganisationAliasFactory(organisation=organisation, system=system, alias=NICKNAME)
    person = make_member(place=places[-1]).full_name
    consultation = make_round(system=system, invited_places=places, title=TITLE)

    def case(index: int, place: Place) -> str:
        neighbour = places[(index + 1) % len(places)].name
        text = (
            f"In {place.name} we work closely with {ORGANISATION}, and {person} chairs our "
            f"board, unlike {neighbour}."
        )
        if index == len(places) - 1:
            text += (
                f" As {GIVEAWAY} in the system we need our own arrangement, as "
                f"{NATIONAL_BODY} advises."
            )
        return text

    submit_responses(world=world, round=consultation, places=places, case=case)
    consultation.refresh_from_db()
    assert consultation.status == RoundStatus.OPEN
    return Consultation(world=world, round=consultation, places=places, person=person)


def watch_htmx_refusals(page: Page) -> list[str]:
    """Every HTMX request (GET polls included) the app answered with a 4xx or 5xx."""
    refused: list[str] = []

    def record(response: Response) -> None:
        if response.status >= 400 and response.request.headers.get("hx-request"):
            refused.append(f"{response.status} {response.request.method} {response.url}")

    page.on("response", record)
    return refused


def serialise_polls(page: Page) -> None:
    """Let the summary panel's polls reach the live server only while the test is inside a
    Playwright call. The test thread and the live server may share one database connection
    (SQLite in memory), so a poll must never be served while the test itself runs the
    compilation job."""

    def forward(route: Route) -> None:
        route.fulfill(response=route.fetch())

    page.route("**/summary/progress/", forward)


def expect_anonymised(region: Any, consultation: Consultation, *shown: str) -> None:
    """The region shows places by label, names as markers and each of `shown`, and no name
    the places wrote."""
    for text in ("Place A", "[organisation]", *shown):
        expect(region).to_contain_text(text)
    for name in consultation.names:
        expect(region).not_to_contain_text(name)


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_admin_closes_compiles_redacts_and_releases_and_the_advisory_group_reads_it(
    page: Page, live_server: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    consultation = open_consultation(world)
    refused = watch_htmx_refusals(page)
    serialise_polls(page)

    # The job is queued, not run: the test runs it itself, so the progress bar is real.
    queued: list[tuple[int, int]] = []

    def queue(*, summary_id: int, generation: int) -> None:
        queued.append((summary_id, generation))

    monkeypatch.setattr(governance_tasks.compile_feedback_summary, "delay", queue)

    # The ICB admin finds the round in the console and closes it now.
    sign_in(page, live_server, world.icb_admin)
    page.goto(live_server.url + reverse("console:rounds", args=[world.system.slug]))
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    # A link styled as a button: it opens the confirmation page.
    page.get_by_role("button", name="Close the round now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Close the round now")
    page.get_by_label("Reason (optional)").fill("Every place has responded.")
    page.get_by_role("button", name="Close the round now").click()
    expect(page.get_by_text(f"Closed {TITLE} for every place")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("button", name="Close the round now")).to_have_count(0)
    consultation.round.refresh_from_db()
    assert consultation.round.status == RoundStatus.CLOSED

    # The summary page: compiling queues the job and shows its progress bar.
    page.get_by_role("link", name="Go to the feedback summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anonymised feedback summary")
    expect(page.get_by_text("Not compiled yet")).to_be_visible()
    mark_document(page)
    page.get_by_role("button", name="Compile the summary").click()
    panel = page.locator("#summary-panel")
    expect(panel.locator("progress")).to_be_visible()
    expect(panel).to_contain_text("Waiting to start")
    expect(panel.get_by_text("Waiting for a worker")).to_be_visible()
    expect(page.locator("#summary-preview")).to_have_count(0)
    assert len(queued) == 1, queued
    summary_id, generation = queued[0]

    # The worker runs the job; the panel, polling, turns into the finished summary.
    assert feedback.summary_compile(summary_id=summary_id, generation=generation)
    preview = page.locator("#summary-preview")
    expect(preview).to_be_visible()
    expect(panel.locator("progress")).to_have_count(0)
    expect(panel).to_contain_text("Not released")
    expect(panel).to_contain_text("3 submitted responses")
    assert_same_document(page)
    expect_anonymised(preview, consultation, "[person]", GIVEAWAY)

    # The review: the give-away phrase is redacted everywhere; the summary must be recompiled.
    page.get_by_role("link", name="Review what was removed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review what was removed")
    # The review pages through the texts: show the place that wrote the give-away.
    page.get_by_label("Place", exact=True).select_option(label=consultation.places[-1].name)
    page.get_by_role("button", name="Show texts").click()
    expect(page.get_by_role("heading", level=2, name=consultation.places[-1].name)).to_be_visible()
    mark_document(page)
    page.get_by_label("Phrase to redact").fill(GIVEAWAY)
    page.get_by_label("Why (optional)").fill("Only one place is on the coast.")
    page.get_by_role("button", name="Redact this phrase").click()
    expect(page.locator("#app-status")).to_contain_text(
        f"“{GIVEAWAY}” will be redacted everywhere. Recompile the summary"
    )
    review = page.locator("#review-body")
    expect(review).to_contain_text("Your review choices have changed since the summary was")
    expect(review.locator(".app-review__decisions")).to_contain_text(f"“{GIVEAWAY}”")
    expect(review.locator(".app-review-item__text--scrubbed", has_text="[redacted]")).to_have_count(
        1
    )
    assert_same_document(page)

    # "the Royal" inside a national body's name is not the trust: keep it, with a reason.
    page.get_by_role("link", name=NICKNAME).filter(has_text="Keep this").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Keep “{NICKNAME}” as written?")
    page.get_by_role("button", name="Keep it as written").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter why")
    page.get_by_label("Why does this name not identify a place or person?").fill(
        "A national body, not the hospital trust."
    )
    page.get_by_role("button", name="Keep it as written").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review what was removed")
    expect(page.locator(".app-review__decisions", has_text="Why:")).to_contain_text(NICKNAME)

    # Recompiling is confirmed on a page of its own; the job then runs as it would with no
    # broker, within the request.
    monkeypatch.undo()
    page.get_by_role("button", name="Recompile the summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recompile the summary")
    expect(page.locator("#consequences")).to_contain_text("Places get new labels")
    page.get_by_role("button", name="Recompile the summary").click()
    expect(page.get_by_text("Compiled the feedback summary.")).to_be_visible()
    expect(preview).to_be_visible()
    expect(preview).to_contain_text("[redacted]")
    expect(preview).not_to_contain_text(GIVEAWAY)
    expect(preview).to_contain_text(NATIONAL_BODY)
    expect(page.get_by_text("Recompile before releasing")).to_have_count(0)
    summary = FeedbackSummary.objects.get(round=consultation.round)
    assert summary.state == JobState.COMPLETE and summary.generation == generation + 1

    # The admin who made the choices may not release, nor approve their own choices.
    expect(panel).to_contain_text("another ICB governance admin must approve")
    expect(page.get_by_role("link", name="Release the high-level summary")).to_have_count(0)
    expect(page.get_by_role("link", name="Check and approve the review choices")).to_have_count(0)

    # A second ICB admin checks the choices and approves them.
    second_admin = make_member(system=world.system, role=Role.ICB_ADMIN)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, second_admin)
    page.goto(live_server.url + consultation.summary_url("summary"))
    page.get_by_role("link", name="Check and approve the review choices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Approve the review choices")
    expect(page.locator("#keep-choices")).to_contain_text(NICKNAME)
    expect(page.locator("#keep-choices")).to_contain_text("A national body")
    expect(page.locator("#redact-choices")).to_contain_text(GIVEAWAY)
    page.get_by_role("button", name="Approve these choices").click()
    expect(page.get_by_text("Approved the review choices.")).to_be_visible()
    expect(panel).to_contain_text(f"Approved by {second_admin.full_name}")

    # Staged release: the high-level summary first, confirmed on its own page.
    page.get_by_role("link", name="Release the high-level summary").click()
    expect(page.locator("#consequences")).to_contain_text(
        "The advisory group and the oversight group will be able to read"
    )
    page.get_by_role("button", name="Release the high-level summary").click()
    expect(
        page.get_by_text("Released the high-level summary to the advisory group and")
    ).to_be_visible()
    expect(page.locator("#part-high_level")).to_contain_text("Released")
    expect(page.locator("#part-detailed")).to_contain_text("Not released")
    summary.refresh_from_db()
    assert summary.released_parts == ["high_level"]

    # An oversight group member reads the high-level summary, and nothing of the review.
    oversight = make_member(system=world.system, role=Role.OVERSIGHT_MEMBER)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, oversight)
    page.goto(live_server.url + reverse("home"))
    page.get_by_role("link", name="Read the released feedback summaries").click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    body = page.locator("body")
    expect(body).to_contain_text("High-level summary")
    expect(page.locator("#summary-detailed")).to_have_count(0)
    expect(body).not_to_contain_text(NATIONAL_BODY)  # only the review holds the places' text

    # Then the detailed review, to the advisory group alone.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, second_admin)
    page.goto(live_server.url + consultation.summary_url("summary"))
    page.get_by_role("link", name="Release the detailed review").click()
    expect(page.locator("#consequences")).to_contain_text("The advisory group will be able to read")
    page.get_by_role("button", name="Release the detailed review").click()
    expect(page.get_by_text("Released the detailed review to the advisory group.")).to_be_visible()
    summary.refresh_from_db()
    assert summary.released_parts == ["high_level", "detailed"]

    # An advisory group member finds the summary from the home page.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    sign_in(page, live_server, world.advisory)
    page.goto(live_server.url + reverse("home"))
    home_links = page.get_by_role("link", name="Read the released feedback summaries")
    expect(home_links).to_have_count(1)
    home_links.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback summaries")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    body = page.locator("body")
    expect(page.locator("#summary-detailed")).to_be_visible()
    expect_anonymised(body, consultation, "[redacted]", NATIONAL_BODY)
    expect(body).not_to_contain_text(GIVEAWAY)
    expect(page.get_by_role("link", name="Manage this summary")).to_have_count(0)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Word (DOCX) file of the detailed review").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    path = download.path()
    text = docx_text(path.read_bytes())
    assert "Place A" in text
    assert "[organisation]" in text
    assert "[redacted]" in text
    for name in [*consultation.names, GIVEAWAY]:
        assert name not in text, f"the Word file names {name!r}"

    assert page.console_errors == []  # type: ignore[attr-defined]
    assert refused == [], f"HTMX requests the app refused: {refused}"


# Accessibility -------------------------------------------------------------------------------


def compiled_consultation(world: World) -> Consultation:
    """The round closed, its summary compiled (the job runs eagerly) and released."""
    consultation = open_consultation(world)
    rounds.round_close_now(actor=world.icb_admin, round=consultation.round)
    summary = feedback.summary_request_compile(actor=world.icb_admin, round=consultation.round)
    summary.refresh_from_db()
    assert summary.state == JobState.COMPLETE, summary.error
    for part in SummaryPart:
        summary_release.summary_release(actor=world.icb_admin, summary=summary, part=part)
    return consultation


# (what the check is called, who looks, the page's URL)
PAGES: list[tuple[str, str, Any]] = [
    ("console rounds list", "admin", lambda c: reverse("console:rounds", args=[c.slug])),
    ("round page", "admin", lambda c: c.console_url("console:round")),
    ("round set-up form", "admin", lambda c: reverse("console:round_add", args=[c.slug])),
    ("summary panel (complete)", "admin", lambda c: c.summary_url("summary")),
    ("redaction review", "admin", lambda c: c.summary_url("summary_review")),
    ("approval", "admin", lambda c: c.summary_url("summary_approve")),
    (
        "release confirmation",
        "admin",
        lambda c: reverse("console:summary_withdraw", args=[c.slug, c.round.pk, "detailed"]),
    ),
    ("recompile confirmation", "admin", lambda c: c.summary_url("summary_compile")),
    ("closing confirmation", "admin", lambda c: c.console_url("console:round_close")),
    ("advisory summaries list", "advisory", lambda c: reverse("feedback:summaries", args=[c.slug])),
    (
        "advisory summary",
        "advisory",
        lambda c: reverse("feedback:summary", args=[c.slug, c.round.pk]),
    ),
]


def test_round_and_feedback_pages_are_accessible(
    page: Page, live_server: Any, world: World
) -> None:
    """Each page is checked, and every page with a serious or critical axe-core violation
    is named in the failure (one compilation serves them all)."""
    consultation = compiled_consultation(world)
    refused = watch_htmx_refusals(page)
    problems: list[str] = []
    signed_in = ""
    for name, who, url_of in PAGES:
        if who != signed_in:
            page.context.clear_cookies()
            sign_in(page, live_server, world.icb_admin if who == "admin" else world.advisory)
            signed_in = who
        url = url_of(consultation)
        response = page.goto(live_server.url + url)
        assert response is not None and response.status == 200, f"{name}: {url}"
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        if name == "summary panel (complete)":
            expect(page.locator("#summary-preview")).to_be_visible()
        try:
            assert_accessible(page)
        except pytest.fail.Exception as failure:
            problems.append(f"{name}: {failure}")
    assert not problems, "Accessibility check failed on:\n\n" + "\n\n".join(problems)
    assert page.console_errors == []  # type: ignore[attr-defined]
    assert refused == [], f"HTMX requests the app refused: {refused}"
