"""The delivery pages of a place, as each kind of person sees them: the overview, one edit
page for each thing, the confirmation before a holder is removed; who may reach each across
two systems; bad, hostile and stale input; and the pages' query counts."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from governance.delivery.models import DeliveryArrangement, FunctionHolding
from partners.models import AuditEvent, Role, Sector
from tests.factories import (
    LEAD_CARE_PROVIDER,
    PLACE_PARTNERSHIP,
    CommitteeFactory,
    DeliveryArrangementFactory,
    OrganisationFactory,
    PlaceFactory,
    archetype,
    contracting_form,
    hold,
    make_archetypes_framework,
    make_member,
    partner_in,
)
from tests.hostile import HOSTILE_SAMPLES, MARKER_TAG, assert_no_injected_markup
from tests.queries import page_query_count

pytestmark = pytest.mark.django_db


def url(name, world, *args, place=None):
    return reverse(f"delivery:{name}", args=[(place or world.place_a).pk, *args])


@pytest.fixture
def ashford(world):
    make_archetypes_framework()
    place = world.place_a
    return {
        "icb": partner_in(place, name="Ashford ICB", sector=Sector.ICB),
        "council": partner_in(place, name="Ashford Council", sector=Sector.UPPER_TIER_COUNCIL),
        "trust": partner_in(place, name="Ashford Hospitals NHS Trust"),
        "board": CommitteeFactory(place=place, name="Ashford Partnership Board"),
        "form": contracting_form("contractual-joint-venture"),
    }


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


# Who may reach each page, across two systems --------------------------------------------------

PAGES = [
    ("overview", ()),
    ("archetype", ()),
    ("partners", ()),
    ("holder", ("integrator",)),
    ("holder_remove", ("integrator",)),
    ("contracting_form", ()),
    ("terms", ()),
]
EDIT_PAGES = [page for page in PAGES if page[0] != "overview"]


@pytest.fixture
def people(world):
    """Each kind of person, with an advisory member and a place member of the other system."""
    far_place = PlaceFactory(system=world.other_system, name="Farther Vale")
    return {
        "member": world.member_a,
        "lead": world.lead_a,
        "icb_admin": world.icb_admin,
        "other_icb_admin": world.other_icb_admin,
        "advisory": world.advisory,
        "other_member": make_member(place=far_place, role=Role.PLACE_LEAD),
        "member_of_another_place": world.member_b,
    }


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_anonymous_people_are_sent_to_sign_in(client, world, ashford, name, args):
    for method in (client.get, client.post):
        response = method(url(name, world, *args))
        assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(("name", "args"), PAGES)
@pytest.mark.parametrize(
    "who", ["other_icb_admin", "advisory", "other_member", "member_of_another_place"]
)
def test_people_outside_the_place_find_nothing(client, world, ashford, people, name, args, who):
    hold(world.place_a, "integrator", ashford["board"])
    client.force_login(people[who])
    assert client.get(url(name, world, *args)).status_code == 404
    # The overview is read-only: a POST is not allowed, before anyone is looked up.
    assert client.post(url(name, world, *args)).status_code in (404, 405)
    assert FunctionHolding.objects.count() == 1


@pytest.mark.parametrize("who", ["member", "lead", "icb_admin"])
def test_the_places_readers_read_the_overview(client, world, ashford, people, who):
    client.force_login(people[who])
    page = text(client.get(url("overview", world)))
    assert "How the place delivers care" in page
    assert ("Change<span" in page) == (who != "member")


@pytest.mark.parametrize(("name", "args"), EDIT_PAGES)
def test_a_member_is_sent_back_from_an_edit_page_and_refused_a_change(
    client, world, ashford, name, args
):
    hold(world.place_a, "integrator", ashford["board"])
    client.force_login(world.member_a)
    response = client.get(url(name, world, *args))
    assert response.status_code == 302 and response["Location"] == url("overview", world)
    assert client.post(url(name, world, *args), {"version": "1"}).status_code == 403
    assert FunctionHolding.objects.count() == 1 and not DeliveryArrangement.objects.exists()


@pytest.mark.parametrize(("name", "args"), EDIT_PAGES)
@pytest.mark.parametrize("who", ["lead", "icb_admin"])
def test_the_lead_and_the_icb_admin_open_every_edit_page(
    client, world, ashford, people, name, args, who
):
    hold(world.place_a, "integrator", ashford["board"])
    client.force_login(people[who])
    assert client.get(url(name, world, *args)).status_code == 200


def test_an_unknown_function_is_not_found(client, world, ashford):
    client.force_login(world.lead_a)
    assert client.get(url("holder", world, "world_domination")).status_code == 404
    assert client.get(url("holder_remove", world, "<script>")).status_code == 404


# The overview ------------------------------------------------------------------------------------


def test_the_place_page_links_to_the_overview(client, world):
    client.force_login(world.member_a)
    page = client.get(reverse("place_detail", args=[world.place_a.pk])).content.decode()
    assert url("overview", world) in page


def test_the_overview_shows_the_archetype_holders_and_lead_provider_terms(client, world, ashford):
    DeliveryArrangementFactory(
        place=world.place_a,
        archetype=archetype(LEAD_CARE_PROVIDER),
        budget_form="capitated",
        section_75_council=ashford["council"],
        lead_care_provider=ashford["trust"],
        contracting_form=ashford["form"],
        contract_years=10,
        lead_risk_share=60,
    )
    hold(world.place_a, "integrator", ashford["trust"])
    client.force_login(world.icb_admin)
    page = text(client.get(url("overview", world)))
    assert "Lead care provider" in page
    assert "A risk-based capitated budget for a defined population" in page
    assert "Ashford Council" in page
    assert "Ashford Hospitals NHS Trust" in page
    assert "The archetype places it with the lead care provider." in page
    assert "Contractual joint venture" in page
    assert "10 years" in page and "60%" in page
    assert reverse("design:check", args=[world.place_a.pk]) in page
    assert url("holder_remove", world, "integrator") in page


def test_the_place_partnership_overview_has_no_lead_provider_terms(client, world, ashford):
    DeliveryArrangementFactory(place=world.place_a, archetype=archetype(PLACE_PARTNERSHIP))
    client.force_login(world.lead_a)
    page = text(client.get(url("overview", world)))
    assert "Lead provider arrangement" not in page
    assert "record a contracting form" in page


# Recording -----------------------------------------------------------------------------------------


def test_the_lead_records_the_archetype_and_budget(client, world, ashford):
    client.force_login(world.lead_a)
    page = text(client.get(url("archetype", world)))
    assert "Who holds each function: Strategic commissioning: the ICB" in page
    assert "Asks of local government: Pool budgets" in page
    response = client.post(
        url("archetype", world),
        {"archetype": archetype(PLACE_PARTNERSHIP).pk, "budget_form": "delegated", "version": 0},
    )
    assert response.status_code == 302
    assert response["Location"] == url("overview", world) + "#archetype"
    saved = DeliveryArrangement.objects.get()
    assert (saved.archetype.number, saved.budget_form) == (PLACE_PARTNERSHIP, "delegated")
    assert AuditEvent.objects.filter(action="delivery.create").exists()


def test_the_section_75_council_choices_are_the_places_councils(client, world, ashford):
    client.force_login(world.lead_a)
    page = client.get(url("partners", world)).content.decode()
    council_select = page[page.index('name="section_75_council"') : page.index("</select>")]
    assert "Ashford Council" in council_select and "Ashford Hospitals" not in council_select
    response = client.post(
        url("partners", world),
        {"section_75_council": ashford["trust"].pk, "lead_care_provider": "", "version": 0},
    )
    assert response.status_code == 200
    assert "Choose one of the place&#x27;s councils listed" in response.content.decode()
    response = client.post(
        url("partners", world),
        {
            "section_75_council": ashford["council"].pk,
            "lead_care_provider": ashford["trust"].pk,
            "version": 0,
        },
    )
    assert response.status_code == 302
    assert DeliveryArrangement.objects.get().lead_care_provider == ashford["trust"]


def test_the_lead_records_a_function_holder_among_partners_the_icb_and_bodies(
    client, world, ashford
):
    icb = OrganisationFactory(system=world.system, name="North Shire ICB", sector=Sector.ICB)
    client.force_login(world.lead_a)
    page = client.get(url("holder", world, "integrator")).content.decode()
    for name in ("North Shire ICB", "Ashford Council", "Ashford Partnership Board"):
        assert name in page
    response = client.post(
        url("holder", world, "integrator"),
        {"holder": f"committee-{ashford['board'].pk}", "notes": "From April", "version": 0},
    )
    assert response.status_code == 302
    holding = FunctionHolding.objects.get()
    assert (holding.holder_committee, holding.notes) == (ashford["board"], "From April")
    response = client.post(
        url("holder", world, "strategic_commissioning"),
        {"holder": f"organisation-{icb.pk}", "version": 0},
    )
    assert response.status_code == 302


def test_the_contracting_form_page_shows_each_forms_facts(client, world, ashford):
    client.force_login(world.lead_a)
    page = text(client.get(url("contracting_form", world)))
    form = ashford["form"]
    assert form.summary.replace("'", "&#x27;") in page
    assert all(point.replace("'", "&#x27;") in page for point in form.points)
    assert "Governance: shared." in page and "Time limit: Time-limited." in page
    response = client.post(
        url("contracting_form", world), {"contracting_form": ashford["form"].pk, "version": 0}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#lead-provider")


def test_the_terms_are_recorded(client, world, ashford):
    DeliveryArrangementFactory(place=world.place_a, contracting_form=ashford["form"])
    client.force_login(world.lead_a)
    response = client.post(
        url("terms", world),
        {
            "contract_years": "12",
            "lead_risk_share": "55",
            "voting_rule": "majority",
            "voting_weights": "By budget",
            "reserved_matters": "Estates",
            "guarantee": "given",
            "gp_participation": "As partners",
            "gp_support": "on",
            "version": 1,
        },
    )
    assert response.status_code == 302
    saved = DeliveryArrangement.objects.get()
    assert (saved.contract_years, saved.lead_risk_share, saved.guarantee) == (12, 55, "given")
    assert saved.gp_support and saved.version == 2


# Bad, hostile and stale input ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"contract_years": "ten"}, "Enter the contract length as a whole number of years"),
        ({"contract_years": "0"}, "Enter a contract length of at least 1 year"),
        ({"contract_years": "31"}, "Enter a contract length of 30 years or fewer"),
        ({"lead_risk_share": "101"}, "Enter a share of 100% or less"),
        ({"lead_risk_share": "-5"}, "Enter a share of 0% or more"),
        ({"voting_rule": "dictator"}, "Choose one of the voting rules listed"),
        ({"guarantee": "<script>"}, "Choose one of the answers listed"),
    ],
)
def test_bad_terms_say_how_to_fix_them_and_keep_what_was_typed(
    client, world, ashford, data, message
):
    client.force_login(world.lead_a)
    posted = {"version": 0, "reserved_matters": "Keep this text", **data}
    page = client.post(url("terms", world), posted).content.decode()
    assert message in page and "There is a problem" in page
    assert "Keep this text" in page
    assert not DeliveryArrangement.objects.exists()


@pytest.mark.parametrize(
    ("name", "args", "data", "message"),
    [
        ("archetype", (), {"archetype": ""}, "Choose the archetype the place follows"),
        ("archetype", (), {"archetype": "99999"}, "Choose one of the archetypes listed"),
        ("contracting_form", (), {}, "Choose the contracting form"),
        ("holder", ("integrator",), {"holder": ""}, "Choose the organisation or body"),
        ("holder", ("integrator",), {"holder": "organisation-abc"}, "Choose one of the"),
    ],
)
def test_a_missing_or_unknown_choice_says_what_to_choose(
    client, world, ashford, name, args, data, message
):
    client.force_login(world.lead_a)
    page = client.post(url(name, world, *args), {"version": 0, **data}).content.decode()
    assert message in page


def test_an_option_of_the_arrangements_framework_cannot_be_chosen_as_the_archetype(
    client, world, ashford
):
    from governance.catalogue.models import OptionFramework

    option = OptionFramework.objects.get(slug="ics-design-framework-2021").options.first()
    client.force_login(world.lead_a)
    page = client.post(
        url("archetype", world), {"archetype": option.pk, "version": 0}
    ).content.decode()
    assert "Choose one of the archetypes listed" in page


def test_an_organisation_of_another_system_cannot_hold_a_function(client, world, ashford):
    far = OrganisationFactory(system=world.other_system, name="Far Trust")
    client.force_login(world.lead_a)
    response = client.post(
        url("holder", world, "integrator"), {"holder": f"organisation-{far.pk}", "version": 0}
    )
    assert response.status_code == 200
    assert not FunctionHolding.objects.exists()


@pytest.mark.parametrize("hostile", HOSTILE_SAMPLES)
def test_hostile_text_is_kept_as_text(client, world, ashford, hostile):
    DeliveryArrangementFactory(place=world.place_a, contracting_form=ashford["form"])
    client.force_login(world.lead_a)
    client.post(
        url("terms", world),
        {"reserved_matters": hostile + "\x00\u200b end", "gp_participation": hostile, "version": 1},
    )
    saved = DeliveryArrangement.objects.get()
    assert "\x00" not in saved.reserved_matters and saved.reserved_matters.endswith("end")
    page = client.get(url("overview", world)).content.decode()
    assert_no_injected_markup(page)
    assert MARKER_TAG not in page


def test_a_stale_save_says_so_and_keeps_what_was_typed(client, world, ashford):
    DeliveryArrangementFactory(place=world.place_a, archetype=archetype(PLACE_PARTNERSHIP))
    client.force_login(world.lead_a)
    # Someone else saved after the lead opened the form at version 1.
    DeliveryArrangement.objects.update(version=2, budget_form="delegated")
    page = text(
        client.post(url("terms", world), {"version": 1, "reserved_matters": "My careful words"})
    )
    assert "Someone else saved how this place delivers care" in page
    assert "My careful words" in page
    assert "Saved now (version 2): Place partnership; Delegated to the place by the ICB" in page
    assert 'name="version" value="2"' in page
    assert DeliveryArrangement.objects.get().reserved_matters == ""


def test_a_stale_holder_save_says_who_holds_it_now(client, world, ashford):
    hold(world.place_a, "integrator", ashford["trust"])
    FunctionHolding.objects.update(version=3)
    client.force_login(world.lead_a)
    page = text(
        client.post(
            url("holder", world, "integrator"),
            {"holder": f"committee-{ashford['board'].pk}", "version": 2},
        )
    )
    assert "Someone else changed who holds the integrator function" in page
    assert "Saved now (version 3): Ashford Hospitals NHS Trust holds it." in page
    assert FunctionHolding.objects.get().holder_organisation == ashford["trust"]


# Removing a holder ---------------------------------------------------------------------------


def test_removing_a_holder_asks_first_then_removes(client, world, ashford):
    hold(world.place_a, "integrator", ashford["board"])
    client.force_login(world.lead_a)
    page = text(client.get(url("holder_remove", world, "integrator")))
    assert "Remove Ashford Partnership Board as holding the integrator function?" in page
    assert FunctionHolding.objects.exists()
    response = client.post(url("holder_remove", world, "integrator"), {"version": "1"})
    assert response.status_code == 302
    assert not FunctionHolding.objects.exists()
    assert AuditEvent.objects.filter(action="delivery.holder_remove").exists()


def test_removing_from_a_stale_page_is_refused(client, world, ashford):
    hold(world.place_a, "integrator", ashford["board"])
    FunctionHolding.objects.update(version=2)
    client.force_login(world.lead_a)
    response = client.post(url("holder_remove", world, "integrator"), {"version": "1"}, follow=True)
    assert "Someone else changed who holds the integrator function" in text(response)
    assert FunctionHolding.objects.exists()


def test_removing_nothing_says_so(client, world, ashford):
    client.force_login(world.lead_a)
    page = text(client.get(url("holder_remove", world, "integrator")))
    assert "No one is recorded as holding the integrator function" in page


# HTMX and query counts ------------------------------------------------------------------------


def test_htmx_gets_the_form_with_its_errors_in_place(client, world, ashford, htmx_headers):
    client.force_login(world.lead_a)
    response = client.post(
        url("terms", world), {"version": 0, "contract_years": "x"}, **htmx_headers
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="delivery-form"')
    assert "Enter the contract length" in body


def test_the_overview_reads_a_flat_number_of_queries(client, world, ashford):
    client.force_login(world.lead_a)
    DeliveryArrangementFactory(
        place=world.place_a, archetype=archetype(LEAD_CARE_PROVIDER),
        lead_care_provider=ashford["trust"], contracting_form=ashford["form"],
    )  # fmt: skip
    before = page_query_count(client, url("overview", world))
    for function in ("integrator", "budget_holding", "contract_holding"):
        hold(world.place_a, function, ashford["trust"])
    hold(world.place_a, "strategic_commissioning", ashford["board"])
    after = page_query_count(client, url("overview", world))
    assert after == before <= 12
