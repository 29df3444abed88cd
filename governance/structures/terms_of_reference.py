"""The rules for the terms of reference of a place's bodies: numbered versions that move
draft → for approval → approved. Approving a version supersedes the one approved before it,
in the same transaction, and keeps the sections written from the body's record (membership,
chair, quorum, decision-making; governance.structures.tor_sections) with the version, so it
goes on saying what was approved; only a draft can be edited, and a new version starts as a
draft copied from the latest (its written sections follow the body until it is approved).

A version carries an integer `version` (its edit counter); a save from a stale one is refused
with core.locking.ConcurrentEditError rather than overwriting someone's work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.locking import check_version, lock_row
from core.text_diff import text_diff
from governance.structures.committees import (
    actor_or_none,
    audit,
    lock_committee,
    save_with_history,
)
from governance.structures.models import (
    TOR_SECTIONS,
    Committee,
    CommitteeMember,
    TermsOfReference,
    TorStatus,
)
from governance.structures.tor_sections import kept_sections, tor_sections
from partners.models import User

SECTION_KEYS: tuple[str, ...] = tuple(key for key, _ in TOR_SECTIONS)
SECTION_LABELS: dict[str, str] = dict(TOR_SECTIONS)
SECTION_MAX_LENGTH = 20_000


def _lock_tor(tor: TermsOfReference) -> TermsOfReference:
    return lock_row(tor, related=("committee__place__system",))


def _tor_audit(
    actor: User | None,
    tor: TermsOfReference,
    action: str,
    summary: str,
    details: dict[str, Any] | None = None,
) -> None:
    """The audit row of a change to a version: "<who> <summary> version 3 of the terms of
    reference of <body>"."""
    summary = f"{summary} version {tor.number} of the terms of reference of {tor.committee.name}"
    audit(actor, tor.committee, f"tor.{action}", tor, summary, details)


@transaction.atomic
def tor_create_draft(*, actor: User | None, committee: Committee) -> TermsOfReference:
    """A new draft numbered after the latest version, starting from the latest version's
    text. Refused while a draft or a version for approval exists."""
    committee = lock_committee(committee)
    versions = TermsOfReference.objects.filter(committee=committee).order_by("-number")
    open_version = versions.filter(status__in=[TorStatus.DRAFT, TorStatus.FOR_APPROVAL]).first()
    if open_version is not None:
        raise ValidationError(
            f"Version {open_version.number} is {open_version.get_status_display().lower()}. "
            "Approve it or finish with it before starting another version."
        )
    latest = versions.first()
    tor = TermsOfReference(
        committee=committee,
        number=(latest.number + 1) if latest else 1,
        status=TorStatus.DRAFT,
        created_by=actor_or_none(actor),
        updated_by=actor_or_none(actor),
    )
    if latest is not None:
        for key in SECTION_KEYS:
            setattr(tor, key, getattr(latest, key))
        tor.review_date = latest.review_date
    save_with_history(tor, actor)
    _tor_audit(actor, tor, "create_draft", "started")
    return tor


def _clean_text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").replace("\r", "\n")


@transaction.atomic
def tor_update(
    *,
    actor: User | None,
    tor: TermsOfReference,
    version: int,
    review_date: date | object | None = ...,
    **sections: str,
) -> TermsOfReference:
    """Change a draft's sections (and review date). `version` is the edit counter the form
    was opened at; a stale one is refused and nothing is saved."""
    unknown = set(sections) - set(SECTION_KEYS)
    if unknown:
        raise TypeError(f"tor_update cannot change {sorted(unknown)}")
    tor = _lock_tor(tor)
    if tor.status != TorStatus.DRAFT:
        raise ValidationError(
            f"Version {tor.number} is {tor.get_status_display().lower()}: only a draft can be "
            "changed. Start a new version to make changes."
        )
    check_version(tor, version, "draft of the terms of reference")
    errors: dict[str, list[str]] = {}
    changed: list[str] = []
    for key, value in sections.items():
        text = _clean_text(value)
        if len(text) > SECTION_MAX_LENGTH:
            errors[key] = [
                f"{SECTION_LABELS[key]} must be {SECTION_MAX_LENGTH:,} characters or fewer; it "
                f"has {len(text):,}."
            ]
        if text != getattr(tor, key):
            changed.append(SECTION_LABELS[key])
            setattr(tor, key, text)
    if errors:
        raise ValidationError(errors)
    if review_date is not ... and review_date != tor.review_date:
        tor.review_date = review_date  # type: ignore[assignment]
        changed.append("Review date")
    if not changed:
        return tor
    tor.version += 1
    tor.updated_by = actor_or_none(actor)
    save_with_history(tor, actor)
    _tor_audit(actor, tor, "update", "edited", {"changed": changed})
    return tor


def _move(
    actor: User | None, tor: TermsOfReference, from_status: str, to_status: str, doing: str
) -> TermsOfReference:
    """The version moved from `from_status` to `to_status` (not yet saved), or refused with
    why it cannot be `doing`."""
    if tor.status != from_status:
        raise ValidationError(
            f"Version {tor.number} is {tor.get_status_display().lower()}, so it cannot be {doing}."
        )
    tor.status = to_status
    tor.version += 1
    tor.updated_by = actor_or_none(actor)
    return tor


@transaction.atomic
def tor_submit(*, actor: User | None, tor: TermsOfReference) -> TermsOfReference:
    tor = _lock_tor(tor)
    _move(actor, tor, TorStatus.DRAFT, TorStatus.FOR_APPROVAL, "submitted for approval")
    if not tor.purpose.strip():
        raise ValidationError({"purpose": ["Write the purpose before submitting for approval."]})
    save_with_history(tor, actor)
    _tor_audit(actor, tor, "submit", "submitted for approval")
    return tor


@transaction.atomic
def tor_return_to_draft(*, actor: User | None, tor: TermsOfReference) -> TermsOfReference:
    tor = _lock_tor(tor)
    _move(actor, tor, TorStatus.FOR_APPROVAL, TorStatus.DRAFT, "returned to draft")
    save_with_history(tor, actor)
    _tor_audit(actor, tor, "return_to_draft", "returned to draft")
    return tor


@transaction.atomic
def tor_approve(
    *, actor: User | None, tor: TermsOfReference, approved_by: str, approved_on: date | None
) -> TermsOfReference:
    """Approve a version for approval; the version approved before it is superseded, and the
    sections written from the body's record are kept with the approved one."""
    # The body's row is locked first: every change to its seats locks it too, so the
    # sections kept below are the body exactly as it stands at approval.
    committee = lock_committee(tor.committee)
    tor = _lock_tor(tor)
    errors: dict[str, list[str]] = {}
    approved_by = (approved_by or "").strip()
    if not approved_by:
        errors["approved_by"] = ["Enter the body that approved it, such as the ICB board."]
    if approved_on is None:
        errors["approved_on"] = ["Enter the date it was approved."]
    elif approved_on > timezone.localdate():
        errors["approved_on"] = ["The date of approval cannot be in the future."]
    _move(actor, tor, TorStatus.FOR_APPROVAL, TorStatus.APPROVED, "approved")
    if errors:
        raise ValidationError(errors)
    previous = (
        TermsOfReference.objects.select_for_update()
        .filter(committee_id=tor.committee_id, status=TorStatus.APPROVED)
        .exclude(pk=tor.pk)
        .first()
    )
    if previous is not None:
        previous.status = TorStatus.SUPERSEDED
        previous.version += 1
        previous.updated_by = actor_or_none(actor)
        save_with_history(previous, actor)
        _tor_audit(actor, previous, "supersede", "superseded")
    tor.approved_by = approved_by
    tor.approved_on = approved_on
    seats = CommitteeMember.objects.filter(committee=committee).select_related("organisation")
    tor.generated_sections = kept_sections(committee, seats, on=timezone.localdate())
    save_with_history(tor, actor)
    _tor_audit(actor, tor, "approve", f"recorded the approval by {approved_by} of")
    return tor


def tor_download_record(*, actor: User | None, tor: TermsOfReference, fmt: str) -> None:
    """The audit row of one download of a version's document."""
    committee = tor.committee
    summary = (
        f"downloaded version {tor.number} of the terms of reference of {committee.name} "
        f"({fmt.upper()})"
    )
    audit(actor, committee, "tor.download", tor, summary, {"format": fmt})


Segments = list[tuple[str, str]]  # ("equal" | "delete" | "insert", text)


@dataclass(frozen=True)
class SectionDiff:
    """One section's changes: of its typed text (for a written section, its "anything
    else" note, labelled `note_label`), and of its written text (None if it has none)."""

    key: str
    label: str
    segments: Segments
    written: Segments | None = None
    note_label: str = ""

    @property
    def changed(self) -> bool:
        segments = [*self.segments, *(self.written or [])]
        return any(op != "equal" for op, _ in segments)


def tor_diff(*, old: TermsOfReference, new: TermsOfReference) -> list[SectionDiff]:
    """Each section's word-level changes from `old` to `new`, as each version shows it: a
    written section as kept with an approved version, or as the body is now for the open
    one."""
    before, after = tor_sections(old).sections, tor_sections(new).sections
    return [
        SectionDiff(
            was.key,
            was.label,
            text_diff(was.note, now.note),
            text_diff(was.written.text, now.written.text)
            if was.written is not None and now.written is not None
            else None,
            was.note_label,
        )
        for was, now in zip(before, after, strict=True)
    ]
