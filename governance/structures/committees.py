"""The rules for a place's committees, their members and their versioned terms of reference.

Every function that changes something is keyword-only, validates, saves atomically and writes
its audit row. Permission checks (who may read or change a place's bodies) are the caller's
job; these functions enforce the rules of the structure itself:

- a body's name is unique within its place;
- a body answers either to another body of the same place or to the board of an organisation
  that is a partner of the place, never both, and never (directly or through its
  sub-committees) to itself;
- a seat is held for a partner organisation of the place (a delegate of an organisation
  outside the place has no standing here) and, when a person is named, by someone with a
  current role in the system; a body has at most one chair and one vice-chair;
- terms of reference move draft → for approval → approved; approving a version supersedes
  the one approved before it, in the same transaction, and only drafts can be edited.

Committees and terms of reference carry an integer `version`; a save from a stale version is
refused with partners.services.ConcurrentEditError rather than overwriting someone's work."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Prefetch
from django.utils import timezone

from governance.consultation.services import text_diff
from governance.structures.models import (
    TOR_SECTIONS,
    Committee,
    CommitteeMember,
    DecisionRule,
    MemberPosition,
    TermsOfReference,
    TorStatus,
)
from partners.audit import actor_name, audit_record
from partners.models import Membership, Organisation, Place, PlacePartner, Sector, User
from partners.services import ConcurrentEditError

SECTION_KEYS: tuple[str, ...] = tuple(key for key, _ in TOR_SECTIONS)
SECTION_LABELS: dict[str, str] = dict(TOR_SECTIONS)
SECTION_MAX_LENGTH = 20_000

COMMITTEE_FIELDS = frozenset(
    {
        "name",
        "kind",
        "accountable_to_committee",
        "accountable_to_organisation",
        "frequency",
        "meets_in_public",
        "quorum_minimum",
        "quorum_sectors",
        "decision_rule",
        "single_partner_veto",
    }
)
MEMBER_FIELDS = frozenset(
    {"organisation", "role_title", "person", "position", "voting", "deputy_allowed", "independent"}
)


def _actor_or_none(user: User | None) -> User | None:
    return user if user is not None and user.pk else None


def _save(instance: models.Model, actor: User | None) -> None:
    """Validate and save, recording the actor in the history."""
    instance._history_user = _actor_or_none(actor)  # type: ignore[attr-defined]
    instance.full_clean()
    instance.save()


# Committees -----------------------------------------------------------------------------------


def _is_partner(place: Place, organisation: Organisation) -> bool:
    return PlacePartner.objects.filter(place=place, organisation=organisation).exists()


def _validate_committee(committee: Committee) -> None:
    errors: dict[str, list[str]] = {}
    committee.name = (committee.name or "").strip()
    place = committee.place
    if committee.name:
        clash = Committee.objects.filter(place=place, name__iexact=committee.name)
        if committee.pk:
            clash = clash.exclude(pk=committee.pk)
        if clash.exists():
            errors["name"] = [
                f"{place.name} already has a body called “{committee.name}”. Choose another name."
            ]
    parent = committee.accountable_to_committee
    organisation = committee.accountable_to_organisation
    if parent is not None and organisation is not None:
        errors["accountable_to_organisation"] = [
            "A body answers to another committee or to an organisation's board, not both. "
            "Choose one."
        ]
    elif parent is not None:
        if parent.place_id != place.pk:
            errors["accountable_to_committee"] = [
                f"A body can only answer to another body of {place.name}."
            ]
        elif committee.pk and _answers_to(parent, committee):
            errors["accountable_to_committee"] = [
                f"{committee.name} cannot answer to {parent.name}: "
                + (
                    "a body cannot answer to itself."
                    if parent.pk == committee.pk
                    else f"{parent.name} already answers to {committee.name}, directly or "
                    "through its sub-committees."
                )
            ]
    elif organisation is not None and not _is_partner(place, organisation):
        errors["accountable_to_organisation"] = [
            f"{organisation.name} is not a partner of {place.name}. A body can only answer to "
            "the board of one of the place's partner organisations."
        ]
    sectors = list(dict.fromkeys(committee.quorum_sectors or []))
    unknown = [s for s in sectors if s not in Sector.values]
    if unknown:
        errors["quorum_sectors"] = [f"Unknown sector: {', '.join(map(str, unknown))}."]
    committee.quorum_sectors = sectors
    if errors:
        raise ValidationError(errors)


def _answers_to(start: Committee, target: Committee) -> bool:
    """Whether `start` is `target` or answers to it through the chain of bodies above it."""
    seen: set[int] = set()
    current: Committee | None = start
    while current is not None and current.pk not in seen:
        if current.pk == target.pk:
            return True
        seen.add(current.pk)
        parent_id = current.accountable_to_committee_id
        current = Committee.objects.filter(pk=parent_id).first() if parent_id else None
    return False


@transaction.atomic
def committee_create(
    *,
    actor: User | None,
    place: Place,
    name: str,
    kind: str,
    accountable_to_committee: Committee | None = None,
    accountable_to_organisation: Organisation | None = None,
    frequency: str = "monthly",
    meets_in_public: bool = False,
    quorum_minimum: int = 3,
    quorum_sectors: Iterable[str] = (),
    decision_rule: str = DecisionRule.CONSENSUS,
    single_partner_veto: bool = False,
) -> Committee:
    # Serialise changes to a place's bodies so two people cannot create the same name.
    Place.objects.select_for_update().filter(pk=place.pk).first()
    committee = Committee(
        place=place,
        name=name,
        kind=kind,
        accountable_to_committee=accountable_to_committee,
        accountable_to_organisation=accountable_to_organisation,
        frequency=frequency,
        meets_in_public=meets_in_public,
        quorum_minimum=quorum_minimum,
        quorum_sectors=list(quorum_sectors),
        decision_rule=decision_rule,
        single_partner_veto=single_partner_veto,
    )
    _validate_committee(committee)
    _save(committee, actor)
    audit_record(
        actor=actor,
        system=place.system,
        action="committee.create",
        target=committee,
        summary=f"{actor_name(actor)} added {committee.name} to {place.name}",
    )
    return committee


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


@transaction.atomic
def committee_update(
    *, actor: User | None, committee: Committee, version: int, **changes: Any
) -> Committee:
    unknown = set(changes) - COMMITTEE_FIELDS
    if unknown:
        raise TypeError(f"committee_update cannot change {sorted(unknown)}")
    Place.objects.select_for_update().filter(pk=committee.place_id).first()
    committee = (
        Committee.objects.select_for_update().select_related("place__system").get(pk=committee.pk)
    )
    if committee.version != version:
        raise ConcurrentEditError(
            f"committee (it is now at version {committee.version}, you opened version {version})"
        )
    before = {field: getattr(committee, field) for field in changes}
    for field, value in changes.items():
        if field == "quorum_sectors":
            value = list(value or [])
        setattr(committee, field, value)
    _validate_committee(committee)
    changed = {
        field: [_display(before[field]), _display(getattr(committee, field))]
        for field in changes
        if before[field] != getattr(committee, field)
    }
    if not changed:
        return committee
    committee.version += 1
    _save(committee, actor)
    audit_record(
        actor=actor,
        system=committee.place.system,
        action="committee.update",
        target=committee,
        summary=f"{actor_name(actor)} changed {committee.name} (version {committee.version})",
        details={"changed": changed},
    )
    return committee


@transaction.atomic
def committee_deactivate(*, actor: User | None, committee: Committee) -> Committee:
    committee = (
        Committee.objects.select_for_update().select_related("place__system").get(pk=committee.pk)
    )
    if not committee.is_active:
        raise ValidationError(f"{committee.name} is already inactive.")
    answering = list(committee.sub_committees.filter(is_active=True).values_list("name", flat=True))
    if answering:
        raise ValidationError(
            f"{committee.name} cannot be made inactive while {', '.join(answering)} "
            f"{'answers' if len(answering) == 1 else 'answer'} to it. Change who "
            f"{'it answers' if len(answering) == 1 else 'they answer'} to first."
        )
    committee.is_active = False
    committee.version += 1
    _save(committee, actor)
    audit_record(
        actor=actor,
        system=committee.place.system,
        action="committee.deactivate",
        target=committee,
        summary=f"{actor_name(actor)} made {committee.name} inactive",
    )
    return committee


# Members --------------------------------------------------------------------------------------


def _validate_member(member: CommitteeMember) -> None:
    committee = member.committee
    place = committee.place
    errors: dict[str, list[str]] = {}
    member.role_title = (member.role_title or "").strip()
    if not member.role_title:
        errors["role_title"] = ["Enter the role the seat is held by, such as Director of Finance."]
    organisation = member.organisation
    if organisation is not None and not _is_partner(place, organisation):
        errors["organisation"] = [
            f"{organisation.name} is not a partner of {place.name}. Only a partner "
            "organisation of the place can hold a seat: add it as a partner first, or seat "
            "the partner it would be acting for."
        ]
    person = member.person
    if person is not None and not (
        Membership.objects.current().filter(user=person, system_id=place.system_id).exists()
    ):
        errors["person"] = [
            f"{person} has no current role in {place.system.name}. Invite them first, or "
            "leave the seat without a named person."
        ]
    for position, label in (
        (MemberPosition.CHAIR, "chair"),
        (MemberPosition.VICE_CHAIR, "vice-chair"),
    ):
        if member.position != position:
            continue
        holder = (
            CommitteeMember.objects.filter(committee=committee, position=position)
            .exclude(pk=member.pk)
            .select_related("organisation")
            .first()
        )
        if holder is not None:
            errors["position"] = [
                f"{committee.name} already has a {label}: {holder.role_title}, "
                f"{holder.organisation.name}. Make them a member first."
            ]
    if errors:
        raise ValidationError(errors)


def _lock_committee(committee: Committee) -> Committee:
    return (
        Committee.objects.select_for_update().select_related("place__system").get(pk=committee.pk)
    )


@transaction.atomic
def committee_member_add(
    *,
    actor: User | None,
    committee: Committee,
    organisation: Organisation,
    role_title: str,
    person: User | None = None,
    position: str = MemberPosition.MEMBER,
    voting: bool = True,
    deputy_allowed: bool = True,
    independent: bool = False,
) -> CommitteeMember:
    committee = _lock_committee(committee)
    member = CommitteeMember(
        committee=committee,
        organisation=organisation,
        role_title=role_title,
        person=person,
        position=position,
        voting=voting,
        deputy_allowed=deputy_allowed,
        independent=independent,
    )
    _validate_member(member)
    member.full_clean()
    member.save()
    audit_record(
        actor=actor,
        system=committee.place.system,
        action="committee.member_add",
        target=member,
        summary=f"{actor_name(actor)} added {member.role_title}, {organisation.name} to "
        f"{committee.name} as {member.get_position_display().lower()}",
    )
    return member


@transaction.atomic
def committee_member_update(
    *, actor: User | None, member: CommitteeMember, **changes: Any
) -> CommitteeMember:
    unknown = set(changes) - MEMBER_FIELDS
    if unknown:
        raise TypeError(f"committee_member_update cannot change {sorted(unknown)}")
    committee = _lock_committee(member.committee)
    member = CommitteeMember.objects.select_related("organisation", "person").get(pk=member.pk)
    member.committee = committee
    before = {field: getattr(member, field) for field in changes}
    for field, value in changes.items():
        setattr(member, field, value)
    _validate_member(member)
    member.full_clean()
    changed = {
        field: [_display(before[field]), _display(getattr(member, field))]
        for field in changes
        if before[field] != getattr(member, field)
    }
    if not changed:
        return member
    member.save()
    audit_record(
        actor=actor,
        system=committee.place.system,
        action="committee.member_update",
        target=member,
        summary=f"{actor_name(actor)} changed the seat of {member.role_title}, "
        f"{member.organisation.name} on {committee.name}",
        details={"changed": changed},
    )
    return member


@transaction.atomic
def committee_member_remove(*, actor: User | None, member: CommitteeMember) -> None:
    committee = _lock_committee(member.committee)
    member = CommitteeMember.objects.select_related("organisation").get(pk=member.pk)
    audit_record(
        actor=actor,
        system=committee.place.system,
        action="committee.member_remove",
        target=member,
        summary=f"{actor_name(actor)} removed {member.role_title}, {member.organisation.name} from "
        f"{committee.name}",
    )
    member.delete()


# Terms of reference ---------------------------------------------------------------------------


def _lock_tor(tor: TermsOfReference) -> TermsOfReference:
    return (
        TermsOfReference.objects.select_for_update()
        .select_related("committee__place__system")
        .get(pk=tor.pk)
    )


def _tor_audit(actor: User | None, tor: TermsOfReference, action: str, summary: str) -> None:
    audit_record(
        actor=actor,
        system=tor.committee.place.system,
        action=f"tor.{action}",
        target=tor,
        summary=f"{actor_name(actor)} {summary} version {tor.number} of the terms of reference of "
        f"{tor.committee.name}",
    )


@transaction.atomic
def tor_create_draft(*, actor: User | None, committee: Committee) -> TermsOfReference:
    """A new draft numbered after the latest version, starting from the latest version's
    text. Refused while a draft or a version for approval exists."""
    committee = _lock_committee(committee)
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
        created_by=_actor_or_none(actor),
        updated_by=_actor_or_none(actor),
    )
    if latest is not None:
        for key in SECTION_KEYS:
            setattr(tor, key, getattr(latest, key))
        tor.review_date = latest.review_date
    _save(tor, actor)
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
    if tor.version != version:
        raise ConcurrentEditError("draft of the terms of reference")
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
    tor.updated_by = _actor_or_none(actor)
    _save(tor, actor)
    audit_record(
        actor=actor,
        system=tor.committee.place.system,
        action="tor.update",
        target=tor,
        summary=f"{actor_name(actor)} edited version {tor.number} of the terms of reference of "
        f"{tor.committee.name}",
        details={"changed": changed},
    )
    return tor


def _move(
    actor: User | None, tor: TermsOfReference, *, from_status: str, to_status: str, doing: str
) -> TermsOfReference:
    if tor.status != from_status:
        raise ValidationError(
            f"Version {tor.number} is {tor.get_status_display().lower()}, so it cannot be {doing}."
        )
    tor.status = to_status
    tor.version += 1
    tor.updated_by = _actor_or_none(actor)
    return tor


@transaction.atomic
def tor_submit(*, actor: User | None, tor: TermsOfReference) -> TermsOfReference:
    tor = _lock_tor(tor)
    _move(
        actor,
        tor,
        from_status=TorStatus.DRAFT,
        to_status=TorStatus.FOR_APPROVAL,
        doing="submitted for approval",
    )
    if not tor.purpose.strip():
        raise ValidationError({"purpose": ["Write the purpose before submitting for approval."]})
    _save(tor, actor)
    _tor_audit(actor, tor, "submit", "submitted for approval")
    return tor


@transaction.atomic
def tor_return_to_draft(*, actor: User | None, tor: TermsOfReference) -> TermsOfReference:
    tor = _lock_tor(tor)
    _move(
        actor,
        tor,
        from_status=TorStatus.FOR_APPROVAL,
        to_status=TorStatus.DRAFT,
        doing="returned to draft",
    )
    _save(tor, actor)
    _tor_audit(actor, tor, "return_to_draft", "returned to draft")
    return tor


@transaction.atomic
def tor_approve(
    *, actor: User | None, tor: TermsOfReference, approved_by: str, approved_on: date | None
) -> TermsOfReference:
    """Approve a version for approval; the version approved before it is superseded."""
    _lock_committee(tor.committee)
    tor = _lock_tor(tor)
    errors: dict[str, list[str]] = {}
    approved_by = (approved_by or "").strip()
    if not approved_by:
        errors["approved_by"] = ["Enter the body that approved it, such as the ICB board."]
    if approved_on is None:
        errors["approved_on"] = ["Enter the date it was approved."]
    elif approved_on > timezone.localdate():
        errors["approved_on"] = ["The date of approval cannot be in the future."]
    _move(
        actor,
        tor,
        from_status=TorStatus.FOR_APPROVAL,
        to_status=TorStatus.APPROVED,
        doing="approved",
    )
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
        previous.updated_by = _actor_or_none(actor)
        _save(previous, actor)
        _tor_audit(actor, previous, "supersede", "superseded")
    tor.approved_by = approved_by
    tor.approved_on = approved_on
    _save(tor, actor)
    _tor_audit(actor, tor, "approve", f"recorded the approval by {approved_by} of")
    return tor


def tor_download_record(*, actor: User | None, tor: TermsOfReference, fmt: str) -> None:
    """The audit row of one download of a version's document."""
    audit_record(
        actor=actor,
        system=tor.committee.place.system,
        action="tor.download",
        target=tor,
        summary=f"{actor_name(actor)} downloaded version {tor.number} of the terms of reference of "
        f"{tor.committee.name} ({fmt.upper()})",
        details={"format": fmt},
    )


@dataclass(frozen=True)
class SectionDiff:
    key: str
    label: str
    segments: list[tuple[str, str]]  # ("equal" | "delete" | "insert", text)

    @property
    def changed(self) -> bool:
        return any(op != "equal" for op, _ in self.segments)


def tor_diff(*, old: TermsOfReference, new: TermsOfReference) -> list[SectionDiff]:
    """Each section's word-level changes from `old` to `new`."""
    return [
        SectionDiff(key, label, text_diff(getattr(old, key), getattr(new, key)))
        for key, label in TOR_SECTIONS
    ]


# Reading --------------------------------------------------------------------------------------


def _with_details(queryset: models.QuerySet[Committee]) -> models.QuerySet[Committee]:
    return (
        queryset.select_related(
            "place__system", "accountable_to_committee", "accountable_to_organisation"
        )
        .annotate(members_count=Count("members", distinct=True))
        .prefetch_related(
            Prefetch(
                "members",
                queryset=CommitteeMember.objects.select_related("organisation", "person"),
                to_attr="seats",
            ),
            Prefetch(
                "terms_of_reference",
                queryset=TermsOfReference.objects.order_by("-number").defer(*SECTION_KEYS),
                to_attr="tor_versions",
            ),
        )
    )


def committees_for_place(*, place: Place, active_only: bool = False) -> list[Committee]:
    """The place's bodies with their members, chair and terms of reference versions: three
    queries whatever the number of bodies."""
    queryset = Committee.objects.filter(place=place)
    if active_only:
        queryset = queryset.filter(is_active=True)
    return list(_with_details(queryset).order_by("-is_active", "name"))


def committee_for_place(*, place: Place, pk: int) -> Committee | None:
    return _with_details(Committee.objects.filter(place=place, pk=pk)).first()


def committee_chair(committee: Committee) -> CommitteeMember | None:
    seats = getattr(committee, "seats", None)
    if seats is None:
        seats = list(committee.members.select_related("organisation", "person"))
    return next((s for s in seats if s.position == MemberPosition.CHAIR), None)


def committee_approved_tor(committee: Committee) -> TermsOfReference | None:
    versions = getattr(committee, "tor_versions", None)
    if versions is None:
        versions = list(committee.terms_of_reference.order_by("-number"))
    return next((v for v in versions if v.status == TorStatus.APPROVED), None)


def committee_open_tor(committee: Committee) -> TermsOfReference | None:
    """The version being worked on (a draft or for approval), if any."""
    versions = getattr(committee, "tor_versions", None)
    if versions is None:
        versions = list(committee.terms_of_reference.order_by("-number"))
    return next(
        (v for v in versions if v.status in {TorStatus.DRAFT, TorStatus.FOR_APPROVAL}), None
    )


def quorum_in_words(committee: Committee) -> str:
    count = committee.quorum_minimum
    text = f"At least {count} voting member{'s' if count != 1 else ''} present"
    sectors = [Sector(s).label for s in committee.quorum_sectors or [] if s in Sector.values]
    if sectors:
        if len(sectors) == 1:
            listed = sectors[0]
        else:
            listed = ", ".join(sectors[:-1]) + " and " + sectors[-1]
        text += f", including at least one voting member from each of: {listed}"
    return text + "."


def decision_rule_in_words(committee: Committee) -> str:
    rule = {
        DecisionRule.CONSENSUS: "Decisions are made by consensus of the members present.",
        DecisionRule.MAJORITY: "Decisions need a simple majority of the voting members present.",
        DecisionRule.TWO_THIRDS: "Decisions need two-thirds of the voting members present to "
        "agree.",
        DecisionRule.UNANIMOUS: "Decisions need every voting member present to agree.",
    }.get(DecisionRule(committee.decision_rule), committee.get_decision_rule_display())
    if committee.single_partner_veto:
        rule += " Any single partner organisation can veto a decision."
    return rule
