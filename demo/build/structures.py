"""A place's bodies, their seats and their terms of reference."""

from __future__ import annotations

from datetime import date
from typing import Any

from governance.structures import committees, terms_of_reference
from governance.structures.models import Committee, CommitteeMember, MemberPosition
from partners.models import Organisation, User


def seat(
    *,
    actor: User | None,
    committee: Committee,
    organisation: Organisation,
    title: str,
    **fields: Any,
) -> CommitteeMember:
    """A seat on a body, through the service (the organisation must be a partner of the
    body's place)."""
    return committees.committee_member_add(
        actor=actor, committee=committee, organisation=organisation, role_title=title, **fields
    )


def tor_drafted(
    *, actor: User | None, committee: Committee, sections: dict[str, str], submit: bool = False
) -> Any:
    """A new draft of a body's terms of reference, put up for approval if `submit`."""
    tor = terms_of_reference.tor_create_draft(actor=actor, committee=committee)
    tor = terms_of_reference.tor_update(actor=actor, tor=tor, version=tor.version, **sections)
    if submit:
        tor = terms_of_reference.tor_submit(actor=actor, tor=tor)
    return tor


def tor_approved(
    *,
    actor: User | None,
    committee: Committee,
    sections: dict[str, str],
    approved_by: str,
    approved_on: date,
    review_date: date | None = None,
) -> Any:
    """A version of a body's terms of reference, drafted, submitted and approved; the
    approved one before it is superseded. Reviewed by default at the end of the next
    financial year's March."""
    tor = terms_of_reference.tor_create_draft(actor=actor, committee=committee)
    tor = terms_of_reference.tor_update(
        actor=actor,
        tor=tor,
        version=tor.version,
        review_date=review_date or date(approved_on.year + 1, 3, 31),
        **sections,
    )
    tor = terms_of_reference.tor_submit(actor=actor, tor=tor)
    return terms_of_reference.tor_approve(
        actor=actor, tor=tor, approved_by=approved_by, approved_on=approved_on
    )


def seat_row(
    committee: Committee,
    organisation: Organisation | None,
    title: str,
    position: str = MemberPosition.MEMBER,
    **fields: Any,
) -> CommitteeMember | None:
    """An unsaved seat, or None where the place has no such organisation."""
    if organisation is None:
        return None
    return CommitteeMember(
        committee=committee,
        organisation=organisation,
        role_title=title,
        position=position,
        **fields,
    )
