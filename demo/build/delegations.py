"""Matters, delegate roles, and schemes of delegation with their lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from delegations import roles, services
from delegations.matters import BUDGET_MATTERS, DEFAULT_MATTERS
from delegations.models import DelegateRole, MatterCategory, SchemeOfDelegation
from demo.build.rows import bulk_insert
from governance.structures.models import Committee
from partners.models import Neighbourhood, Organisation, Place, System, User


@dataclass(frozen=True)
class Line:
    """One line of a scheme: a matter (by code), a delegate (a committee, a role, or None
    for a matter reserved to the organisation's board), a value band in pounds (no upper
    limit if `up_to` is None), the place it is limited to (and the neighbourhood of it, for
    a line for one neighbourhood), and its conditions."""

    matter: str
    delegate: Committee | DelegateRole | None
    limit_from: str
    up_to: str | None
    place: Place | None = None
    conditions: str = ""
    neighbourhood: Neighbourhood | None = None  # of `place`, for a line for it alone


def role_add(
    *, actor: User | None, organisation: Organisation, title: str, **fields: Any
) -> DelegateRole:
    return roles.delegate_role_add(actor=actor, organisation=organisation, title=title, **fields)


def scheme_in_force(
    *,
    actor: User | None,
    organisation: Organisation,
    effective_from: date,
    approved_by: str,
    lines: list[Line],
    reference_prefix: str,
    notes: str = "",
) -> SchemeOfDelegation:
    """A scheme drafted line by line through the services (which refuse overlapping or
    contradictory lines) and brought into force; lines are numbered `<prefix>-<n>`."""
    matters = {m.code: m for m in MatterCategory.objects.filter(system=organisation.system_id)}
    draft = services.scheme_create(
        actor=actor,
        organisation=organisation,
        effective_from=effective_from,
        approved_by=approved_by,
        notes=notes,
    )
    for n, line in enumerate(lines, start=1):
        delegate: dict[str, Any] = {"reserved": line.delegate is None}
        if isinstance(line.delegate, Committee):
            delegate["delegate_committee"] = line.delegate
        elif line.delegate is not None:
            delegate["delegate_role"] = line.delegate
        services.delegation_add(
            actor=actor,
            scheme=draft,
            matter=matters[line.matter],
            limit_from=Decimal(line.limit_from),
            limit_to=None if line.up_to is None else Decimal(line.up_to),
            place=line.place,
            neighbourhood=line.neighbourhood,
            conditions=line.conditions,
            reference=f"{reference_prefix}-{n}",
            **delegate,
        )
    return services.scheme_bring_into_force(actor=actor, scheme=draft)


def default_matter_trees_bulk(
    systems: list[System],
) -> tuple[list[MatterCategory], list[MatterCategory]]:
    """The default matter tree (`DEFAULT_MATTERS`, as `matter_tree_ensure` makes it) in every
    system at once: its roots, and its leaves (the matters lines delegate)."""
    roots = bulk_insert(
        MatterCategory,
        (
            MatterCategory(
                system=system,
                code=code,
                name=name,
                order=order * 10,
                is_budget=code in BUDGET_MATTERS,
            )
            for system in systems
            for order, (code, name, _children) in enumerate(DEFAULT_MATTERS, start=1)
        ),
    )
    root_by_key = {(m.system_id, m.code): m for m in roots}
    leaves = bulk_insert(
        MatterCategory,
        (
            MatterCategory(
                system=system,
                parent=root_by_key[(system.pk, code)],
                code=child_code,
                name=child_name,
                order=child_order * 10,
                is_budget=child_code in BUDGET_MATTERS,
            )
            for system in systems
            for code, _name, kids in DEFAULT_MATTERS
            for child_order, (child_code, child_name) in enumerate(kids, start=1)
        ),
    )
    return roots, leaves
