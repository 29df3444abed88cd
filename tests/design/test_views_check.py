"""The design check and the decision router pages, as their readers use them."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from delegations import selectors
from delegations.bands import parse_pounds
from delegations.router import route_decision
from governance.catalogue.models import OptionFramework
from governance.consultation.models import PlaceResponse, ResponseStatus
from governance.structures.models import CommitteeKind, MemberPosition, TorStatus
from partners.models import Sector
from tests.conftest import World
from tests.factories import (
    CommitteeFactory,
    CommitteeMemberFactory,
    DelegateRoleFactory,
    DelegationFactory,
    MatterCategoryFactory,
    SchemeFactory,
    TermsOfReferenceFactory,
    contract_matters,
    make_round,
    partner_in,
)
from tests.queries import page_query_count

pytestmark = pytest.mark.django_db
M = Decimal(1_000_000)


@pytest.fixture
def ashford(world: World):
    place = world.place_a
    icb = partner_in(place, name="North Shire ICB", sector=Sector.ICB)
    council = partner_in(place, name="Ashford County Council", sector=Sector.UPPER_TIER_COUNCIL)
    no_scheme = partner_in(place, name="Ashford Hospice", sector=Sector.HOSPICE)
    contracts, award = contract_matters(world.system)
    committee = CommitteeFactory(
        place=place,
        name="Ashford place committee",
        kind=CommitteeKind.ICB_COMMITTEE,
        accountable_to_organisation=icb,
    )
    scheme = SchemeFactory(organisation=icb, number=2)
    DelegationFactory(
        scheme=scheme,
        matter=contracts,
        delegate_committee=committee,
        limit_to=1 * M,
        reference="7.1",
    )
    DelegationFactory(
        scheme=SchemeFactory(organisation=council, number=1),
        matter=award,
        delegate_role=DelegateRoleFactory(organisation=council, title="Director of adult care"),
        limit_to=Decimal(500_000),
        reference="C4",
    )
    return {"place": place, "icb": icb, "council": council, "award": award, "scheme": scheme,
            "committee": committee, "hospice": no_scheme}  # fmt: skip


def decide_url(world):
    return reverse("design:decide", args=[world.place_a.pk])


def query(s, value, organisations=("icb", "council")):
    return {
        "matter": s["award"].pk,
        "value": value,
        "organisations": [s[o].pk for o in organisations],
    }


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.mark.parametrize("role", ["member_a", "lead_a", "icb_admin"])
def test_place_readers_see_both_pages(client, world, ashford, role):
    client.force_login(getattr(world, role))
    check = client.get(reverse("design:check", args=[world.place_a.pk]))
    assert check.status_code == 200
    assert "Minimum partnership membership" in text(check)
    assert client.get(decide_url(world)).status_code == 200


@pytest.mark.parametrize("role", ["member_b", "advisory", "other_icb_admin", "outsider"])
def test_anyone_else_gets_not_found(client, world, ashford, role):
    client.force_login(getattr(world, role))
    assert client.get(reverse("design:check", args=[world.place_a.pk])).status_code == 404
    assert client.get(decide_url(world), query(ashford, "10")).status_code == 404


def test_the_form_ticks_every_partner_with_a_scheme_in_force(client, world, ashford):
    client.force_login(world.member_a)
    html = client.get(decide_url(world)).content.decode()
    for organisation in (ashford["icb"], ashford["council"]):
        assert re.search(rf'value="{organisation.pk}"[^>]*checked', html), organisation
    assert "Ashford Hospice" not in html  # no scheme in force
    assert "– Contract award" in html  # the matter tree, indented


def test_an_answer_names_the_delegate_and_the_organisations_that_go_back(client, world, ashford):
    client.force_login(world.member_a)
    page = text(client.get(decide_url(world), query(ashford, "£750,000")))
    assert "Ashford place committee" in page
    assert "line 7.1 of scheme version 2, in force from 1 April 2025" in page
    assert "North Shire ICB board" in page  # the escalation route
    assert "£750,000 exceeds the highest delegated limit of £500,000" in page
    assert (
        "can be taken at place only if every organisation has delegated authority; Ashford "
        "County Council must take it through its own governance"
    ) in page


def test_htmx_gets_only_the_answer(client, world, ashford, htmx_headers):
    client.force_login(world.member_a)
    response = client.get(decide_url(world), query(ashford, "250k"), **htmx_headers)
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert "Director of adult care" in html
    assert response["Vary"].count("HX-Request") == 1


def test_the_shareable_link_reproduces_the_answer(client, world, ashford, htmx_headers):
    client.force_login(world.member_a)
    partial = client.get(decide_url(world), query(ashford, "2.5m"), **htmx_headers)
    link = unescape(re.search(r'href="([^"]+)">Link to this answer', partial.content.decode())[1])
    client.force_login(world.lead_a)
    page = client.get(link)
    assert page.status_code == 200
    shown = text(page)
    assert "£2,500,000" in shown
    assert "No organisation has delegated authority" in shown
    assert re.search(r'name="value"[^>]*value="2.5m"', page.content.decode())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", "an amount cannot be negative"),
        ("lots", "Enter an amount in pounds"),
        ("1.005", "Enter an amount in pounds"),
        ("1500bn", "Enter an amount below £1 trillion"),
        ("", "Enter the value of the decision in pounds"),
    ],
)
def test_bad_values_are_explained_on_the_form(client, world, ashford, value, message):
    client.force_login(world.member_a)
    response = client.get(decide_url(world), query(ashford, value))
    assert response.status_code == 200
    assert message in text(response)
    assert "nhsuk-error-message" in response.content.decode()


def test_the_page_title_says_error_only_when_the_form_has_one(client, world, ashford):
    """Screen reader users hear the title first, so it says when the form needs fixing."""
    client.force_login(world.member_a)
    title = lambda response: re.search(r"<title>([^<]*)", response.content.decode())[1]  # noqa: E731
    assert title(client.get(decide_url(world))).startswith("Who may take this decision?")
    assert title(client.get(decide_url(world), query(ashford, "250k"))).startswith("Who may")
    refused = title(client.get(decide_url(world), query(ashford, "lots")))
    assert refused.startswith("Error: Who may take this decision? – Ashford")


def test_an_unknown_matter_is_explained(client, world, ashford):
    client.force_login(world.member_a)
    other_system_matter = MatterCategoryFactory(system=world.other_system)
    response = client.get(
        decide_url(world), {**query(ashford, "10"), "matter": other_system_matter.pk}
    )
    assert "Choose a matter from the list" in text(response)


def test_no_organisation_ticked_is_explained(client, world, ashford):
    client.force_login(world.member_a)
    response = client.get(decide_url(world), {"matter": ashford["award"].pk, "value": "10"})
    assert "Tick at least one organisation" in text(response)


def test_the_router_page_reads_a_flat_number_of_queries(client, world, ashford):
    client.force_login(world.member_a)

    def count() -> int:
        return page_query_count(client, decide_url(world), query(ashford, "250000"))

    def add_lines(start: int) -> None:
        for n in range(start, start + 25):
            DelegationFactory(
                scheme=ashford["scheme"],
                matter=ashford["award"],
                delegate_committee=CommitteeFactory(
                    place=world.place_a, accountable_to_committee=ashford["committee"]
                ),
                limit_to=Decimal(n + 2) * M,
            )

    before = count()
    add_lines(0)
    # Committees answering to committees cost one more query (the system's committees, read
    # once), however many lines there are.
    with_chains = count()
    assert with_chains <= before + 1
    add_lines(25)
    assert count() == with_chains
    # The request's own five (session, user, place, permissions, the header's systems), the
    # matter tree, the organisations with their schemes in force, the lines, and what each
    # kind of body may hold (once per process; every test starts afresh).
    assert before <= 9


def test_the_empty_router_reads_a_flat_number_of_queries_however_many_partners(
    client, world, ashford
):
    client.force_login(world.member_a)
    few = page_query_count(client, decide_url(world))
    for n in range(12):
        SchemeFactory(organisation=partner_in(world.place_a, name=f"Partner {n:02d}"), number=1)
    page = client.get(decide_url(world)).content.decode()
    assert page.count('name="organisations"') == 14  # the ICB, the council and the twelve
    assert page_query_count(client, decide_url(world)) == few
    # The request's own five, the matter tree and the organisations with their schemes.
    assert few <= 7


def test_the_check_links_a_failing_item_to_the_page_that_fixes_it(client, world, ashford):
    client.force_login(world.lead_a)
    html = client.get(reverse("design:check", args=[world.place_a.pk])).content.decode()
    add_seat_url = reverse(
        "committees:member_add", args=[world.place_a.pk, ashford["committee"].pk]
    )
    assert f'href="{add_seat_url}"' in html  # it has no voting members: add a seat
    assert "Fix this" in html
    # The partners are set in the console, which only the ICB admins may use.
    assert "/console/" not in html
    client.force_login(world.icb_admin)
    html = client.get(reverse("design:check", args=[world.place_a.pk])).content.decode()
    assert reverse("console:place", args=[world.system.slug, world.place_a.pk]) in html


def test_the_place_page_links_to_the_design_pages(client, world, ashford):
    client.force_login(world.member_a)
    html = client.get(reverse("place_detail", args=[world.place_a.pk])).content.decode()
    assert reverse("design:check", args=[world.place_a.pk]) in html
    assert reverse("design:decide", args=[world.place_a.pk]) in html


@pytest.mark.parametrize(
    ("typed", "pounds"),
    [
        ("250000", "250000"),
        ("£2,500,000", "2500000"),
        ("2.5m", "2500000"),
        ("75k", "75000"),
        ("£1,000.50", "1000.50"),
        (" 3 BN ", "3000000000"),
    ],
)
def test_values_are_read_as_people_write_them(typed, pounds):
    assert parse_pounds(typed) == Decimal(pounds)


@pytest.mark.parametrize("typed", ["", "£", "2.5mm", "1e6", "1.005", "one million", "1,00.5.0"])
def test_amounts_that_are_not_pounds_are_refused(typed):
    with pytest.raises(ValueError):
        parse_pounds(typed)


def test_the_check_shows_the_proposal_and_the_recorded_arrangement_side_by_side(
    client, world, ashford
):
    client.force_login(world.lead_a)
    html = client.get(reverse("design:check", args=[world.place_a.pk])).content.decode()
    assert "Proposed and recorded" in html
    assert "No proposal submitted" in html
    assert "Ashford place committee" in html  # what makes the recorded option 2
    assert "Source: " in html  # each rule that restates the framework cites its passage
    fail = html.index('nhsuk-tag--red">Fail')
    passed = html.index('nhsuk-tag--green">Pass')
    assert fail < passed  # failures first


def check_items(response) -> dict[str, dict[str, str]]:
    """The check page's items by title, as a reader sees each: its status, its sentence, the
    passage it cites and where its "Fix this" link goes ("" where there is none)."""
    html = response.content.decode()
    found = {}
    for row in re.findall(r'<div class="nhsuk-summary-list__row">(.*?)</div>', html, re.S):

        def part(pattern: str, row: str = row) -> str:
            match = re.search(pattern, row, re.S)
            return unescape(match[1]).strip() if match else ""

        found[part(r'summary-list__key">(.*?)</dt>')] = {
            "status": part(r'nhsuk-tag--\w+">(\w+)</strong>'),
            "detail": part(r'app-design-check__detail">(.*?)</p>'),
            "source": part(r"app-design-check__source[^>]*>Source: (.*?)</p>"),
            "fix": part(r'<a href="([^"]*)">Fix this'),
        }
    return found


def check_page(client, world):
    return check_items(client.get(reverse("design:check", args=[world.place_a.pk])))


def assert_reads(item, **expected: str) -> None:
    """The item's fields named in `expected` (status, detail, fix, source) read as given."""
    assert {field: item[field] for field in expected} == expected


def item_the_lead_sees(client, world, title: str):
    """The check item called `title`, as the place lead sees it."""
    client.force_login(world.lead_a)
    return check_page(client, world)[title]


def ashford_joint_committee(world, ashford):
    """A joint committee of the ICB and the council at the place."""
    return CommitteeFactory(
        place=world.place_a,
        name="Ashford joint committee",
        kind=CommitteeKind.JOINT_COMMITTEE,
        parties=[ashford["icb"], ashford["council"]],
    )


def propose(place, option_set: str) -> None:
    """The place submits a proposal of `option_set` against the 2021 framework."""
    PlaceResponse.objects.create(
        round=make_round(
            system=place.system,
            framework=OptionFramework.objects.get(slug="ics-design-framework-2021"),
        ),
        place=place,
        status=ResponseStatus.SUBMITTED,
        proposed_option_set=option_set,
        submitted_at=timezone.now(),
    )


def test_a_place_with_no_bodies_yet_is_sent_to_its_committee_list(client, world):
    """With nothing recorded there is no arrangement and no seat for public health: both items
    send the reader to the list of the place's bodies to add them."""
    client.force_login(world.lead_a)
    items = check_page(client, world)
    bodies = reverse("committees:list", args=[world.place_a.pk])
    arrangement = items["The recorded arrangement is allowed"]
    assert arrangement["status"] == "Fail"
    assert arrangement["fix"] == bodies
    seat = items["Director of public health at the table"]
    assert seat["detail"] == (
        "The place has no bodies yet, so no seat for the director of public health."
    )
    assert seat["fix"] == bodies
    assert seat["source"] == (
        "Appendix A: a place partnership involves, at least, primary care provider leadership, "
        "local authorities with their directors of public health, acute, community and mental "
        "health providers, and representatives of the people who use care and support."
    )


def test_an_allowed_arrangement_passes_under_the_same_title(client, world, ashford):
    client.force_login(world.lead_a)
    assert check_page(client, world)["The recorded arrangement is allowed"]["status"] == "Pass"


def test_passing_items_still_cite_the_passage_they_restate(client, world, ashford):
    """A reader can see why a body passes: what its option may hold, and the veto rule."""
    client.force_login(world.lead_a)
    items = check_page(client, world)
    powers = items["Ashford place committee: holds only what an ICB committee may"]
    assert powers["status"] == "Pass"
    assert powers["source"] == (
        "Appendix A and section 6.3: a committee of the ICB, given authority by the ICB to "
        "decide how the ICB's resources are used; contracts stay with the ICB as the legal entity."
    )
    veto = items["Ashford place committee: no single partner veto"]
    assert veto["status"] == "Pass"
    assert veto["source"] == (
        "Section 6.3: shared decisions rest on terms of reference that give partners an equal "
        "voice and do not let one partner veto a decision."
    )


def test_a_proposal_unlike_the_record_links_to_the_places_bodies(client, world, ashford):
    propose(world.place_a, "2+3")
    item = item_the_lead_sees(client, world, "The recorded structure is the proposed arrangement")
    assert item["status"] == "Warning"
    assert item["fix"] == reverse("committees:list", args=[world.place_a.pk])


def test_a_director_holding_no_lines_links_to_the_places_delegations(client, world, ashford):
    """The director's lines are entered on the place's delegations page."""
    director_of_place(ashford, world.place_a)
    item = item_the_lead_sees(
        client, world, "The individual director holds the ICB's delegations, with limits"
    )
    assert_reads(
        item,
        status="Fail",
        detail="No individual director of the ICB for this place holds a line of the ICB's "
        "scheme of delegation in force. Add the director's lines to the ICB's scheme.",
        fix=reverse("delegations_place:delegations", args=[world.place_a.pk]),
        source="Appendix A and section 6.3: an individual director of the ICB holds authority "
        "delegated by the ICB, written into the ICB's scheme of delegation.",
    )


def test_a_voting_outsider_on_a_joint_committee_links_to_the_places_delegations(
    client, world, ashford
):
    """A voting member is put right by a line in its scheme, entered on the delegations page."""
    joint = ashford_joint_committee(world, ashford)
    CommitteeMemberFactory(committee=joint, organisation=ashford["hospice"], voting=True)
    item = item_the_lead_sees(
        client, world, "Ashford joint committee: voting members are parties that delegate to it"
    )
    assert item["status"] == "Fail"
    assert item["detail"].startswith("Ashford Hospice votes but is not a party")
    assert item["fix"] == reverse("delegations_place:delegations", args=[world.place_a.pk])
    assert item["source"] == (
        "Section 6.3 and Appendix A: it is a committee of the statutory partners that delegate "
        "to it."
    )


def test_missing_partners_link_to_the_partners_of_the_place_in_the_console(client, world, ashford):
    client.force_login(world.icb_admin)
    item = check_page(client, world)["Minimum partnership membership"]
    assert item["status"] == "Fail"
    console = reverse("console:place", args=[world.system.slug, world.place_a.pk])
    assert item["fix"] == f"{console}#place-partners"


def test_every_fix_link_lands_on_the_part_of_the_page_it_names(client, world, ashford):
    """A "Fix this" link with a #fragment must open its page at that section: a fragment with
    no element of that id opens the page at the top and leaves the reader to search."""
    client.force_login(world.icb_admin)
    links = {item["fix"] for item in check_page(client, world).values() if "#" in item["fix"]}
    assert links, "the check offers no link to a section of a page"
    for link in links:
        path, fragment = link.split("#")
        page = client.get(path)
        assert page.status_code == 200, link
        assert f'id="{fragment}"' in page.content.decode(), f"{path} has no #{fragment}"


def director_of_place(ashford, place):
    """The ICB's individual director for the place, holding no lines yet."""
    return DelegateRoleFactory(
        organisation=ashford["icb"],
        title="Director of Place",
        place=place,
        is_individual_director=True,
    )


def test_a_director_line_with_no_limit_links_to_the_places_delegations(client, world, ashford):
    """A line with no upper limit is given one on the place's delegations page."""
    DelegationFactory(
        scheme=ashford["scheme"],
        matter=ashford["award"],
        delegate_role=director_of_place(ashford, world.place_a),
        place=world.place_a,
    )
    item = item_the_lead_sees(client, world, "Director of Place: delegations with limits")
    assert item["status"] == "Fail"
    assert item["detail"].startswith("Director of Place may decide Contract award")
    assert item["fix"] == reverse("delegations_place:delegations", args=[world.place_a.pk])


def test_above_the_directors_limit_a_committee_line_for_the_parent_matter_takes_it(
    client, world, ashford
):
    """The place committee holds "Contracts" up to £1,000,000; the director holds "Contract
    award", a matter under it, up to £500,000: what is above the director's limit goes to the
    committee through the parent matter, so there is no gap."""
    DelegationFactory(
        scheme=ashford["scheme"],
        matter=ashford["award"],
        delegate_role=director_of_place(ashford, world.place_a),
        limit_to=Decimal(500_000),
        place=world.place_a,
    )
    item = item_the_lead_sees(
        client, world, "Director of Place: above the limits, a body of the place decides"
    )
    assert item["status"] == "Pass"
    assert item["detail"] == (
        "Every matter Director of Place holds goes to a body of the place above the director's "
        "limit."
    )


def test_above_the_directors_limit_a_partnership_board_decides_if_the_icb_sits_on_it(
    client, world, ashford
):
    """With a partnership board (1+4) what is above the director's limit goes to the board,
    where the ICB decides within its own scheme: so the ICB must have a seat on it. Until it
    does, the reader is sent to the delegations page to route the matter to a body instead."""
    DelegationFactory(
        scheme=ashford["scheme"],
        matter=ashford["award"],
        delegate_role=director_of_place(ashford, world.place_a),
        limit_to=2 * M,  # above the place committee's £1,000,000, so only the board can take it
        place=world.place_a,
    )
    board = CommitteeFactory(
        place=world.place_a, name="Ashford partnership board", kind=CommitteeKind.PARTNERSHIP_BOARD
    )
    CommitteeMemberFactory(committee=board, organisation=ashford["council"])
    client.force_login(world.lead_a)
    title = "Director of Place: above the limits, a body of the place decides"
    gap = check_page(client, world)[title]
    assert_reads(
        gap,
        status="Fail",
        detail="Contract award over £2,000,000 has no body of Ashford to go to. Delegate what "
        "is above the director's limit to a committee or joint committee of the place.",
        fix=reverse("delegations_place:delegations", args=[world.place_a.pk]),
        source="Section 6.3: combined with option 1, 2 or 3, decisions above the director's "
        "limits go to the place's board or committee.",
    )
    CommitteeMemberFactory(committee=board, organisation=ashford["icb"])
    assert check_page(client, world)[title]["status"] == "Pass"


def test_a_body_with_a_veto_links_to_its_edit_page(client, world, ashford):
    """How a body decides is set on its edit page, so that is where a veto is removed."""
    ashford["committee"].single_partner_veto = True
    ashford["committee"].save()
    item = item_the_lead_sees(client, world, "Ashford place committee: no single partner veto")
    assert item["status"] == "Fail"
    assert item["fix"] == reverse(
        "committees:edit", args=[world.place_a.pk, ashford["committee"].pk]
    )


def test_a_committee_answering_to_the_icb_cites_the_passage_on_accountability(
    client, world, ashford
):
    """A passing item shows the passage that says to whom its option answers."""
    item = item_the_lead_sees(client, world, "Ashford place committee: answers to the ICB's board")
    assert item["status"] == "Pass"
    assert item["detail"] == "Ashford place committee answers to the board of North Shire ICB."
    assert item["source"] == "Section 6.3: the committee answers clearly to the ICB."


def test_a_joint_committee_whose_voters_all_delegate_cites_the_passage_on_voting(
    client, world, ashford
):
    """A passing item still shows the rule it restates: who may vote on a joint committee."""
    joint = ashford_joint_committee(world, ashford)
    for organisation in (ashford["icb"], ashford["council"]):
        CommitteeMemberFactory(committee=joint, organisation=organisation)
        DelegationFactory(
            scheme=organisation.schemes_of_delegation.get(),
            matter=ashford["award"],
            delegate_committee=joint,
        )
    item = item_the_lead_sees(
        client, world, "Ashford joint committee: voting members are parties that delegate to it"
    )
    assert item["status"] == "Pass"
    assert item["source"] == (
        "Section 6.3 and Appendix A: it is a committee of the statutory partners that delegate "
        "to it."
    )


def test_with_no_proposal_the_check_says_there_is_nothing_to_compare(client, world, ashford):
    """Advice, not a failure: the recorded arrangement is still checked on its own."""
    item = item_the_lead_sees(client, world, "The proposed arrangement is allowed")
    assert item["status"] == "Warning"
    assert item["detail"] == (
        "The place has not submitted a proposal yet, so the proposal cannot be checked or "
        "compared with what is recorded."
    )


def test_every_delegated_matter_has_a_route_when_its_body_is_active_and_answers(
    client, world, ashford
):
    """The item says how many lines it looked at, so a reader knows none was skipped."""
    item = item_the_lead_sees(client, world, "Every delegated matter has a route")
    assert item["status"] == "Pass"
    assert item["detail"] == (
        "All 1 delegation lines in force go to active bodies with a line of accountability."
    )


def test_a_committee_is_told_to_seat_an_independent_chair_until_it_has_one(client, world, ashford):
    """The item keeps its title whether it warns or passes, so a reader can find it again."""
    client.force_login(world.lead_a)
    title = "Ashford place committee: independent chair"
    item = check_page(client, world)[title]
    assert item["status"] == "Warning"
    assert item["detail"] == (
        "It has no chair yet; guidance advises an independent or non-executive chair. Make the "
        "chair's seat an independent one."
    )
    committee_page = reverse(
        "committees:committee", args=[world.place_a.pk, ashford["committee"].pk]
    )
    assert item["fix"] == f"{committee_page}#committee-members"
    CommitteeMemberFactory(
        committee=ashford["committee"],
        organisation=ashford["icb"],
        role_title="Non-executive member",
        position=MemberPosition.CHAIR,
        independent=True,
    )
    item = check_page(client, world)[title]
    assert item["status"] == "Pass"
    assert (
        item["detail"] == "Chaired by Non-executive member, an independent or non-executive member."
    )


def test_the_recorded_side_names_each_option_and_what_makes_it(client, world, ashford):
    """Beside the proposal, each recorded option is named as the framework names it."""
    client.force_login(world.lead_a)
    html = client.get(reverse("design:check", args=[world.place_a.pk])).content.decode()
    assert "<li>2. ICB committee: Ashford place committee</li>" in html


def test_the_check_page_reads_a_flat_number_of_queries_however_many_partners(
    client, world, ashford
):
    """Each partner's organisation is read with the partner, not one query per partner."""
    client.force_login(world.lead_a)
    url = reverse("design:check", args=[world.place_a.pk])
    before = page_query_count(client, url)
    for n in range(5):
        partner_in(world.place_a, name=f"Ashford practice {n}", sector=Sector.GP_PRACTICE)
    assert page_query_count(client, url) == before


def test_the_router_answers_the_same_from_schemes_read_with_the_organisations(world, ashford):
    """The page reads each partner's scheme in force with the partners, sparing the router
    its query for those with no line on the matter: the answer is the one it would give."""
    SchemeFactory(organisation=partner_in(world.place_a, name="Brook Trust"), number=1)
    organisations, schemes = selectors.organisations_and_schemes_in_force(place=world.place_a)
    names = [o.name for o in organisations]
    assert names == ["Ashford County Council", "Brook Trust", "North Shire ICB"]
    # With one partner with no line on the matter, and one with no scheme at all.
    organisations.append(ashford["hospice"])
    for value in (Decimal(10), 3 * M):
        read_by_router = route_decision(
            place=world.place_a, matter=ashford["award"], value=value, organisations=organisations
        )
        given = route_decision(
            place=world.place_a,
            matter=ashford["award"],
            value=value,
            organisations=organisations,
            schemes_in_force=schemes,
        )
        assert given == read_by_router


# The whole page, session and sign-in included, reads at most this many queries.
CHECK_PAGE_QUERIES = 12


def test_the_check_page_reads_a_flat_number_of_queries_at_most_twelve(client, world, ashford):
    """However many bodies, seats, parties, terms of reference, lines, partners and directors
    the place has, the page reads the same few queries: with a proposal, a joint committee,
    a director and a failing partnership item (whose fix, in the console, is checked)."""
    propose(world.place_a, "2+3+4")
    icb, council = ashford["icb"], ashford["council"]
    director = DelegateRoleFactory(
        organisation=icb, title="Director of Place", place=world.place_a,
        is_individual_director=True,
    )  # fmt: skip
    DelegationFactory(
        scheme=ashford["scheme"], matter=ashford["award"], delegate_role=director,
        limit_to=Decimal(250_000), place=world.place_a,
    )  # fmt: skip
    client.force_login(world.lead_a)
    url = reverse("design:check", args=[world.place_a.pk])
    before = page_query_count(client, url)
    for n in range(4):
        joint = CommitteeFactory(
            place=world.place_a, name=f"Joint committee {n}", kind=CommitteeKind.JOINT_COMMITTEE,
            parties=[icb, council, partner_in(world.place_a, name=f"Trust {n}")],
        )  # fmt: skip
        for organisation in (icb, council):
            CommitteeMemberFactory(committee=joint, organisation=organisation)
        TermsOfReferenceFactory(committee=joint, status=TorStatus.APPROVED)
        DelegationFactory(
            scheme=ashford["scheme"], matter=MatterCategoryFactory(system=world.system),
            delegate_committee=joint, limit_to=M,
        )  # fmt: skip
        DelegateRoleFactory(
            organisation=icb, title=f"Deputy director {n}", place=world.place_a,
            is_individual_director=True,
        )  # fmt: skip
    after = page_query_count(client, url)
    assert after == before
    assert after <= CHECK_PAGE_QUERIES
