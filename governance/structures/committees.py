"""The rules for a place's committees (its bodies) and their members (seats).

Every function that changes something is keyword-only, validates, saves atomically and writes
its audit row. Permission checks (who may read or change a place's bodies) are the caller's
job; these functions enforce the rules of the structure itself:

- a body's name is unique within its place;
- a body answers either to another body of the same place or to the board of an organisation
  that is a partner of the place, never both, and never (directly or through its
  sub-committees) to itself; and it answers to whom its framework option says
  (governance.structures.options): a committee of the ICB to the ICB's board, a lead
  provider's board to a statutory organisation, a joint committee to its parties;
- a joint committee's parties are statutory partners of the place, the ICB and at least one
  statutory provider among them, and only a party holds a voting seat on it;
- a seat is held for a partner organisation of the place (a delegate of an organisation
  outside the place has no standing here) and, when a person is named, by someone with a
  current role in the system; a body has at most one chair and one vice-chair.

A committee carries an integer `version`; a save from a stale version is refused with
core.locking.ConcurrentEditError rather than overwriting someone's work. The terms of
reference of a body are in governance.structures.terms_of_reference; reading a place's bodies
is in governance.structures.selectors."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from core.changes import refuse_unknown, set_fields
from core.locking import check_version, lock_row, save_validated
from governance.catalogue.models import Delegators
from governance.structures.models import (
    Committee,
    CommitteeKind,
    CommitteeMember,
    MemberPosition,
)
from governance.structures.options import (
    accountability_problem,
    body_option,
    options_by_kind,
    party_problems,
)
from partners.audit import audit_by
from partners.models import Membership, Organisation, Place, PlacePartner, Sector, User

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


def actor_or_none(user: User | None) -> User | None:
    """The user to record as having acted: none for a scheduled job or a data load."""
    return user if user is not None and user.pk else None


def save_with_history(instance: models.Model, actor: User | None) -> None:
    """Validate and save, naming the actor in the record's history."""
    instance._history_user = actor_or_none(actor)  # type: ignore[attr-defined]
    save_validated(instance)


def lock_committee(committee: Committee) -> Committee:
    """The committee's row, locked until the transaction ends, with its place and system."""
    return lock_row(committee, related=("place__system",))


def audit(
    actor: User | None,
    committee: Committee,
    action: str,
    target: models.Model,
    summary: str,
    details: dict[str, Any] | None = None,
) -> None:
    """The audit row of a change to one of a place's bodies, in the place's system."""
    audit_by(actor, action, target, summary, details, system=committee.place.system)


def _seat(member: CommitteeMember) -> str:
    return f"{member.role_title}, {member.organisation.name}"


def _lock_place(place_id: int) -> None:
    # Serialise changes to a place's bodies so two people cannot create the same name.
    Place.objects.select_for_update().filter(pk=place_id).first()


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def _changed(before: dict[str, Any], instance: models.Model) -> dict[str, list[str]]:
    """The fields whose value differs from `before`, as [was, now] for the audit row."""
    return {
        name: [_display(was), _display(getattr(instance, name))]
        for name, was in before.items()
        if was != getattr(instance, name)
    }


# Committees -----------------------------------------------------------------------------------


def _is_partner(place: Place, organisation: Organisation) -> bool:
    return PlacePartner.objects.filter(place=place, organisation=organisation).exists()


def _validate_committee(committee: Committee, parties: list[Organisation] | None = None) -> None:
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
    if not errors:
        errors.update(_option_errors(committee, parties))
    if errors:
        raise ValidationError(errors)


def _option_errors(
    committee: Committee, parties: list[Organisation] | None
) -> dict[str, list[str]]:
    """What the body's framework option forbids in how it is set up, naming the source."""
    errors: dict[str, list[str]] = {}
    parents = {c.pk: c for c in Committee.objects.filter(place=committee.place_id)}
    option = body_option(committee, options_by_kind(), parents)
    problem = accountability_problem(committee, option, parents)
    if problem is not None:
        field = (
            "accountable_to_committee"
            if committee.accountable_to_committee_id
            else "accountable_to_organisation"
        )
        errors[field] = [_with_source(problem.message, problem.source)]
    if committee.kind == CommitteeKind.JOINT_COMMITTEE:
        if committee.accountable_to_organisation_id or committee.accountable_to_committee_id:
            errors["accountable_to_organisation"] = [
                "A joint committee answers to every organisation that forms it, not to one "
                "board: leave who it answers to empty and choose its parties."
            ]
        chosen = parties if parties is not None else list(committee.parties.all())
        outside = sorted(o.name for o in chosen if not _is_partner(committee.place, o))
        if outside:
            errors["parties"] = [
                f"{', '.join(outside)} {'is' if len(outside) == 1 else 'are'} not a partner of "
                f"{committee.place.name}. Add the partner first."
            ]
        else:
            found = party_problems(option, chosen)
            if found:
                errors["parties"] = [_with_source(p.message, p.source) for p in found]
    elif parties:
        errors["parties"] = ["Only a joint committee has parties. Clear them, or make it one."]
    return errors


def _with_source(message: str, source: str) -> str:
    return f"{message} ({source})" if source else message


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
    *, actor: User | None, place: Place, name: str, kind: str, **fields: Any
) -> Committee:
    """A new body of the place. `fields` are the other COMMITTEE_FIELDS; those left out take
    the model's defaults (monthly, a quorum of three, decisions by consensus)."""
    refuse_unknown(fields, allowed=COMMITTEE_FIELDS | {"parties"}, doing="committee_create")
    parties = list(fields.pop("parties", None) or [])
    _lock_place(place.pk)
    if "quorum_sectors" in fields:
        fields["quorum_sectors"] = list(fields["quorum_sectors"] or [])
    committee = Committee(place=place, name=name, kind=kind, **fields)
    _validate_committee(committee, parties)
    save_with_history(committee, actor)
    committee.parties.set(parties)
    audit(
        actor, committee, "committee.create", committee, f"added {committee.name} to {place.name}"
    )
    return committee


@transaction.atomic
def committee_update(
    *, actor: User | None, committee: Committee, version: int, **changes: Any
) -> Committee:
    _lock_place(committee.place_id)
    committee = lock_committee(committee)
    check_version(
        committee,
        version,
        f"committee (it is now at version {committee.version}, you opened version {version})",
    )
    if "quorum_sectors" in changes:
        changes["quorum_sectors"] = list(changes["quorum_sectors"] or [])
    parties = list(changes.pop("parties")) if "parties" in changes else None
    before = set_fields(committee, changes, allowed=COMMITTEE_FIELDS, doing="committee_update")
    _validate_committee(committee, parties)
    changed = _changed(before, committee)
    if parties is not None:
        had = sorted(o.name for o in committee.parties.all())
        if had != sorted(o.name for o in parties):
            changed["parties"] = [", ".join(had), ", ".join(sorted(o.name for o in parties))]
    if not changed:
        return committee
    committee.version += 1
    save_with_history(committee, actor)
    if parties is not None:
        committee.parties.set(parties)
    summary = f"changed {committee.name} (version {committee.version})"
    audit(actor, committee, "committee.update", committee, summary, {"changed": changed})
    return committee


@transaction.atomic
def committee_deactivate(*, actor: User | None, committee: Committee) -> Committee:
    committee = lock_committee(committee)
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
    save_with_history(committee, actor)
    audit(actor, committee, "committee.deactivate", committee, f"made {committee.name} inactive")
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
    if organisation is not None and "organisation" not in errors and member.voting:
        problem = _voting_seat_problem(committee, organisation)
        if problem:
            errors["voting"] = [problem]
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


def _voting_seat_problem(committee: Committee, organisation: Organisation) -> str:
    """A body formed by parties (a joint committee) gives votes to its parties only."""
    option = body_option(committee, options_by_kind())
    if option is None or option.delegated_by != Delegators.PARTIES:
        return ""
    if committee.parties.filter(pk=organisation.pk).exists():
        return ""
    return _with_source(
        f"Only the organisations that form {committee.name} vote on it, and "
        f"{organisation.name} is not one of them. Make the seat non-voting, or add "
        f"{organisation.name} as a party first.",
        (option.sources or {}).get("voting", ""),
    )


@transaction.atomic
def committee_member_add(
    *,
    actor: User | None,
    committee: Committee,
    organisation: Organisation,
    role_title: str,
    **fields: Any,
) -> CommitteeMember:
    """A new seat. `fields` are the other MEMBER_FIELDS; those left out take the model's
    defaults (a voting member who may send a deputy)."""
    refuse_unknown(fields, allowed=MEMBER_FIELDS, doing="committee_member_add")
    committee = lock_committee(committee)
    member = CommitteeMember(
        committee=committee, organisation=organisation, role_title=role_title, **fields
    )
    _validate_member(member)
    save_validated(member)
    summary = (
        f"added {_seat(member)} to {committee.name} as {member.get_position_display().lower()}"
    )
    audit(actor, committee, "committee.member_add", member, summary)
    return member


@transaction.atomic
def committee_member_update(
    *, actor: User | None, member: CommitteeMember, **changes: Any
) -> CommitteeMember:
    committee = lock_committee(member.committee)
    member = CommitteeMember.objects.select_related("organisation", "person").get(pk=member.pk)
    member.committee = committee
    before = set_fields(member, changes, allowed=MEMBER_FIELDS, doing="committee_member_update")
    _validate_member(member)
    changed = _changed(before, member)
    if not changed:
        return member
    save_validated(member)
    summary = f"changed the seat of {_seat(member)} on {committee.name}"
    audit(actor, committee, "committee.member_update", member, summary, {"changed": changed})
    return member


@transaction.atomic
def committee_member_remove(*, actor: User | None, member: CommitteeMember) -> None:
    committee = lock_committee(member.committee)
    member = CommitteeMember.objects.select_related("organisation").get(pk=member.pk)
    summary = f"removed {_seat(member)} from {committee.name}"
    audit(actor, committee, "committee.member_remove", member, summary)
    member.delete()
