import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from demo.north_shire.sign_ins import DEMO_PASSWORD
from partners.models import Membership, Organisation, OrganisationAlias, Place, Role, Sector, User
from partners.permissions import ADMINISTER_SYSTEM, VIEW_PLACE

pytestmark = pytest.mark.django_db


def test_demo_data_covers_every_sector_and_role_and_prints_sign_ins(north_shire):
    assert Place.objects.count() == 5
    assert 38 <= Organisation.objects.count() <= 45
    assert set(Organisation.objects.values_list("sector", flat=True)) == {s.value for s in Sector}
    assert OrganisationAlias.objects.count() >= 10
    assert 55 <= User.objects.count() <= 65
    assert set(Membership.objects.values_list("role", flat=True)) == {r.value for r in Role}
    assert "icb.admin@north-shire.example" in north_shire
    assert DEMO_PASSWORD in north_shire
    admin = User.objects.get(email="icb.admin@north-shire.example")
    assert admin.check_password(DEMO_PASSWORD)
    assert admin.has_perm(ADMINISTER_SYSTEM, Place.objects.first().system)
    member = User.objects.get(email="member1.ashworth@north-shire.example")
    assert member.has_perm(VIEW_PLACE, Place.objects.get(name="Ashworth"))
    assert not member.has_perm(VIEW_PLACE, Place.objects.get(name="Brackenfield"))
    # Every place has a lead.
    for place in Place.objects.all():
        assert place.memberships.filter(role=Role.PLACE_LEAD).exists()


def test_seeding_twice_changes_nothing(north_shire):
    counts = (User.objects.count(), Organisation.objects.count())
    call_command("seed_demo", "--if-empty", stdout=io.StringIO())
    assert (User.objects.count(), Organisation.objects.count()) == counts
    refused = io.StringIO()
    call_command("seed_demo", stdout=io.StringIO(), stderr=refused)
    assert "already loaded; nothing changed" in refused.getvalue()
    assert (User.objects.count(), Organisation.objects.count()) == counts


def test_every_printed_demo_sign_in_works(client, north_shire):
    emails = [word for word in north_shire.split() if word.endswith("@north-shire.example")]
    assert len(emails) == 7
    assert "make demo-code" in north_shire
    for email in emails:
        response = client.post("/accounts/login/", {"username": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        home = client.get("/")
        if home.status_code == 302:  # an ICB admin or the superuser: the demo's shared key
            assert home["Location"].startswith("/accounts/two-factor/"), email
            code = io.StringIO()
            call_command("demo_code", stdout=code)
            client.post(home["Location"], {"token": code.getvalue().split()[0]})
            home = client.get("/")
        assert home.status_code == 200, email
        client.post("/accounts/logout/")


def test_demo_has_an_open_round_with_drafts_and_a_submitted_response(north_shire):
    from governance.consultation.models import ConsultationRound, PlaceResponse, ResponseStatus

    consultation = ConsultationRound.objects.get(title="Place governance options 2025/26")
    assert consultation.is_open()
    assert consultation.questions.count() == 7
    statuses = dict(
        PlaceResponse.objects.filter(round=consultation).values_list("place__name", "status")
    )
    assert statuses == {
        "Ashworth": ResponseStatus.DRAFT,
        "Brackenfield": ResponseStatus.DRAFT,
        "Coldharbour": ResponseStatus.SUBMITTED,
    }
    ashworth = PlaceResponse.objects.get(round=consultation, place__name="Ashworth")
    assert ashworth.proposed_option_set == "1+4"


def test_demo_has_a_closed_round_whose_anonymised_summary_is_released(north_shire):
    from governance.consultation.models import (
        ConsultationRound,
        ResponseStatus,
        RoundStatus,
        SummaryExport,
    )

    consultation = ConsultationRound.objects.get(title="Place governance options 2024/25")
    assert consultation.status == RoundStatus.CLOSED and not consultation.is_open()
    assert consultation.milestones.count() == 4
    assert set(consultation.responses.values_list("status", flat=True)) == {
        ResponseStatus.SUBMITTED
    }
    assert consultation.responses.count() == 5
    summary = consultation.feedback_summary
    assert summary.is_released
    assert summary.content["labels"] == ["Place A", "Place B", "Place C", "Place D", "Place E"]
    detail = str(summary.content["detailed"])
    # The free text named places, partners and people; the summary does not.
    for name in ("Ashworth", "Brackenfield", "Coldharbour", "Dunmore Coast", "Elmsworth"):
        assert name not in detail
    assert "[organisation]" in detail and "[person]" in detail and "[email]" in detail
    # The review's choices took effect: a redacted phrase and a kept false positive.
    assert "the only coastal place" not in detail and "[redacted]" in detail
    assert "the Royal College of Nursing" in detail
    assert SummaryExport.objects.filter(summary=summary).count() == 8  # 4 formats, 2 parts


def test_the_demo_rounds_rate_in_context_and_never_present_dated_advice_as_current(
    client, north_shire
):
    """Places of the demo rated options in the context of the combinations they propose,
    and the summary compares those ratings with the framework's; and no page of the demo's
    2024/25 and 2025/26 rounds, nor the catalogue they consult on, gives the framework's
    "ready for April 2022" as current advice."""
    import re

    from django.urls import reverse

    from governance.consultation.models import ConsultationRound, PlaceRating

    closed = ConsultationRound.objects.get(title="Place governance options 2024/25")
    current = ConsultationRound.objects.get(title="Place governance options 2025/26")
    in_context = PlaceRating.objects.filter(response__round=closed, option_set="1+4")
    assert set(in_context.values_list("response__place__name", flat=True)) == {
        "Ashworth",
        "Dunmore Coast",
    }
    assert PlaceRating.objects.filter(response__round=current, option_set="1+4").exists()
    rows = {row["label"]: row for row in closed.feedback_summary.content["heatmap_in_context"]}
    cell = rows["Option 1 with option 4"]["cells"][0]
    assert cell["suggested_label"] == "MEDIUM" and cell["rated"] == 2
    # Two places' ratings: too few to count, so the cell says so in a sentence.
    assert {d["count"] for d in cell["distribution"]} == {"not shown"} and cell["withheld"]

    ashworth = Place.objects.get(name="Ashworth")
    system = ashworth.system
    pages = [
        (
            "lead.ashworth",
            reverse("proposal:response", args=[ashworth.pk, consultation.pk]),
        )
        for consultation in (closed, current)
    ]
    pages += [
        ("icb.admin", reverse("console:round", args=[system.slug, c.pk])) for c in (closed, current)
    ]
    pages += [
        ("icb.admin", reverse("console:summary", args=[system.slug, closed.pk])),
        ("advisory1", reverse("feedback:summary", args=[system.slug, closed.pk])),
    ]
    pages += [("member1.ashworth", reverse("governance:options"))]
    pages += [
        ("member1.ashworth", reverse("governance:option_detail", args=[n])) for n in range(1, 6)
    ]
    for who, url in pages:
        client.force_login(User.objects.get(email=f"{who}@north-shire.example"))
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        for found in re.finditer(r"April 2022", page):
            said = page[max(0, found.start() - 200) : found.start()]
            assert "In the 2021 framework: " in said.rsplit(">", 1)[-1], (url, said)


def test_demo_has_a_round_on_the_2025_framework_and_places_that_deliver_care_by_each_archetype(
    north_shire,
):
    from delegations.models import MatterCategory
    from delegations.router import route_decision
    from design.validator import FAIL, PASS, WARNING, design_check
    from governance.consultation.models import ConsultationRound, PlaceResponse, ResponseStatus
    from governance.delivery.models import DeliveryArrangement

    consultation = ConsultationRound.objects.get(title="Delivery models for the left shift 2026/27")
    assert consultation.framework.slug == "operating-model-2025"
    assert consultation.is_open()
    responses = {
        r.place.name: (r.status, r.proposed_option_set)
        for r in PlaceResponse.objects.filter(round=consultation).select_related("place")
    }
    assert responses == {
        "Elmsworth": (ResponseStatus.SUBMITTED, "2"),
        "Coldharbour": (ResponseStatus.DRAFT, "1"),
    }
    # Both frameworks side by side in one system.
    frameworks = set(
        ConsultationRound.objects.filter(system=consultation.system).values_list(
            "framework__slug", flat=True
        )
    )
    assert frameworks == {"ics-design-framework-2021", "operating-model-2025"}

    elmsworth = Place.objects.get(name="Elmsworth")
    assert elmsworth.system.population == sum(p.population for p in Place.objects.all())
    assert elmsworth.neighbourhoods.count() == 3
    arrangement = DeliveryArrangement.objects.get(place=elmsworth)
    assert arrangement.archetype.number == 2 and arrangement.budget_form == "capitated"

    def items(place_name):
        return {
            (item.code, item.subject): item.status
            for item in design_check(place=Place.objects.get(name=place_name))
        }

    # Every function sits where the place's archetype puts it, in both places...
    for place_name in ("Elmsworth", "Coldharbour"):
        held = {k: v for k, v in items(place_name).items() if k[0] == "function_holder"}
        assert len(held) == 6 and set(held.values()) == {PASS}, place_name
    # ...and what a real system would still have to settle is found.
    assert items("Elmsworth")[("guarantee", "")] == WARNING
    dunmore = items("Dunmore Coast")
    assert WARNING in {v for k, v in dunmore.items() if k[0] == "neighbourhood_population"}
    assert FAIL not in {v for k, v in dunmore.items() if k[0].startswith("neighbourhood")}

    # A line for one neighbourhood answers there, and not for the whole place.
    matter = MatterCategory.objects.get(system=elmsworth.system, code="service-change-minor")
    elm_park = elmsworth.neighbourhoods.get(name="Elm Park")
    trust = Organisation.objects.get(name="Dunmore and Elmsworth Health and Care NHS Trust")

    def decider(**where):
        result = route_decision(
            place=elmsworth, matter=matter, value=Decimal(0), organisations=[trust], **where
        )
        (outcome,) = result.outcomes
        return outcome

    in_elm_park = decider(neighbourhood=elm_park)
    assert in_elm_park.authority.delegate_label == "Neighbourhood Manager, Elm Park"
    for_the_whole_place = decider()
    assert for_the_whole_place.authority is None
    assert any("Elm Park" in said for said in for_the_whole_place.neighbourhood_only)
