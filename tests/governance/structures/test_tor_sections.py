"""The membership, chair, quorum and decision-making of a body's terms of reference, written
from its record: the words for several structures, what an approved version keeps, and files
that state each rule once."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse

from governance.structures import committees as svc
from governance.structures import terms_of_reference as tor_svc
from governance.structures.models import DecisionRule, MemberPosition, TermsOfReference, TorStatus
from governance.structures.tor_documents import tor_docx, tor_html, tor_pdf
from governance.structures.tor_sections import (
    KEPT,
    NOT_KEPT,
    NOW,
    decision_sentences,
    quorum_sentence,
    tor_sections,
    written_sections,
)
from partners.models import Sector
from tests.factories import (
    CommitteeFactory,
    CommitteeMemberFactory,
    TermsOfReferenceFactory,
    partner_in,
)
from tests.hostile import assert_no_injected_markup

pytestmark = pytest.mark.django_db

QUORUM_NOTE = "A deputy counts towards the quorum."


@pytest.mark.parametrize(
    ("minimum", "sectors", "words"),
    [
        (1, [], "Quorate when 1 voting member is present."),
        (
            3,
            [Sector.ICB],
            "Quorate when 3 voting members are present, including at least one "
            "from the integrated care board.",
        ),
        (
            4,
            [Sector.ACUTE_TRUST, Sector.UPPER_TIER_COUNCIL],
            "Quorate when 4 voting members are present, including at least one from an acute "
            "trust and one from an upper-tier or unitary council.",
        ),
        (
            5,
            [Sector.ICB, Sector.VCFSE, Sector.HEALTHWATCH],
            "Quorate when 5 voting members are present, including at least one from the "
            "integrated care board, one from a voluntary, community, faith or social "
            "enterprise organisation and one from Healthwatch.",
        ),
    ],
)
def test_the_quorum_in_words(world, minimum, sectors, words):
    committee = CommitteeFactory(
        place=world.place_a, quorum_minimum=minimum, quorum_sectors=sectors
    )
    assert quorum_sentence(committee) == words
    assert written_sections(committee)["quorum"].paragraphs == (words,)


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        (DecisionRule.CONSENSUS, "Decisions are by consensus of the members present."),
        (DecisionRule.MAJORITY, "Decisions are by a simple majority of voting members present."),
        (
            DecisionRule.TWO_THIRDS,
            "Decisions are by a two-thirds majority of voting members present.",
        ),
        (
            DecisionRule.UNANIMOUS,
            "Decisions are unanimous: every voting member present must agree.",
        ),
    ],
)
@pytest.mark.parametrize(
    ("veto", "veto_words"),
    [
        (False, "No single partner can veto a decision."),
        (True, "Any single partner organisation can veto a decision."),
    ],
)
def test_each_decision_rule_with_and_without_a_veto(world, rule, words, veto, veto_words):
    committee = CommitteeFactory(place=world.place_a, decision_rule=rule, single_partner_veto=veto)
    assert decision_sentences(committee) == (words, veto_words)
    assert written_sections(committee)["decision_making"].paragraphs == (words, veto_words)


def test_the_membership_and_chair_of_a_full_body(world):
    committee = CommitteeFactory(place=world.place_a)
    icb = partner_in(world.place_a, name="North Shire ICB", sector=Sector.ICB)
    council = partner_in(world.place_a, name="Ashford Council", sector=Sector.UPPER_TIER_COUNCIL)
    healthwatch = partner_in(world.place_a, name="Healthwatch Ashford")
    CommitteeMemberFactory(committee=committee, organisation=council, role_title="Director")
    CommitteeMemberFactory(
        committee=committee,
        organisation=healthwatch,
        role_title="Representative",
        voting=False,
        deputy_allowed=False,
    )
    CommitteeMemberFactory(
        committee=committee,
        organisation=icb,
        role_title="Place Director",
        position=MemberPosition.VICE_CHAIR,
    )
    CommitteeMemberFactory(
        committee=committee,
        organisation=icb,
        role_title="Lay Member",
        position=MemberPosition.CHAIR,
        independent=True,
    )
    written = written_sections(committee)
    assert written["membership"].paragraphs == ("4 seats: 3 voting and 1 non-voting.",)
    assert written["membership"].items == (
        "Lay Member, North Shire ICB: independent chair; voting; may send a deputy.",
        "Place Director, North Shire ICB: vice-chair; voting; may send a deputy.",
        "Director, Ashford Council: member; voting; may send a deputy.",
        "Representative, Healthwatch Ashford: member; non-voting; no deputy.",
    )
    assert written["chair"].paragraphs == (
        "Chair: Lay Member, North Shire ICB (independent).",
        "Vice-chair: Place Director, North Shire ICB (not independent).",
    )


def test_a_body_with_no_chair_and_no_seats_says_so(world):
    committee = CommitteeFactory(place=world.place_a)
    written = written_sections(committee)
    assert written["membership"].paragraphs == ("No seats have been recorded yet.",)
    assert written["membership"].items == ()
    assert written["chair"].paragraphs == (
        "No chair has been recorded.",
        "No vice-chair has been recorded.",
    )
    CommitteeMemberFactory(committee=committee, voting=False)
    written = written_sections(committee)
    assert written["membership"].paragraphs == ("1 seat, non-voting.",)
    assert written["chair"].paragraphs[0] == "No chair has been recorded."


# An approved version keeps what was approved ---------------------------------------------------


def approved(committee, **sections) -> TermsOfReference:
    """A version drafted, submitted and approved through the services."""
    tor = tor_svc.tor_create_draft(actor=None, committee=committee)
    tor = tor_svc.tor_update(
        actor=None, tor=tor, version=tor.version, purpose="To plan care.", **sections
    )
    tor = tor_svc.tor_submit(actor=None, tor=tor)
    return tor_svc.tor_approve(
        actor=None, tor=tor, approved_by="ICB board", approved_on=date(2025, 4, 1)
    )


def docx_text(data: bytes) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def test_an_approved_version_keeps_its_sections_after_the_body_changes(world):
    icb = partner_in(world.place_a, name="North Shire ICB", sector=Sector.ICB)
    committee = svc.committee_create(
        actor=None,
        place=world.place_a,
        name="Ashford Place Committee",
        kind="icb_committee",
        accountable_to_organisation=icb,
        quorum_minimum=4,
        quorum_sectors=[Sector.ICB],
        decision_rule=DecisionRule.MAJORITY,
    )
    chair = svc.committee_member_add(
        actor=None,
        committee=committee,
        organisation=icb,
        role_title="Lay Member",
        position=MemberPosition.CHAIR,
        independent=True,
    )
    tor = approved(committee, quorum=QUORUM_NOTE)
    as_approved = tor_sections(tor)
    assert as_approved.source == KEPT
    assert tor.generated_sections["sections"]["quorum"]["paragraphs"] == [
        "Quorate when 4 voting members are present, including at least one from the "
        "integrated care board."
    ]

    # The body changes after the approval: its quorum, rule, veto and seats.
    committee = svc.committee_update(
        actor=None,
        committee=committee,
        version=committee.version,
        quorum_minimum=6,
        decision_rule=DecisionRule.UNANIMOUS,
        single_partner_veto=True,
    )
    svc.committee_member_update(actor=None, member=chair, position=MemberPosition.MEMBER)
    svc.committee_member_add(
        actor=None, committee=committee, organisation=icb, role_title="Finance Director"
    )

    tor = TermsOfReference.objects.get(pk=tor.pk)
    assert tor_sections(tor) == as_approved
    for text in (docx_text(tor_docx(tor)), pdf_text(tor_pdf(tor))):
        assert "Quorate when 4 voting members are present" in text
        assert "Decisions are by a simple majority of voting members present." in text
        assert "No single partner can veto a decision." in text
        assert "Chair: Lay Member, North Shire ICB (independent)." in text
        assert "Finance Director" not in text and "Quorate when 6" not in text
        assert "when the approval was recorded" in text

    # A new draft follows the body as it is now; approving it keeps that in turn.
    draft = tor_svc.tor_create_draft(actor=None, committee=committee)
    now = tor_sections(draft)
    assert now.source == NOW and now.follows_body
    quorum = next(s for s in now.sections if s.key == "quorum")
    assert quorum.written.paragraphs == (
        "Quorate when 6 voting members are present, including at least one from the "
        "integrated care board.",
    )
    assert quorum.note == QUORUM_NOTE  # the note is copied; the rule is not typed
    assert "Finance Director, North Shire ICB: member; voting; may send a deputy." in (
        next(s for s in now.sections if s.key == "membership").written.items
    )
    assert draft.generated_sections == {}
    # The superseded version still says what was approved.
    draft = tor_svc.tor_update(actor=None, tor=draft, version=draft.version, purpose="Again.")
    tor_svc.tor_approve(
        actor=None,
        tor=tor_svc.tor_submit(actor=None, tor=draft),
        approved_by="ICB board",
        approved_on=date(2025, 9, 1),
    )
    tor.refresh_from_db()
    assert tor.status == TorStatus.SUPERSEDED and tor_sections(tor) == as_approved


def test_a_version_approved_before_sections_were_kept_says_it_shows_the_body_now(world):
    committee = CommitteeFactory(place=world.place_a, quorum_minimum=5)
    tor = TermsOfReferenceFactory(committee=committee, status=TorStatus.APPROVED)
    content = tor_sections(tor)
    assert content.source == NOT_KEPT and not content.follows_body
    assert "approved before" in content.source_text
    quorum = next(s for s in content.sections if s.key == "quorum")
    assert quorum.written.paragraphs == ("Quorate when 5 voting members are present.",)
    # Sections kept in a shape this code does not know are not trusted either.
    tor.generated_sections = {"sections": {"quorum": "Two members."}}
    assert tor_sections(tor).source == NOT_KEPT
    assert "Two members." not in docx_text(tor_docx(tor))


# Each rule once in the files -------------------------------------------------------------------


def test_the_files_state_the_quorum_once_and_the_note_apart(world):
    committee = CommitteeFactory(
        place=world.place_a, quorum_minimum=4, quorum_sectors=[Sector.ICB, Sector.ACUTE_TRUST]
    )
    tor = approved(committee, quorum=QUORUM_NOTE, decision_making="")
    from docx import Document

    document = Document(io.BytesIO(tor_docx(tor)))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    texts = [text for _, text in paragraphs]
    sentence = (
        "Quorate when 4 voting members are present, including at least one from the "
        "integrated care board and one from an acute trust."
    )
    # One Quorum heading, the written rule once under it, then the note under its own label;
    # no "Quorum:" fact restates it.
    assert [text for style, text in paragraphs if text == "Quorum"] == ["Quorum"]
    assert sum(sentence in text for text in texts) == 1
    assert not any(text.startswith(("Quorum:", "Decisions:")) for text in texts)
    start = texts.index("Quorum")
    assert paragraphs[start + 1] == ("Normal", sentence)
    assert paragraphs[start + 2] == ("Heading 2", "Anything else about the quorum")
    assert paragraphs[start + 3] == ("Normal", QUORUM_NOTE)
    assert paragraphs[start + 4][0] == "Heading 1"
    assert sum(QUORUM_NOTE in text for text in texts) == 1
    # An empty note adds no heading.
    assert "Anything else about decision-making" not in texts

    pdf = pdf_text(tor_pdf(tor))
    assert pdf.count("Quorate when") == 1
    assert pdf.count(QUORUM_NOTE) == 1
    assert (
        pdf.index(sentence) < pdf.index("Anything else about the quorum") < pdf.index(QUORUM_NOTE)
    )
    assert "Anything else about decision-making" not in pdf


def test_markup_and_control_characters_from_the_body_stay_text_in_page_and_files(client, world):
    committee = CommitteeFactory(place=world.place_a, name="Board <pgd-injected>x</pgd-injected>")
    CommitteeMemberFactory(
        committee=committee,
        organisation=partner_in(world.place_a, name="Trust\x0b<script>alert(1)</script>"),
        role_title="Chair\u200b<pgd-injected>\x08",
        position=MemberPosition.CHAIR,
    )
    tor = TermsOfReferenceFactory(committee=committee, number=1, quorum="<b>\x0cnote</b>")
    client.force_login(world.lead_a)
    page = client.get(
        reverse("committees:tor", args=[world.place_a.pk, committee.pk, 1])
    ).content.decode()
    assert_no_injected_markup(page)
    assert "Chair\u200b&lt;pgd-injected&gt;" in page
    word = docx_text(tor_docx(tor))
    assert "Chair\u200b<pgd-injected>, Trust<script>alert(1)</script>: chair;" in word
    assert "<b>note</b>" in word
    assert_no_injected_markup(tor_html(tor))
    assert tor_pdf(tor).startswith(b"%PDF")
