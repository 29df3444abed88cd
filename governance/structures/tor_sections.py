"""The sections of a version of a body's terms of reference, as its page, its Word file and
its PDF all show them: `tor_sections`, the one source all three read.

Four sections are written from the body's recorded structure rather than typed, by
`written_sections`: Membership (its seats), Chair (the chair and vice-chair), Quorum
(`quorum_minimum`, `quorum_sectors`) and Decision-making (`decision_rule`,
`single_partner_veto`). A version therefore cannot state the quorum one way in its text and
the body's record another. What people typed in those four sections is kept, and shown after
the written text under "Anything else about …", never as a second statement of the rule.

While a version is a draft or for approval it shows the body as recorded now. Approving it
keeps the written sections in `TermsOfReference.generated_sections` (`kept_sections`, called
by terms_of_reference.tor_approve), so an approved or superseded version shows exactly what
was approved however the body changes later. A version approved before sections were kept
shows the body as recorded now, and says so."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from governance.structures.models import (
    TOR_SECTIONS,
    Committee,
    CommitteeMember,
    DecisionRule,
    MemberPosition,
    TermsOfReference,
    TorStatus,
)
from governance.structures.selectors import committee_seats, uk_today
from partners.models import Sector

GENERATED_KEYS: tuple[str, ...] = ("membership", "chair", "quorum", "decision_making")
NOTE_LABELS: dict[str, str] = {
    "membership": "Anything else about membership",
    "chair": "Anything else about the chair",
    "quorum": "Anything else about the quorum",
    "decision_making": "Anything else about decision-making",
}
# What a note may add, for the editor's hint: everything but the rule the body records.
NOTE_EXAMPLES: dict[str, str] = {
    "membership": "how members are appointed or who may attend without a seat",
    "chair": "who presides when the chair and vice-chair are both absent",
    "quorum": "whether a deputy counts towards the quorum",
    "decision_making": "what happens when a decision cannot be reached",
}

# Each sector as the quorum sentence names one of its organisations.
SECTOR_PHRASES: dict[str, str] = {
    Sector.ICB: "the integrated care board",
    Sector.ACUTE_TRUST: "an acute trust",
    Sector.COMMUNITY_TRUST: "a community trust",
    Sector.MENTAL_HEALTH_TRUST: "a mental health trust",
    Sector.COMBINED_TRUST: "a combined trust",
    Sector.AMBULANCE_TRUST: "an ambulance trust",
    Sector.UPPER_TIER_COUNCIL: "an upper-tier or unitary council",
    Sector.DISTRICT_COUNCIL: "a district council",
    Sector.PRIMARY_CARE_NETWORK: "a primary care network",
    Sector.GP_PRACTICE: "a GP practice",
    Sector.GP_FEDERATION: "a GP federation or primary care collaborative",
    Sector.VCFSE: "a voluntary, community, faith or social enterprise organisation",
    Sector.HEALTHWATCH: "Healthwatch",
    Sector.HOSPICE: "a hospice",
    Sector.OTHER: "an organisation of another kind",
}

DECISION_SENTENCES: dict[str, str] = {
    DecisionRule.CONSENSUS: "Decisions are by consensus of the members present.",
    DecisionRule.MAJORITY: "Decisions are by a simple majority of voting members present.",
    DecisionRule.TWO_THIRDS: "Decisions are by a two-thirds majority of voting members present.",
    DecisionRule.UNANIMOUS: "Decisions are unanimous: every voting member present must agree.",
}
POSITION_ORDER: dict[str, int] = {
    MemberPosition.CHAIR: 0,
    MemberPosition.VICE_CHAIR: 1,
    MemberPosition.MEMBER: 2,
}

# Where a version's written sections come from.
NOW = "now"  # a draft or a version for approval: the body as recorded now
KEPT = "kept"  # approved or superseded: as kept when the approval was recorded
NOT_KEPT = "not_kept"  # approved before sections were kept: the body as recorded now
KEPT_FORMAT = 1


@dataclass(frozen=True)
class Written:
    """A section written from the body's record: sentences, then a list (the seats)."""

    paragraphs: tuple[str, ...]
    items: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """As one text, for comparing versions and for the editor's hint."""
        return "\n".join([*self.paragraphs, *(f"• {item}" for item in self.items)])


@dataclass(frozen=True)
class TorSection:
    """One of the ten sections. `written` is None for a section that is only typed; for the
    four written ones, `note` is what was typed, shown under `note_label`."""

    key: str
    label: str
    written: Written | None
    note: str
    note_label: str = ""

    @property
    def has_note(self) -> bool:
        return bool(self.note.strip())


@dataclass(frozen=True)
class TorContent:
    sections: list[TorSection]
    source: str  # NOW, KEPT or NOT_KEPT
    on: date  # today, or the day the sections were kept

    @property
    def follows_body(self) -> bool:
        """The written sections change when the body's record does (an open version)."""
        return self.source == NOW

    @property
    def source_text(self) -> str:
        """Whose record the written sections are: for the page and the files."""
        day = f"{self.on.day} {self.on:%B %Y}"
        if self.source == KEPT:
            return f"As they stood when the approval was recorded, on {day}."
        if self.source == NOT_KEPT:
            return (
                f"As the body is recorded on {day}: this version was approved before the "
                "membership, chair, quorum and decision-making were kept with each version."
            )
        return (
            f"As the body is recorded on {day}. They follow any change to the body until "
            "this version is approved, and are then kept as approved."
        )


# Writing the sections -------------------------------------------------------------------------


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _joined(phrases: Sequence[str]) -> str:
    if len(phrases) < 2:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def _sector_phrase(sector: str) -> str:
    if sector in SECTOR_PHRASES:
        return SECTOR_PHRASES[sector]
    label = Sector(sector).label.lower() if sector in Sector.values else str(sector)
    return f"{'an' if label[:1] in 'aeiou' else 'a'} {label}"


def quorum_sentence(committee: Committee) -> str:
    """ "Quorate when 4 voting members are present, including at least one from the
    integrated care board and one from an upper-tier or unitary council." """
    count = committee.quorum_minimum
    text = f"Quorate when {_plural(count, 'voting member')} {'is' if count == 1 else 'are'} present"
    sectors = list(dict.fromkeys(committee.quorum_sectors or []))
    if sectors:
        text += ", including at least " + _joined(
            [f"one from {_sector_phrase(s)}" for s in sectors]
        )
    return text + "."


def decision_sentences(committee: Committee) -> tuple[str, str]:
    """The decision rule, then whether a single partner can veto."""
    rule = DECISION_SENTENCES.get(
        committee.decision_rule, f"Decisions: {committee.get_decision_rule_display()}."
    )
    veto = (
        "Any single partner organisation can veto a decision."
        if committee.single_partner_veto
        else "No single partner can veto a decision."
    )
    return rule, veto


def _seat_name(seat: CommitteeMember) -> str:
    return f"{seat.role_title}, {seat.organisation.name}"


def _seat_item(seat: CommitteeMember) -> str:
    position = seat.get_position_display().lower()
    return (
        f"{_seat_name(seat)}: {'independent ' if seat.independent else ''}{position}; "
        f"{'voting' if seat.voting else 'non-voting'}; "
        f"{'may send a deputy' if seat.deputy_allowed else 'no deputy'}."
    )


def _membership(seats: Sequence[CommitteeMember]) -> Written:
    count = len(seats)
    if not count:
        return Written(("No seats have been recorded yet.",))
    voting = sum(1 for seat in seats if seat.voting)
    if voting == count:
        summary = f"{_plural(count, 'seat')}, {'voting' if count == 1 else 'all voting'}."
    elif voting == 0:
        summary = f"{_plural(count, 'seat')}, {'non-voting' if count == 1 else 'none voting'}."
    else:
        summary = f"{_plural(count, 'seat')}: {voting} voting and {count - voting} non-voting."
    return Written((summary,), tuple(_seat_item(seat) for seat in seats))


def _chair(seats: Sequence[CommitteeMember]) -> Written:
    paragraphs = []
    for position, label in (
        (MemberPosition.CHAIR, "chair"),
        (MemberPosition.VICE_CHAIR, "vice-chair"),
    ):
        seat = next((s for s in seats if s.position == position), None)
        if seat is None:
            paragraphs.append(f"No {label} has been recorded.")
        else:
            independent = "independent" if seat.independent else "not independent"
            paragraphs.append(f"{label.capitalize()}: {_seat_name(seat)} ({independent}).")
    return Written(tuple(paragraphs))


def _in_order(seats: Iterable[CommitteeMember]) -> list[CommitteeMember]:
    return sorted(
        seats,
        key=lambda s: (
            POSITION_ORDER.get(s.position, 3),
            s.organisation.name.casefold(),
            s.role_title.casefold(),
            s.pk or 0,
        ),
    )


def written_sections(
    committee: Committee, seats: Iterable[CommitteeMember] | None = None
) -> dict[str, Written]:
    """The four sections written from the body's record as it is now: the one place their
    words are made. `seats` are the body's seats when the caller has just read them."""
    ordered = _in_order(committee_seats(committee) if seats is None else seats)
    return {
        "membership": _membership(ordered),
        "chair": _chair(ordered),
        "quorum": Written((quorum_sentence(committee),)),
        "decision_making": Written(decision_sentences(committee)),
    }


# Keeping them with an approved version --------------------------------------------------------


def kept_sections(
    committee: Committee, seats: Iterable[CommitteeMember] | None = None, *, on: date
) -> dict[str, Any]:
    """The written sections as `TermsOfReference.generated_sections` keeps them."""
    written = written_sections(committee, seats)
    return {
        "format": KEPT_FORMAT,
        "kept_on": on.isoformat(),
        "sections": {
            key: {"paragraphs": list(section.paragraphs), "items": list(section.items)}
            for key, section in written.items()
        },
    }


def _texts(value: Any) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return tuple(value)


def _read_kept(data: Any) -> tuple[dict[str, Written], date | None] | None:
    """The kept sections and the day they were kept, or None when nothing usable is kept
    (never kept, or changed by hand into something else)."""
    sections = data.get("sections") if isinstance(data, dict) else None
    if not isinstance(sections, dict):
        return None
    found: dict[str, Written] = {}
    for key in GENERATED_KEYS:
        entry = sections.get(key)
        if not isinstance(entry, dict):
            return None
        paragraphs, items = _texts(entry.get("paragraphs", [])), _texts(entry.get("items", []))
        if paragraphs is None or items is None:
            return None
        found[key] = Written(paragraphs, items)
    try:
        kept_on: date | None = date.fromisoformat(str(data.get("kept_on")))
    except ValueError:
        kept_on = None
    return found, kept_on


# What a version shows -------------------------------------------------------------------------


def tor_sections(tor: TermsOfReference) -> TorContent:
    """The ten sections of a version, in order, as the page and both files show them."""
    today = uk_today()
    source, on = NOW, today
    written: dict[str, Written] | None = None
    if tor.status in (TorStatus.APPROVED, TorStatus.SUPERSEDED):
        kept = _read_kept(tor.generated_sections)
        if kept is None:
            source = NOT_KEPT
        else:
            written, kept_on = kept
            source, on = KEPT, kept_on or tor.approved_on or today
    if written is None:
        written = written_sections(tor.committee)
    sections = [
        TorSection(
            key=key,
            label=label,
            written=written.get(key),
            note=getattr(tor, key) or "",
            note_label=NOTE_LABELS.get(key, ""),
        )
        for key, label in TOR_SECTIONS
    ]
    return TorContent(sections=sections, source=source, on=on)
