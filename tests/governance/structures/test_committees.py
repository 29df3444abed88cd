"""The rules for a place's committees, their seats and their terms of reference."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.locking import ConcurrentEditError
from governance.structures import committees as svc
from governance.structures import selectors, terms_of_reference, tor_sections
from governance.structures.models import (
    Committee,
    CommitteeKind,
    MemberPosition,
    TermsOfReference,
    TorStatus,
)
from governance.structures.tor_documents import tor_docx, tor_pdf
from partners.models import AuditEvent, PlacePartner, Sector
from tests.factories import (
    CommitteeFactory,
    CommitteeMemberFactory,
    OrganisationFactory,
    TermsOfReferenceFactory,
    UserFactory,
    partner_in,
)

pytestmark = pytest.mark.django_db


def board(world, name="Ashford Partnership Board", **kwargs):
    return svc.committee_create(
        actor=world.lead_a,
        place=world.place_a,
        name=name,
        kind=kwargs.pop("kind", CommitteeKind.PARTNERSHIP_BOARD),
        **kwargs,
    )


def seat(committee, organisation, role_title, **kwargs):
    """A seat on `committee` for `organisation`, added by no one in particular."""
    return svc.committee_member_add(
        actor=None, committee=committee, organisation=organisation, role_title=role_title, **kwargs
    )


def error_fields(excinfo) -> dict[str, str]:
    return {field: " ".join(messages) for field, messages in excinfo.value.message_dict.items()}


# Committees ------------------------------------------------------------------------------------


def test_a_committee_is_created_and_audited(world):
    icb = partner_in(world.place_a, sector=Sector.ICB)
    committee = board(
        world, accountable_to_organisation=icb, quorum_sectors=["icb", "icb", "acute_trust"]
    )
    assert committee.pk and committee.version == 1
    assert committee.quorum_sectors == ["icb", "acute_trust"]
    event = AuditEvent.objects.get(action="committee.create")
    assert event.target_id == str(committee.pk) and event.actor == world.lead_a


def test_a_name_is_unique_within_a_place_but_not_across_places(world):
    board(world)
    with pytest.raises(ValidationError) as excinfo:
        board(world, name="ashford partnership board ")
    assert "already has a body called" in error_fields(excinfo)["name"]
    svc.committee_create(
        actor=None, place=world.place_b, name="Ashford Partnership Board", kind="partnership_board"
    )


def test_accountable_to_a_committee_of_another_place_is_refused(world):
    other = CommitteeFactory(place=world.place_b)
    with pytest.raises(ValidationError) as excinfo:
        board(world, accountable_to_committee=other)
    assert "another body of Ashford" in error_fields(excinfo)["accountable_to_committee"]


def test_accountable_to_an_organisation_that_is_not_a_partner_is_refused(world):
    outsider = OrganisationFactory(system=world.system, name="Faraway Trust")
    with pytest.raises(ValidationError) as excinfo:
        board(world, accountable_to_organisation=outsider)
    assert (
        "Faraway Trust is not a partner of Ashford"
        in error_fields(excinfo)["accountable_to_organisation"]
    )


def test_accountable_to_a_committee_and_an_organisation_at_once_is_refused(world):
    parent = board(world, name="Parent")
    icb = partner_in(world.place_a)
    with pytest.raises(ValidationError) as excinfo:
        board(world, name="Child", accountable_to_committee=parent, accountable_to_organisation=icb)
    assert "not both" in error_fields(excinfo)["accountable_to_organisation"]


def test_a_committee_cannot_answer_to_itself_or_its_sub_committee(world):
    top = board(world, name="Top")
    middle = board(world, name="Middle", accountable_to_committee=top)
    bottom = board(world, name="Bottom", accountable_to_committee=middle)
    with pytest.raises(ValidationError) as excinfo:
        svc.committee_update(actor=None, committee=top, version=1, accountable_to_committee=top)
    assert "cannot answer to itself" in error_fields(excinfo)["accountable_to_committee"]
    with pytest.raises(ValidationError) as excinfo:
        svc.committee_update(actor=None, committee=top, version=1, accountable_to_committee=bottom)
    assert "already answers to Top" in error_fields(excinfo)["accountable_to_committee"]
    # Moving a sub-committee to another parent without a loop is fine.
    svc.committee_update(actor=None, committee=bottom, version=1, accountable_to_committee=top)


def test_update_changes_audits_and_detects_a_stale_version(world):
    committee = board(world)
    updated = svc.committee_update(
        actor=world.lead_a, committee=committee, version=1, quorum_minimum=5
    )
    assert updated.version == 2 and updated.quorum_minimum == 5
    assert AuditEvent.objects.filter(action="committee.update").count() == 1
    with pytest.raises(ConcurrentEditError) as excinfo:
        svc.committee_update(actor=world.icb_admin, committee=committee, version=1, name="Other")
    assert "Someone else changed this committee" in excinfo.value.messages[0]
    committee.refresh_from_db()
    assert committee.name == "Ashford Partnership Board"


def test_deactivate_is_refused_while_an_active_sub_committee_answers_to_it(world):
    parent = board(world, name="Parent")
    child = board(world, name="Child", accountable_to_committee=parent)
    with pytest.raises(ValidationError, match="Child answers to it"):
        svc.committee_deactivate(actor=None, committee=parent)
    svc.committee_deactivate(actor=None, committee=child)
    assert svc.committee_deactivate(actor=None, committee=parent).is_active is False


def test_a_committee_with_no_voting_members_may_exist(world):
    committee = board(world)
    organisation = partner_in(world.place_a)
    seat(committee, organisation, "Observer", voting=False)
    assert not committee.members.filter(voting=True).exists()


# Members ---------------------------------------------------------------------------------------


def test_a_seat_is_held_for_a_partner_of_the_place(world):
    committee = board(world)
    inside = partner_in(world.place_a, name="Ashford Council")
    member = svc.committee_member_add(
        actor=world.lead_a, committee=committee, organisation=inside, role_title="Director"
    )
    assert member.pk and AuditEvent.objects.filter(action="committee.member_add").exists()
    outside = partner_in(world.place_b, name="Brookfield Trust")
    with pytest.raises(ValidationError) as excinfo:
        seat(committee, outside, "Director")
    assert "Brookfield Trust is not a partner of Ashford" in error_fields(excinfo)["organisation"]


def test_a_named_person_needs_a_current_role_in_the_system(world):
    committee = board(world)
    organisation = partner_in(world.place_a)
    seat(committee, organisation, "Lead", person=world.member_a)
    with pytest.raises(ValidationError) as excinfo:
        seat(committee, organisation, "Other", person=UserFactory(full_name="Nobody Here"))
    assert "has no current role in North Shire ICS" in error_fields(excinfo)["person"]


@pytest.mark.parametrize(
    ("position", "label"),
    [(MemberPosition.CHAIR, "chair"), (MemberPosition.VICE_CHAIR, "vice-chair")],
)
def test_one_chair_and_one_vice_chair(world, position, label):
    committee = board(world)
    organisation = partner_in(world.place_a, name="Ashford Council")
    seat(committee, organisation, "Leader", position=position)
    second = seat(committee, organisation, "Deputy")
    with pytest.raises(ValidationError) as excinfo:
        svc.committee_member_update(actor=None, member=second, position=position)
    assert f"already has a {label}: Leader, Ashford Council" in error_fields(excinfo)["position"]
    second.refresh_from_db()
    assert second.position == MemberPosition.MEMBER


def test_member_update_and_remove_are_audited(world):
    committee = board(world)
    member = seat(committee, partner_in(world.place_a), "A")
    svc.committee_member_update(actor=world.lead_a, member=member, role_title="B", voting=False)
    member.refresh_from_db()
    assert (member.role_title, member.voting) == ("B", False)
    svc.committee_member_remove(actor=world.lead_a, member=member)
    assert not committee.members.exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"committee.member_update", "committee.member_remove"} <= actions


# Terms of reference ----------------------------------------------------------------------------


def test_versions_move_from_draft_to_approved_and_supersede_the_previous_one(world):
    committee = board(world)
    first = terms_of_reference.tor_create_draft(actor=world.lead_a, committee=committee)
    assert (first.number, first.status) == (1, TorStatus.DRAFT)
    first = terms_of_reference.tor_update(
        actor=world.lead_a, tor=first, version=first.version, purpose="To plan care together."
    )
    first = terms_of_reference.tor_submit(actor=world.lead_a, tor=first)
    assert first.status == TorStatus.FOR_APPROVAL
    first = terms_of_reference.tor_approve(
        actor=world.icb_admin, tor=first, approved_by="ICB board", approved_on=date(2025, 4, 1)
    )
    assert first.status == TorStatus.APPROVED and first.approved_by == "ICB board"

    second = terms_of_reference.tor_create_draft(actor=world.lead_a, committee=committee)
    assert second.number == 2 and second.purpose == "To plan care together."
    second = terms_of_reference.tor_update(
        actor=world.lead_a, tor=second, version=second.version, purpose="To plan care well."
    )
    second = terms_of_reference.tor_submit(actor=world.lead_a, tor=second)
    terms_of_reference.tor_approve(
        actor=world.icb_admin, tor=second, approved_by="ICB board", approved_on=date(2025, 9, 1)
    )
    statuses = dict(committee.terms_of_reference.values_list("number", "status"))
    assert statuses == {1: TorStatus.SUPERSEDED, 2: TorStatus.APPROVED}
    actions = list(
        AuditEvent.objects.filter(action__startswith="tor.").values_list("action", flat=True)
    )
    assert actions.count("tor.approve") == 2 and "tor.supersede" in actions


def test_a_second_open_version_is_refused(world):
    committee = board(world)
    draft = terms_of_reference.tor_create_draft(actor=None, committee=committee)
    with pytest.raises(ValidationError, match="Version 1 is draft"):
        terms_of_reference.tor_create_draft(actor=None, committee=committee)
    draft = terms_of_reference.tor_update(
        actor=None, tor=draft, version=draft.version, purpose="Why"
    )
    terms_of_reference.tor_submit(actor=None, tor=draft)
    with pytest.raises(ValidationError, match="Version 1 is for approval"):
        terms_of_reference.tor_create_draft(actor=None, committee=committee)


def test_only_drafts_can_be_edited_and_a_stale_save_is_refused(world):
    committee = board(world)
    draft = terms_of_reference.tor_create_draft(actor=None, committee=committee)
    opened = draft.version
    terms_of_reference.tor_update(
        actor=world.lead_a, tor=draft, version=opened, chair="An independent chair."
    )
    with pytest.raises(ConcurrentEditError):
        terms_of_reference.tor_update(
            actor=world.icb_admin, tor=draft, version=opened, chair="Mine"
        )
    draft.refresh_from_db()
    assert draft.chair == "An independent chair."
    draft = terms_of_reference.tor_update(
        actor=None, tor=draft, version=draft.version, purpose="Purpose"
    )
    submitted = terms_of_reference.tor_submit(actor=None, tor=draft)
    with pytest.raises(ValidationError, match="only a draft can be changed"):
        terms_of_reference.tor_update(
            actor=None, tor=submitted, version=submitted.version, purpose="x"
        )
    back = terms_of_reference.tor_return_to_draft(actor=None, tor=submitted)
    assert back.status == TorStatus.DRAFT
    assert (
        terms_of_reference.tor_update(
            actor=None, tor=back, version=back.version, purpose="y"
        ).purpose
        == "y"
    )


def test_submit_needs_a_purpose_and_approve_needs_a_body_and_a_past_date(world):
    committee = board(world)
    draft = terms_of_reference.tor_create_draft(actor=None, committee=committee)
    with pytest.raises(ValidationError) as excinfo:
        terms_of_reference.tor_submit(actor=None, tor=draft)
    assert "purpose" in error_fields(excinfo)
    with pytest.raises(ValidationError, match="cannot be approved"):
        terms_of_reference.tor_approve(
            actor=None, tor=draft, approved_by="Board", approved_on=date(2025, 1, 1)
        )
    draft = terms_of_reference.tor_update(
        actor=None, tor=draft, version=draft.version, purpose="Why"
    )
    submitted = terms_of_reference.tor_submit(actor=None, tor=draft)
    with pytest.raises(ValidationError) as excinfo:
        terms_of_reference.tor_approve(
            actor=None,
            tor=submitted,
            approved_by=" ",
            approved_on=timezone.localdate() + timedelta(days=1),
        )
    assert set(error_fields(excinfo)) == {"approved_by", "approved_on"}
    submitted.refresh_from_db()
    assert submitted.status == TorStatus.FOR_APPROVAL


def test_diff_marks_word_level_changes_per_section(world):
    committee = board(world)
    old = TermsOfReferenceFactory(committee=committee, number=1, purpose="To plan care together.")
    new = TermsOfReferenceFactory(
        committee=committee, number=2, purpose="To plan and fund care together.", quorum="Four."
    )
    diff = {section.key: section for section in terms_of_reference.tor_diff(old=old, new=new)}
    assert len(diff) == 10
    assert ("insert", "and fund ") in [(op, text) for op, text in diff["purpose"].segments] or any(
        op == "insert" and "fund" in text for op, text in diff["purpose"].segments
    )
    assert diff["quorum"].changed and not diff["chair"].changed


def test_diff_shows_a_change_of_the_written_quorum_apart_from_the_note(world):
    committee = board(world, quorum_minimum=4)
    first = terms_of_reference.tor_create_draft(actor=None, committee=committee)
    first = terms_of_reference.tor_update(
        actor=None, tor=first, version=first.version, purpose="Why", quorum="Deputies count."
    )
    first = terms_of_reference.tor_approve(
        actor=None,
        tor=terms_of_reference.tor_submit(actor=None, tor=first),
        approved_by="ICB board",
        approved_on=date(2025, 4, 1),
    )
    committee = svc.committee_update(
        actor=None, committee=committee, version=committee.version, quorum_minimum=6
    )
    second = terms_of_reference.tor_create_draft(actor=None, committee=committee)
    diff = {section.key: section for section in terms_of_reference.tor_diff(old=first, new=second)}
    quorum = diff["quorum"]
    assert quorum.changed and quorum.note_label == "Anything else about the quorum"
    assert ("delete", "4") in quorum.written and ("insert", "6") in quorum.written
    assert all(op == "equal" for op, _ in quorum.segments)  # the note was copied unchanged
    assert not diff["chair"].changed
    assert diff["purpose"].written is None


# Reading ---------------------------------------------------------------------------------------


def test_the_list_selector_reads_chair_members_and_approved_version_in_few_queries(
    world, django_assert_max_num_queries
):
    for n in range(4):
        committee = CommitteeFactory(place=world.place_a, name=f"Body {n}")
        CommitteeMemberFactory(committee=committee, position=MemberPosition.CHAIR)
        CommitteeMemberFactory(committee=committee)
        TermsOfReferenceFactory(committee=committee, number=1, status=TorStatus.APPROVED)
        TermsOfReferenceFactory(committee=committee, number=2, status=TorStatus.DRAFT)
    # Bodies, their seats, their terms and a joint committee's parties: four, however many.
    with django_assert_max_num_queries(4):
        rows = selectors.committees_for_place(place=world.place_a)
        summary = [
            (
                c.members_count,
                selectors.committee_chair(c).role_title,
                selectors.committee_approved_tor(c).number,
                selectors.committee_open_tor(c).number,
                c.accountable_to_organisation,
            )
            for c in rows
        ]
    assert len(summary) == 4 and all(row[0] == 2 and row[2] == 1 and row[3] == 2 for row in summary)


def test_quorum_and_decision_rule_in_words(world):
    committee = CommitteeFactory(
        place=world.place_a,
        quorum_minimum=4,
        quorum_sectors=["icb", "upper_tier_council"],
        decision_rule="two_thirds",
        single_partner_veto=True,
    )
    assert tor_sections.quorum_sentence(committee) == (
        "Quorate when 4 voting members are present, including at least one from the "
        "integrated care board and one from an upper-tier or unitary council."
    )
    assert tor_sections.decision_sentences(committee) == (
        "Decisions are by a two-thirds majority of voting members present.",
        "Any single partner organisation can veto a decision.",
    )


# Documents -------------------------------------------------------------------------------------

# The sections of every terms of reference, in the order a reader finds them.
SECTION_HEADINGS = [
    "Purpose",
    "Membership",
    "Chair",
    "Quorum",
    "Decision-making",
    "Delegated authority",
    "Conflicts of interest",
    "Reporting to partners",
    "Reporting to the community",
    "Reporting to the system",
]


@pytest.fixture
def approved_tor(world) -> TermsOfReference:
    committee = CommitteeFactory(place=world.place_a, name="Ashford Partnership Board")
    CommitteeMemberFactory(
        committee=committee, role_title="Independent chair", position=MemberPosition.CHAIR
    )
    return TermsOfReferenceFactory(
        committee=committee,
        number=3,
        status=TorStatus.APPROVED,
        purpose="To agree the place's priorities <script>.",
        quorum="Four voting members.",
        approved_by="ICB board",
        approved_on=date(2025, 4, 1),
        review_date=date(2026, 4, 1),
    )


def test_the_word_document_has_every_section_and_the_members(approved_tor):
    from docx import Document

    document = Document(io.BytesIO(tor_docx(approved_tor)))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == SECTION_HEADINGS
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Version: 3" in text and "Status: Approved" in text
    assert "Approved by: ICB board" in text and "Approved on: 1 April 2025" in text
    assert "Review date: 1 April 2026" in text
    assert "To agree the place's priorities <script>." in text
    # The members are the Membership section's list, and the chair its own section.
    seats = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    organisation = approved_tor.committee.members.get().organisation.name
    assert seats == [f"Independent chair, {organisation}: chair; voting; may send a deputy."]
    assert f"Chair: Independent chair, {organisation} (not independent)." in text


def test_the_pdf_has_every_section(approved_tor):
    from pypdf import PdfReader

    pdf = tor_pdf(approved_tor)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for heading in SECTION_HEADINGS:
        assert heading in text
    assert "Ashford Partnership Board" in text and "Independent chair" in text
    assert "ICB board" in text
    assert "Quorate when 3 voting members are present." in text


def test_place_partner_model_is_what_the_rule_reads(world):
    """A partner removed from the place can no longer be given a seat."""
    committee = board(world)
    organisation = partner_in(world.place_a)
    PlacePartner.objects.filter(organisation=organisation).delete()
    with pytest.raises(ValidationError):
        seat(committee, organisation, "X")


# What a body's framework option lets it be --------------------------------------------------


def joint(world, parties, name="Ashford Joint Committee"):
    return board(world, name=name, kind=CommitteeKind.JOINT_COMMITTEE, parties=parties)


def test_a_joint_committee_is_formed_by_the_icb_and_a_statutory_provider(world):
    icb = partner_in(world.place_a, name="NHS Ashford ICB", sector=Sector.ICB)
    trust = partner_in(world.place_a, name="Ashford Hospital NHS Trust", sector=Sector.ACUTE_TRUST)
    council = partner_in(
        world.place_a, name="Ashford County Council", sector=Sector.UPPER_TIER_COUNCIL
    )
    committee = joint(world, [icb, trust, council])
    assert set(committee.parties.all()) == {icb, trust, council}
    with pytest.raises(ValidationError) as excinfo:
        joint(world, [trust, council], "Another joint committee")
    assert "add the ICB" in error_fields(excinfo)["parties"]
    assert "Appendix A" in error_fields(excinfo)["parties"]  # the source passage is named
    with pytest.raises(ValidationError) as excinfo:
        joint(world, [icb, council], "A third joint committee")
    assert "statutory provider" in error_fields(excinfo)["parties"]


def test_only_statutory_partners_can_form_a_joint_committee_and_only_they_vote(world):
    icb = partner_in(world.place_a, name="NHS Ashford ICB", sector=Sector.ICB)
    trust = partner_in(world.place_a, name="Ashford Hospital NHS Trust", sector=Sector.ACUTE_TRUST)
    healthwatch = partner_in(world.place_a, name="Healthwatch Ashford", sector=Sector.HEALTHWATCH)
    with pytest.raises(ValidationError) as excinfo:
        joint(world, [icb, trust, healthwatch])
    assert "Healthwatch Ashford is not" in error_fields(excinfo)["parties"]
    assert not Committee.objects.filter(name="Ashford Joint Committee").exists()
    committee = joint(world, [icb, trust])
    with pytest.raises(ValidationError) as excinfo:
        seat(committee, healthwatch, "Healthwatch Representative")
    assert "Make the seat non-voting" in error_fields(excinfo)["voting"]
    assert seat(committee, healthwatch, "Healthwatch Representative", voting=False).pk


def test_a_committee_of_the_icb_answers_to_the_icbs_board(world):
    icb = partner_in(world.place_a, name="NHS Ashford ICB", sector=Sector.ICB)
    council = partner_in(
        world.place_a, name="Ashford County Council", sector=Sector.UPPER_TIER_COUNCIL
    )
    with pytest.raises(ValidationError) as excinfo:
        board(world, name="Ashford Place Committee", kind=CommitteeKind.ICB_COMMITTEE,
              accountable_to_organisation=council)  # fmt: skip
    assert "answers to the ICB's board" in error_fields(excinfo)["accountable_to_organisation"]
    assert board(world, name="Ashford Place Committee", kind=CommitteeKind.ICB_COMMITTEE,
                 accountable_to_organisation=icb).pk  # fmt: skip


def test_a_lead_providers_board_belongs_to_a_statutory_organisation(world):
    federation = partner_in(
        world.place_a, name="Ashford GP Federation", sector=Sector.GP_FEDERATION
    )
    trust = partner_in(world.place_a, name="Ashford Hospital NHS Trust", sector=Sector.ACUTE_TRUST)
    with pytest.raises(ValidationError) as excinfo:
        board(world, name="Lead provider board", kind=CommitteeKind.LEAD_PROVIDER_BOARD,
              accountable_to_organisation=federation)  # fmt: skip
    assert (
        "must be a statutory organisation" in error_fields(excinfo)["accountable_to_organisation"]
    )
    assert board(world, name="Lead provider board", kind=CommitteeKind.LEAD_PROVIDER_BOARD,
                 accountable_to_organisation=trust).pk  # fmt: skip
