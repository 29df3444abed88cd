"""Changes to schemes of reservation and delegation, their lines, the matter tree and the
roles that can hold delegated authority.

Every function takes keyword arguments, validates, runs in one transaction and writes an
audit row. A scheme is changed only while it is a draft: a scheme in force is changed by
starting a new version (a draft that copies its lines) and bringing that into force, which
supersedes the old one the day before the new one takes effect.

The rules a line must follow live in `line_problems`, which the spreadsheet import uses too,
so a line typed on the page and a row of a file are judged the same way."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from delegations.models import (
    DelegateRole,
    Delegation,
    MatterCategory,
    SchemeOfDelegation,
    SchemeStatus,
)
from governance.structures.models import Committee
from partners.audit import audit_record
from partners.models import Organisation, Place, PlacePartner, System, User

# The matter tree every system starts with: (code, name, children).
DEFAULT_MATTERS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("strategy", "Strategy and priorities", ()),
    (
        "investment",
        "Investment",
        (
            ("investment-capital", "Capital business cases"),
            ("investment-revenue", "Revenue business cases"),
        ),
    ),
    (
        "contracts",
        "Contracts",
        (
            ("contract-award", "Awarding a contract"),
            ("contract-variation", "Varying a contract"),
            ("contract-extension", "Extending a contract"),
            ("contract-termination", "Ending a contract early"),
        ),
    ),
    (
        "service-change",
        "Service change",
        (
            ("service-change-minor", "Minor service change"),
            ("service-change-major", "Significant service change that needs consultation"),
        ),
    ),
    (
        "pooled-budgets",
        "Pooled budgets",
        (("section-75", "Section 75 pooled budget arrangements"),),
    ),
    (
        "workforce",
        "Workforce",
        (
            ("workforce-posts", "Creating and changing posts"),
            ("workforce-secondments", "Secondments"),
        ),
    ),
    (
        "finance",
        "Finance",
        (
            ("budget-setting", "Setting budgets"),
            ("virement", "Moving budget between headings (virement)"),
            ("write-offs", "Writing off losses and debts"),
        ),
    ),
    (
        "governance",
        "Governance",
        (
            ("terms-of-reference", "Agreeing terms of reference"),
            ("appointments", "Appointments to committees and roles"),
        ),
    ),
)

DRAFT_ONLY = (
    "This scheme is {status}: it cannot be changed. Start a new version (a draft that copies "
    "its lines), change that, then bring it into force."
)


def money(value: Decimal | None) -> str:
    """£250,000 (pence only when there are some)."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return f"£{value:,.0f}"
    return f"£{value:,.2f}"


# The largest amount a limit or a decision may hold (the columns hold 14 digits with pence).
MAX_POUNDS = Decimal("999999999999.99")
_MULTIPLIERS = {"": 1, "k": 1_000, "m": 1_000_000, "bn": 1_000_000_000}
_POUNDS = re.compile(r"(-?\d+(?:\.\d+)?)(k|m|bn)?")


def parse_pounds(text: str) -> Decimal:
    """ "£2.5m", "2,500,000", "250k" or "1,000.50" → Decimal pounds, the way people write
    amounts in schemes of delegation. ValueError for anything else, including fractions of a
    penny; the caller decides whether a negative amount is allowed."""
    cleaned = text.strip().lower().replace(",", "").replace("£", "").replace(" ", "")
    match = _POUNDS.fullmatch(cleaned)
    if not match:
        raise ValueError(text)
    try:
        amount = Decimal(match.group(1)) * _MULTIPLIERS[match.group(2) or ""]
        exact = amount.quantize(Decimal("0.01"))
    except InvalidOperation as error:
        raise ValueError(text) from error
    if exact != amount:
        raise ValueError(text)
    return exact


def band_text(limit_from: Decimal, limit_to: Decimal | None) -> str:
    """£0 to £250,000, or £1,000,000 with no upper limit."""
    if limit_to is None:
        return f"{money(limit_from)} with no upper limit"
    return f"{money(limit_from)} to {money(limit_to)}"


def _short_band(limit_from: Decimal, limit_to: Decimal | None) -> str:
    return f"{money(limit_from)}–{money(limit_to) if limit_to is not None else 'no limit'}"


def _require_draft(scheme: SchemeOfDelegation) -> None:
    if scheme.status != SchemeStatus.DRAFT:
        label = "in force" if scheme.status == SchemeStatus.IN_FORCE else "superseded"
        raise ValidationError(DRAFT_ONLY.format(status=label))


def _save(instance: Any) -> None:
    instance.full_clean()
    instance.save()


# Matters ----------------------------------------------------------------------------------


@transaction.atomic
def matter_tree_ensure(*, system: System, actor: User | None = None) -> int:
    """Create the default matter tree for the system where its codes are missing. Returns how
    many matters it added (0 when the tree is already there)."""
    existing = {m.code: m for m in MatterCategory.objects.filter(system=system)}
    added = 0
    for order, (code, name, children) in enumerate(DEFAULT_MATTERS, start=1):
        parent = existing.get(code)
        if parent is None:
            parent = MatterCategory.objects.create(
                system=system, code=code, name=name, order=order * 10
            )
            existing[code] = parent
            added += 1
        for child_order, (child_code, child_name) in enumerate(children, start=1):
            if child_code not in existing:
                existing[child_code] = MatterCategory.objects.create(
                    system=system,
                    parent=parent,
                    code=child_code,
                    name=child_name,
                    order=child_order * 10,
                )
                added += 1
    if added:
        audit_record(
            actor=actor,
            system=system,
            action="matter.tree_ensure",
            target=system,
            summary=f"Added {added} default matter categories",
            details={"added": added},
        )
    return added


def _check_parent(matter: MatterCategory, parent: MatterCategory | None) -> None:
    if parent is None:
        return
    if parent.system_id != matter.system_id:
        raise ValidationError({"parent": "Choose a matter of this system."})
    node: MatterCategory | None = parent
    while node is not None:
        if matter.pk and node.pk == matter.pk:
            raise ValidationError({"parent": "A matter cannot sit beneath itself."})
        node = node.parent


@transaction.atomic
def matter_add(
    *,
    actor: User | None,
    system: System,
    name: str,
    code: str,
    parent: MatterCategory | None = None,
    description: str = "",
    order: int | None = None,
) -> MatterCategory:
    if order is None:
        highest = MatterCategory.objects.filter(system=system, parent=parent).aggregate(
            top=Max("order")
        )["top"]
        order = (highest or 0) + 10
    matter = MatterCategory(
        system=system,
        parent=parent,
        name=name.strip(),
        code=code.strip().lower(),
        description=description.strip(),
        order=order,
    )
    _check_parent(matter, parent)
    _save(matter)
    audit_record(
        actor=actor,
        system=system,
        action="matter.add",
        target=matter,
        summary=f"Added matter {matter.name} ({matter.code})",
    )
    return matter


@transaction.atomic
def matter_update(*, actor: User | None, matter: MatterCategory, **changes: Any) -> MatterCategory:
    allowed = {"name", "code", "description", "order", "parent"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"matter_update cannot change {sorted(unknown)}")
    matter = MatterCategory.objects.select_for_update().get(pk=matter.pk)
    before = {name: str(getattr(matter, name)) for name in changes}
    if "parent" in changes:
        _check_parent(matter, changes["parent"])
    for name, value in changes.items():
        if name == "code" and isinstance(value, str):
            value = value.strip().lower()
        elif isinstance(value, str):
            value = value.strip()
        setattr(matter, name, value)
    _save(matter)
    audit_record(
        actor=actor,
        system=matter.system,
        action="matter.update",
        target=matter,
        summary=f"Changed matter {matter.name}",
        details={"before": before},
    )
    return matter


@transaction.atomic
def matter_remove(*, actor: User | None, matter: MatterCategory) -> None:
    if matter.delegations.exists():
        raise ValidationError(
            f"{matter.name} is used by lines of a scheme of delegation, so it cannot be "
            "removed. Rename it instead."
        )
    if matter.children.exists():
        raise ValidationError(f"{matter.name} has matters beneath it: remove or move them first.")
    audit_record(
        actor=actor,
        system=matter.system,
        action="matter.remove",
        target=matter,
        summary=f"Removed matter {matter.name} ({matter.code})",
    )
    matter.delete()


# Delegate roles ---------------------------------------------------------------------------


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
    unknown = set(fields) - _ROLE_FIELDS
    if unknown:
        raise TypeError(f"delegate_role_add cannot set {sorted(unknown)}")
    role = DelegateRole(organisation=organisation, title=title.strip(), **fields)
    _check_role(role)
    _save(role)
    audit_record(
        actor=actor,
        system=organisation.system,
        action="delegate_role.add",
        target=role,
        summary=f"Added delegate role {role.title} of {organisation.name}",
    )
    return role


@transaction.atomic
def delegate_role_update(*, actor: User | None, role: DelegateRole, **changes: Any) -> DelegateRole:
    unknown = set(changes) - _ROLE_FIELDS
    if unknown:
        raise TypeError(f"delegate_role_update cannot change {sorted(unknown)}")
    role = DelegateRole.objects.select_for_update().select_related("organisation").get(pk=role.pk)
    before = {name: str(getattr(role, name)) for name in changes}
    for name, value in changes.items():
        setattr(role, name, value.strip() if isinstance(value, str) else value)
    _check_role(role)
    _save(role)
    audit_record(
        actor=actor,
        system=role.organisation.system,
        action="delegate_role.update",
        target=role,
        summary=f"Changed delegate role {role.title} of {role.organisation.name}",
        details={"before": before},
    )
    return role


# Schemes ----------------------------------------------------------------------------------

_LINE_COPY_FIELDS = (
    "matter_id",
    "reserved",
    "delegate_committee_id",
    "delegate_role_id",
    "limit_from",
    "limit_to",
    "place_id",
    "conditions",
    "reference",
)


@transaction.atomic
def scheme_create(
    *,
    actor: User | None,
    organisation: Organisation,
    effective_from: date,
    approved_by: str = "",
    notes: str = "",
    copy_lines: bool = True,
) -> SchemeOfDelegation:
    """A new draft version, numbered after the organisation's latest; it copies the latest
    scheme's lines unless `copy_lines` is False."""
    Organisation.objects.select_for_update().get(pk=organisation.pk)  # serialise numbering
    latest = (
        SchemeOfDelegation.objects.filter(organisation=organisation).order_by("-number").first()
    )
    scheme = SchemeOfDelegation(
        organisation=organisation,
        number=(latest.number + 1) if latest else 1,
        status=SchemeStatus.DRAFT,
        effective_from=effective_from,
        approved_by=approved_by.strip(),
        notes=notes.strip(),
        created_by=actor if actor and actor.pk else None,
    )
    _save(scheme)
    copied = 0
    if copy_lines and latest is not None:
        lines = [
            Delegation(scheme=scheme, **{name: getattr(line, name) for name in _LINE_COPY_FIELDS})
            for line in latest.delegations.all()
        ]
        Delegation.objects.bulk_create(lines)
        copied = len(lines)
    audit_record(
        actor=actor,
        system=organisation.system,
        action="scheme.create",
        target=scheme,
        summary=f"Started version {scheme.number} of {organisation.name}'s scheme of delegation"
        + (f", copying {copied} lines of version {latest.number}" if latest and copied else ""),
        details={"copied_lines": copied},
    )
    return scheme


class SchemeConflictError(ValidationError):
    def __init__(self) -> None:
        super().__init__(
            "Someone else changed this scheme while you were editing it. Your changes have not "
            "been saved: reload to see their version, then make your changes again."
        )


@transaction.atomic
def scheme_update(
    *,
    actor: User | None,
    scheme: SchemeOfDelegation,
    expected_version: int | None = None,
    **changes: Any,
) -> SchemeOfDelegation:
    allowed = {"effective_from", "approved_by", "notes"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"scheme_update cannot change {sorted(unknown)}")
    scheme = (
        SchemeOfDelegation.objects.select_for_update()
        .select_related("organisation__system")
        .get(pk=scheme.pk)
    )
    if expected_version is not None and scheme.version != expected_version:
        raise SchemeConflictError()
    _require_draft(scheme)
    before = {name: str(getattr(scheme, name)) for name in changes}
    for name, value in changes.items():
        setattr(scheme, name, value.strip() if isinstance(value, str) else value)
    scheme.version += 1
    _save(scheme)
    audit_record(
        actor=actor,
        system=scheme.organisation.system,
        action="scheme.update",
        target=scheme,
        summary=f"Changed {scheme}",
        details={"before": before},
    )
    return scheme


@transaction.atomic
def scheme_bring_into_force(
    *, actor: User | None, scheme: SchemeOfDelegation
) -> SchemeOfDelegation:
    """Draft → in force. The scheme in force before it is superseded, ending the day before
    this one takes effect."""
    scheme = (
        SchemeOfDelegation.objects.select_for_update()
        .select_related("organisation__system")
        .get(pk=scheme.pk)
    )
    _require_draft(scheme)
    if not scheme.delegations.exists():
        raise ValidationError("Add at least one line before bringing the scheme into force.")
    previous = (
        SchemeOfDelegation.objects.select_for_update()
        .filter(organisation=scheme.organisation, status=SchemeStatus.IN_FORCE)
        .first()
    )
    if previous is not None:
        if scheme.effective_from <= previous.effective_from:
            raise ValidationError(
                {
                    "effective_from": f"This version must take effect after version "
                    f"{previous.number}, which took effect on "
                    f"{previous.effective_from:%-d %B %Y}."
                }
            )
        previous.status = SchemeStatus.SUPERSEDED
        previous.effective_to = scheme.effective_from - timedelta(days=1)
        previous.version += 1
        previous.save(update_fields=["status", "effective_to", "version", "updated_at"])
    scheme.status = SchemeStatus.IN_FORCE
    scheme.effective_to = None
    scheme.version += 1
    scheme.save(update_fields=["status", "effective_to", "version", "updated_at"])
    audit_record(
        actor=actor,
        system=scheme.organisation.system,
        action="scheme.in_force",
        target=scheme,
        summary=f"Brought version {scheme.number} of {scheme.organisation.name}'s scheme of "
        f"delegation into force from {scheme.effective_from:%-d %B %Y}"
        + (f"; version {previous.number} superseded" if previous else ""),
        details={"superseded": previous.pk if previous else None},
    )
    return scheme


# Lines ------------------------------------------------------------------------------------


@dataclass
class SchemeContext:
    """What judging a scheme's lines needs, read once: the organisation's partner places and
    the matter tree's parents."""

    scheme: SchemeOfDelegation
    partner_place_ids: set[int] = field(default_factory=set)
    matter_parents: dict[int, int | None] = field(default_factory=dict)

    @classmethod
    def load(cls, scheme: SchemeOfDelegation) -> SchemeContext:
        organisation = scheme.organisation
        return cls(
            scheme=scheme,
            partner_place_ids=set(
                PlacePartner.objects.filter(organisation=organisation).values_list(
                    "place_id", flat=True
                )
            ),
            matter_parents=dict(
                MatterCategory.objects.filter(system_id=organisation.system_id).values_list(
                    "pk", "parent_id"
                )
            ),
        )

    def is_within(self, matter_id: int, ancestor_id: int) -> bool:
        """The matter is the ancestor itself or beneath it."""
        node: int | None = matter_id
        seen: set[int] = set()
        while node is not None and node not in seen:
            if node == ancestor_id:
                return True
            seen.add(node)
            node = self.matter_parents.get(node)
        return False


def _bands_overlap(a: Delegation, b: Delegation) -> bool:
    """Bands hold the values above their 'from' value up to and including their 'up to'
    value (see delegations.router.band_contains), so £0–£250,000 and £250,000–£1,000,000
    follow on without overlapping."""
    a_to = a.limit_to if a.limit_to is not None else None
    b_to = b.limit_to if b.limit_to is not None else None
    a_below_b_end = b_to is None or a.limit_from < b_to
    b_below_a_end = a_to is None or b.limit_from < a_to
    return a_below_b_end and b_below_a_end


def _places_overlap(a: Delegation, b: Delegation) -> bool:
    return a.place_id is None or b.place_id is None or a.place_id == b.place_id


def line_label(line: Delegation) -> str:
    return f"Line {line.reference}" if line.reference else f"The line on {line.matter.name}"


def line_problems(
    line: Delegation,
    *,
    context: SchemeContext,
    others: Iterable[Delegation],
    label: Any = line_label,
) -> dict[str, list[str]]:
    """Every rule a line breaks, by field (empty when it is good). `others` are the scheme's
    other lines; `label` names one of them in a message."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    scheme = context.scheme
    organisation = scheme.organisation
    if line.matter_id is None:
        add("matter", "Choose the matter this line is about.")
    elif line.matter.system_id != organisation.system_id:
        add("matter", "Choose a matter of this system.")
    if line.limit_from is None or line.limit_from < 0:
        add("limit_from", "Enter a 'from' value of £0 or more.")
    elif line.limit_to is not None and line.limit_to < line.limit_from:
        add(
            "limit_to",
            f"The 'up to' value must be at least the 'from' value ({money(line.limit_from)}).",
        )
    if line.place_id is not None and line.place_id not in context.partner_place_ids:
        add("place", f"{organisation.name} is not a partner of {line.place}.")
    committee: Committee | None = line.delegate_committee
    role: DelegateRole | None = line.delegate_role
    if line.reserved:
        if committee is not None or role is not None:
            add(
                "delegate_committee" if committee is not None else "delegate_role",
                "A reserved line has no delegate: the organisation's board keeps the matter.",
            )
    elif committee is not None and role is not None:
        add("delegate_committee", "Choose a committee or a role, not both.")
    elif committee is None and role is None:
        add(
            "delegate_committee",
            "Choose a committee or a role to delegate to, or reserve the matter to the board.",
        )
    elif committee is not None:
        if committee.place_id not in context.partner_place_ids:
            add(
                "delegate_committee",
                f"{committee.name} is a delegate outside the place: {organisation.name} is not "
                f"a partner of {committee.place.name}.",
            )
        elif line.place_id is not None and committee.place_id != line.place_id:
            add(
                "delegate_committee",
                f"{committee.name} is a delegate outside the place: it belongs to "
                f"{committee.place.name}, not {line.place}.",
            )
        elif not committee.is_active:
            add("delegate_committee", f"{committee.name} is no longer active.")
    elif role is not None:
        if role.organisation_id != organisation.pk:
            add(
                "delegate_role",
                f"{role.title} is a role of {role.organisation.name}: a scheme delegates only to "
                f"roles of its own organisation, {organisation.name}.",
            )
        elif line.place_id is not None and role.place_id not in (None, line.place_id):
            add("delegate_role", f"{role.title} acts for {role.place}, not {line.place}.")
        elif not role.is_active:
            add("delegate_role", f"{role.title} is no longer active.")
    if line.matter_id is None or "limit_from" in errors or "limit_to" in errors:
        return errors
    for other in others:
        if other is line or (line.pk and other.pk == line.pk):
            continue
        if not (_places_overlap(line, other) and _bands_overlap(line, other)):
            continue
        band = _short_band(other.limit_from, other.limit_to)
        if other.matter_id == line.matter_id and other.reserved == line.reserved:
            add("limit_from", f"{label(other)} already covers {band} for this matter.")
        elif (
            other.reserved
            and not line.reserved
            and context.is_within(line.matter_id, other.matter_id)
        ):
            add(
                "reserved",
                f"This contradicts {label(other)[0].lower()}{label(other)[1:]}, which reserves "
                f"{other.matter.name} ({band}) to the board.",
            )
        elif (
            line.reserved
            and not other.reserved
            and context.is_within(other.matter_id, line.matter_id)
        ):
            add(
                "reserved",
                f"This contradicts {label(other)[0].lower()}{label(other)[1:]}, which delegates "
                f"{other.matter.name} ({band}) to {other.delegate_label}.",
            )
    return errors


def _scheme_lines(scheme: SchemeOfDelegation) -> list[Delegation]:
    return list(
        Delegation.objects.filter(scheme=scheme).select_related(
            "matter", "delegate_committee__place", "delegate_role__place", "place"
        )
    )


def _check_line(line: Delegation, scheme: SchemeOfDelegation) -> None:
    problems = line_problems(line, context=SchemeContext.load(scheme), others=_scheme_lines(scheme))
    if problems:
        raise ValidationError(problems)
    line.full_clean()


_LINE_FIELDS = {
    "matter",
    "reserved",
    "delegate_committee",
    "delegate_role",
    "limit_from",
    "limit_to",
    "place",
    "conditions",
    "reference",
}


def _locked_scheme(scheme: SchemeOfDelegation) -> SchemeOfDelegation:
    locked = (
        SchemeOfDelegation.objects.select_for_update()
        .select_related("organisation__system")
        .get(pk=scheme.pk)
    )
    _require_draft(locked)
    return locked


def _tidy(fields: dict[str, Any]) -> dict[str, Any]:
    tidy = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    if tidy.get("reserved"):
        tidy["delegate_committee"] = None
        tidy["delegate_role"] = None
    return tidy


@transaction.atomic
def delegation_add(
    *, actor: User | None, scheme: SchemeOfDelegation, matter: MatterCategory, **fields: Any
) -> Delegation:
    unknown = set(fields) - _LINE_FIELDS
    if unknown:
        raise TypeError(f"delegation_add cannot set {sorted(unknown)}")
    scheme = _locked_scheme(scheme)
    line = Delegation(scheme=scheme, matter=matter, **_tidy(fields))
    _check_line(line, scheme)
    line.save()
    audit_record(
        actor=actor,
        system=scheme.organisation.system,
        action="delegation.add",
        target=line,
        summary=f"Added a line to {scheme}: {matter.name}, {line.delegate_label}, "
        f"{band_text(line.limit_from, line.limit_to)}",
    )
    return line


@transaction.atomic
def delegation_update(*, actor: User | None, delegation: Delegation, **changes: Any) -> Delegation:
    unknown = set(changes) - _LINE_FIELDS
    if unknown:
        raise TypeError(f"delegation_update cannot change {sorted(unknown)}")
    scheme = _locked_scheme(delegation.scheme)
    line = Delegation.objects.get(pk=delegation.pk)
    before = {name: str(getattr(line, name)) for name in changes}
    for name, value in _tidy(changes).items():
        setattr(line, name, value)
    _check_line(line, scheme)
    line.save()
    audit_record(
        actor=actor,
        system=scheme.organisation.system,
        action="delegation.update",
        target=line,
        summary=f"Changed a line of {scheme}: {line.matter.name}, {line.delegate_label}, "
        f"{band_text(line.limit_from, line.limit_to)}",
        details={"before": before},
    )
    return line


@transaction.atomic
def delegation_remove(*, actor: User | None, delegation: Delegation) -> None:
    scheme = _locked_scheme(delegation.scheme)
    audit_record(
        actor=actor,
        system=scheme.organisation.system,
        action="delegation.remove",
        target=delegation,
        summary=f"Removed a line of {scheme}: {delegation.matter.name}, "
        f"{delegation.delegate_label}, {band_text(delegation.limit_from, delegation.limit_to)}",
    )
    delegation.delete()


@transaction.atomic
def delegation_replace_all(
    *,
    actor: User | None,
    scheme: SchemeOfDelegation,
    lines: Sequence[Delegation],
    replace: bool = True,
) -> int:
    """Save lines already judged good (by `line_problems`) in one go: replacing the draft's
    lines, or added to them. Returns how many were saved."""
    scheme = _locked_scheme(scheme)
    removed = 0
    if replace:
        removed, _ = Delegation.objects.filter(scheme=scheme).delete()
    for line in lines:
        line.scheme = scheme
        line.full_clean(exclude=["scheme"])
    Delegation.objects.bulk_create(lines)
    audit_record(
        actor=actor,
        system=scheme.organisation.system,
        action="delegation.import",
        target=scheme,
        summary=f"Imported {len(lines)} lines into {scheme} from a spreadsheet"
        + (f", replacing {removed}" if replace else ""),
        details={"imported": len(lines), "replaced": removed if replace else 0},
    )
    return len(lines)


def committees_for_organisation(organisation: Organisation) -> Any:
    """Committees of the places where the organisation is a partner: the committees its
    scheme may delegate to."""
    return Committee.objects.filter(
        place__partners__organisation=organisation, is_active=True
    ).select_related("place")


def places_for_organisation(organisation: Organisation) -> Any:
    return Place.objects.filter(partners__organisation=organisation)
