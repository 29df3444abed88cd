"""Delegate roles: the named roles of an organisation that can hold delegated authority (an
individual director with delegated authority for a place, a chief executive, a director of
finance). A role that acts for a place belongs to a partner of that place, and a role answers
to a committee of its own system or to its organisation's board."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core.changes import refuse_unknown, replaced, set_fields, stripped
from core.locking import lock_row, save_validated
from delegations.models import DelegateRole
from partners.audit import audit
from partners.models import Organisation, PlacePartner, User


def _check_role(role: DelegateRole) -> None:
    errors: dict[str, str] = {}
    organisation = role.organisation
    if (
        role.place_id
        and not PlacePartner.objects.filter(
            place_id=role.place_id, organisation=organisation
        ).exists()
    ):
        errors["place"] = f"{organisation.name} is not a partner of {role.place}."
    committee = role.accountable_to_committee
    if committee is not None and committee.place.system_id != organisation.system_id:
        errors["accountable_to_committee"] = "Choose a committee of this system."
    if errors:
        raise ValidationError(errors)


_ROLE_FIELDS = {
    "title",
    "place",
    "person",
    "is_individual_director",
    "accountable_to_committee",
    "is_active",
}


@transaction.atomic
def delegate_role_add(
    *, actor: User | None, organisation: Organisation, title: str, **fields: Any
) -> DelegateRole:
    refuse_unknown(fields, allowed=_ROLE_FIELDS, doing="delegate_role_add")
    role = DelegateRole(organisation=organisation, title=title.strip(), **fields)
    _check_role(role)
    save_validated(role)
    audit(
        actor, "delegate_role.add", role, f"Added delegate role {role.title} of {organisation.name}"
    )
    return role


@transaction.atomic
def delegate_role_update(*, actor: User | None, role: DelegateRole, **changes: Any) -> DelegateRole:
    role = lock_row(role, related=("organisation",))
    before = set_fields(role, stripped(changes), allowed=_ROLE_FIELDS, doing="delegate_role_update")
    _check_role(role)
    save_validated(role)
    audit(
        actor,
        "delegate_role.update",
        role,
        f"Changed delegate role {role.title} of {role.organisation.name}",
        replaced(before),
    )
    return role
