"""Releasing a feedback summary safely: a second ICB admin approves any review choice, every
step that cannot simply be undone has a page of its own saying what will happen, and each part
of the summary reaches its own audiences, released on its own."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from governance.consultation import summary_release
from governance.consultation.models import ConsultationRound, Milestone, RedactionKind
from governance.consultation.round_setup import round_create
from partners.models import AuditEvent
from tests.conftest import World
from tests.dates import date_boxes
from tests.factories import make_framework, make_round
from tests.governance.consultation.test_views_feedback import (
    ORGANISATION,
    Consultation,
    compile_now,
    release_now,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def compiled(client, world, django_capture_on_commit_callbacks) -> Consultation:
    consultation = Consultation(world)
    client.force_login(world.icb_admin)
    compile_now(client, consultation, django_capture_on_commit_callbacks)
    return consultation


def keep_with_reason(client, consultation: Consultation, phrase: str = ORGANISATION) -> None:
    from governance.consultation import feedback_review

    feedback_review.redaction_add(
        actor=consultation.world.icb_admin,
        round=consultation.round,
        kind=RedactionKind.KEEP,
        phrase=phrase,
        note="A regional body, not a partner of any one place.",
    )


# Four eyes ---------------------------------------------------------------------------------


def test_a_summary_without_review_choices_needs_no_second_admin(client, compiled):
    page = client.get(compiled.url("summary")).content.decode()
    assert "Second admin’s approval" not in page
    release_now(client, compiled)


def test_a_kept_name_needs_a_second_admin_who_did_not_keep_it(
    client, world, compiled, second_icb_admin, django_capture_on_commit_callbacks
):
    keep_with_reason(client, compiled)
    compile_now(client, compiled, django_capture_on_commit_callbacks)

    # The admin who kept the name may not release it, nor approve it.
    page = client.get(compiled.url("summary")).content.decode()
    assert "another ICB governance admin must approve" in page
    assert compiled.url("summary_release", "high_level") not in page
    refused = client.post(compiled.url("summary_release", "high_level"), follow=True)
    assert "must approve the summary before it is released" in refused.content.decode()
    approve_page = client.get(compiled.url("summary_approve")).content.decode()
    assert ORGANISATION in approve_page  # the kept phrase, shown to the admins only
    assert "A regional body" in approve_page  # with its reason
    assert "You made review choices in this summary" in approve_page
    client.post(compiled.url("summary_approve"))
    assert not compiled.summary.is_approved
    assert not compiled.summary.is_released

    # A second admin checks and approves; the approval is audited, the phrase is not.
    client.force_login(second_icb_admin)
    approve_page = client.get(compiled.url("summary_approve")).content.decode()
    assert "Approve these choices" in approve_page
    response = client.post(compiled.url("summary_approve"))
    assert response.status_code == 302
    summary = compiled.summary
    assert summary.is_approved and summary.approved_by == second_icb_admin
    event = AuditEvent.objects.get(action="summary.approve")
    assert event.actor == second_icb_admin and event.details["kept"] == 1
    assert ORGANISATION not in event.summary and ORGANISATION not in str(event.details)

    client.force_login(world.icb_admin)
    release_now(client, compiled)

    # Recompiling makes a new summary: released parts are withdrawn and it needs approving again.
    compile_now(client, compiled, django_capture_on_commit_callbacks)
    summary = compiled.summary
    assert not summary.is_released and not summary.is_approved
    with pytest.raises(ValidationError, match="must approve"):
        summary_release.summary_release(actor=world.icb_admin, summary=summary)


def test_an_admin_of_another_system_cannot_approve(client, world, compiled):
    keep_with_reason(client, compiled)
    client.force_login(world.other_icb_admin)
    assert client.get(compiled.url("summary_approve")).status_code == 404
    assert client.post(compiled.url("summary_approve")).status_code == 404
    assert not compiled.summary.is_approved


# Confirmation pages ------------------------------------------------------------------------


def test_release_withdraw_and_recompile_each_say_what_will_happen_before_doing_it(
    client, world, compiled, django_capture_on_commit_callbacks
):
    Milestone.objects.create(
        round=compiled.round,
        title="Oversight group meets",
        due_on=timezone.localdate(),
        releases="high_level",
    )
    confirm = client.get(compiled.url("summary_release", "high_level")).content.decode()
    assert "Release the high-level summary" in confirm
    assert "The advisory group and the oversight group will be able to read" in confirm
    assert "Oversight group meets" in confirm  # the milestone it is due at
    assert not compiled.summary.is_released  # reading the page changes nothing

    response = client.post(compiled.url("summary_release", "high_level"), follow=True)
    assert "Released the high-level summary to the advisory group and the oversight group" in (
        response.content.decode()
    )
    event = AuditEvent.objects.get(action="summary.release")
    assert event.details["part"] == "high_level"
    assert event.details["audiences"] == ["advisory", "oversight"]
    assert compiled.summary.released_parts == ["high_level"]

    confirm = client.get(compiled.url("summary_withdraw", "high_level")).content.decode()
    assert "will no longer be able to read the high-level summary" in confirm
    assert compiled.summary.released_parts == ["high_level"]

    generation = compiled.summary.generation
    confirm = client.get(compiled.url("summary_compile")).content.decode()
    assert "Places get new labels" in confirm
    assert "The high-level summary will be withdrawn" in confirm
    assert compiled.summary.generation == generation  # nothing started yet
    with django_capture_on_commit_callbacks(execute=True):
        client.post(compiled.url("summary_compile"))  # not confirmed: the page again
    assert compiled.summary.generation == generation

    client.post(compiled.url("summary_withdraw", "high_level"))
    assert not compiled.summary.is_released
    assert AuditEvent.objects.filter(action="summary.withdraw").count() == 1


def test_a_part_nobody_receives_cannot_be_released(client, compiled):
    compiled.round.detailed_audiences = []
    compiled.round.save()
    page = client.get(compiled.url("summary_release", "detailed")).content.decode()
    assert "No one is chosen to receive the detailed review" in page
    client.post(compiled.url("summary_release", "detailed"))
    assert compiled.summary.released_parts == []
    assert client.get(compiled.url("summary_release", "everything")).status_code == 404


# Two audiences, staged ---------------------------------------------------------------------


def test_each_part_reaches_its_own_audiences_when_it_is_released(client, world, compiled):
    listing_url = reverse("feedback:summaries", args=[world.system.slug])
    release_now(client, compiled, parts=("high_level",))

    for reader in (world.advisory, world.oversight):
        client.force_login(reader)
        assert compiled.round.title in client.get(listing_url).content.decode()
        response = client.get(compiled.feedback_url("summary"))
        assert response.status_code == 200 and response.context["parts"] == ["high_level"]
        assert client.get(compiled.feedback_url("download", "high_level", "pdf")).status_code == 200
        assert client.get(compiled.feedback_url("download", "detailed", "pdf")).status_code == 404

    client.force_login(world.icb_admin)
    release_now(client, compiled, parts=("detailed",))

    client.force_login(world.advisory)
    response = client.get(compiled.feedback_url("summary"))
    assert response.context["parts"] == ["high_level", "detailed"]
    assert client.get(compiled.feedback_url("download", "detailed", "pdf")).status_code == 200

    client.force_login(world.oversight)  # not an audience of the detailed review
    response = client.get(compiled.feedback_url("summary"))
    assert response.context["parts"] == ["high_level"]
    assert client.get(compiled.feedback_url("download", "detailed", "pdf")).status_code == 404

    # Withdrawing the high-level summary leaves the oversight group nothing to read.
    client.force_login(world.icb_admin)
    client.post(compiled.url("summary_withdraw", "high_level"))
    client.force_login(world.oversight)
    assert client.get(compiled.feedback_url("summary")).status_code == 404
    assert compiled.round.title not in client.get(listing_url).content.decode()


def test_the_detailed_review_alone_can_go_to_the_oversight_group_too(client, world, compiled):
    compiled.round.detailed_audiences = ["advisory", "oversight"]
    compiled.round.save()
    release_now(client, compiled, parts=("detailed",))
    client.force_login(world.oversight)
    assert client.get(compiled.feedback_url("summary")).context["parts"] == ["detailed"]


def test_a_round_names_its_audiences_and_the_milestone_releasing_each_part(world):
    framework = make_framework(slug="staged")
    now = timezone.now()

    def create(title: str, **fields: Any) -> ConsultationRound:
        return round_create(
            actor=None,
            system=world.system,
            framework=framework,
            title=title,
            opens_at=now,
            closes_at=now + timezone.timedelta(days=10),
            **fields,
        )

    def releasing(*parts: tuple[str, str]) -> list[dict[str, Any]]:
        return [{"title": title, "due_on": now.date(), "releases": part} for title, part in parts]

    consultation = create(
        "Round with staged release",
        detailed_audiences=["advisory", "oversight"],
        milestones=releasing(("Oversight group", "high_level"), ("Advisory group", "detailed")),
    )
    assert consultation.high_level_audiences == ["advisory", "oversight"]
    assert consultation.detailed_audiences == ["advisory", "oversight"]
    assert sorted(consultation.milestones.values_list("releases", flat=True)) == [
        "detailed",
        "high_level",
    ]
    with pytest.raises(ValidationError, match="Choose the groups from the list"):
        create("Bad audiences", high_level_audiences=["board"])
    with pytest.raises(ValidationError, match="already releases that part"):
        create(
            "Two milestones for one part",
            milestones=releasing(("One", "detailed"), ("Two", "detailed")),
        )


def test_the_round_form_sets_the_audiences(client, world: World):
    client.force_login(world.icb_admin)
    consultation = make_round(system=world.system)
    url = reverse("console:round_edit", args=[world.system.slug, consultation.pk])
    page = client.get(url).content.decode()
    assert "Who receives the high-level summary" in page
    assert "Who receives the detailed review" in page
    form = client.get(url).context["form"]
    data = {f"round-{name}": value for name, value in form.initial.items() if value is not None}
    data["round-invited_places"] = [place.pk for place in form.initial["invited_places"]]
    for name in ("opens_on", "closes_on"):
        data.update(date_boxes(f"round-{name}", form.initial[name]))
    for name in ("opens_time", "closes_time"):
        data[f"round-{name}"] = form.initial[name].strftime("%H:%M")
    data["round-high_level_audiences"] = ["oversight"]
    data["round-detailed_audiences"] = ["advisory", "oversight"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    consultation.refresh_from_db()
    assert consultation.high_level_audiences == ["oversight"]
    assert consultation.detailed_audiences == ["advisory", "oversight"]


# Closing with foresight --------------------------------------------------------------------


def test_closing_names_the_places_yet_to_submit_and_warns_when_release_is_impossible(client, world):
    from tests.factories import submit_responses

    client.force_login(world.icb_admin)
    consultation = make_round(system=world.system, invited_places=[world.place_a, world.place_b])
    submit_responses(
        world=world, round=consultation, places=[world.place_a], case=lambda i, place: "Agreed."
    )
    page = client.get(
        reverse("console:round_close", args=[world.system.slug, consultation.pk])
    ).content.decode()
    assert "1 place has not submitted" in page
    assert world.place_b.name in page.split('id="not-submitted"')[1].split("</ul>")[0]
    assert world.place_a.name not in page.split('id="not-submitted"')[1].split("</ul>")[0]
    assert "The summary could never be released" in page
    assert "Only 1 place has submitted" in page


def test_each_release_emails_the_readers_of_that_part_only(
    client, world, compiled, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        release_now(client, compiled, parts=("high_level",))
    told = sorted(message.to[0] for message in mailoutbox)
    assert told == sorted([world.advisory.email, world.oversight.email])
    message = mailoutbox[0]
    assert "High-level summary of" in message.subject
    assert compiled.feedback_url("summary") in message.body

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        release_now(client, compiled, parts=("detailed",))
    assert [message.to[0] for message in mailoutbox] == [world.advisory.email]

    # A release withdrawn before its e-mail goes out sends nothing.
    client.post(compiled.url("summary_withdraw", "detailed"))
    mailoutbox.clear()
    from governance.consultation.emails import summary_released_emails_send

    assert (
        summary_released_emails_send(
            summary_id=compiled.summary.pk,
            part="detailed",
            released_at=timezone.now().isoformat(),
        )
        == 0
    )
    assert not mailoutbox
