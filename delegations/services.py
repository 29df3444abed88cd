"""Changes to schemes of reservation and delegation and their lines.

Every function takes keyword arguments, validates, runs in one transaction and writes an
audit row. A scheme is changed only while it is a draft: a scheme in force is changed by
starting a new version (a draft that copies its lines) and bringing that into force, which
supersedes the old one the day before the new one takes effect. A scheme carries an integer
`version`; a save from a stale form is refused with core.locking.ConcurrentEditError.

The rules a line must follow live in delegations.rules (`line_problems`), which the
spreadsheet import uses too, so a line typed on the page and a row of a file are judged the
same way. The matter tree is changed in delegations.matters, delegate roles in
delegations.roles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core.changes import refuse_unknown, replaced, set_fields, stripped
from core.locking import check_version, lock_row, save_validated
from delegations.models import Delegation, MatterCategory, SchemeOfDelegation, SchemeStatus
from delegations.rules import SchemeContext, line_problems
from governance.structures.models import Committee
from partners.audit import audit
from partners.models import Neighbourhood, Organisation, Place, User
from partners.neighbourhoods import scope_label

DRAFT_ONLY = (
    "This scheme is {status}: it cannot be changed. Start a new version (a draft that copies "
    "its lines), change that, then bring it into force."
)


SCHEME_FIELDS = frozenset({"effective_from", "approved_by", "notes"})


def _audit(
    actor: User | None,
    scheme: SchemeOfDelegation,
    action: str,
    target: Any,
    summary: str,
    details: dict[str, Any] | None = None,
) -> None:
    """The audit row of a change to a scheme or its lines, in the organisation's system."""
    audit(actor, action, target, summary, details, system=scheme.organisation.system)


def lock_scheme(scheme: SchemeOfDelegation) -> SchemeOfDelegation:
    """The scheme's row, locked until the transaction ends, with its organisation's system."""
    return lock_row(scheme, related=("organisation__system",))


def require_draft(scheme: SchemeOfDelegation) -> None:
    """Refuse a change to a scheme that is in force or superseded."""
    if scheme.status != SchemeStatus.DRAFT:
        label = "in force" if scheme.status == SchemeStatus.IN_FORCE else "superseded"
        raise ValidationError(DRAFT_ONLY.format(status=label))


# Schemes ----------------------------------------------------------------------------------

_LINE_COPY_FIELDS = (
    "matter_id",
    "reserved",
    "delegate_committee_id",
    "delegate_role_id",
    "limit_from",
    "limit_to",
    "place_id",
    "neighbourhood_id",
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
    save_validated(scheme)
    copied = 0
    if copy_lines and latest is not None:
        lines = [
            Delegation(scheme=scheme, **{name: getattr(line, name) for name in _LINE_COPY_FIELDS})
            for line in latest.delegations.all()
        ]
        Delegation.objects.bulk_create(lines)
        copied = len(lines)
    audit(
        actor,
        "scheme.create",
        scheme,
        f"Started version {scheme.number} of {organisation.name}'s scheme of delegation"
        + (f", copying {copied} lines of version {latest.number}" if latest and copied else ""),
        {"copied_lines": copied},
    )
    return scheme


@transaction.atomic
def scheme_update(
    *,
    actor: User | None,
    scheme: SchemeOfDelegation,
    expected_version: int | None = None,
    **changes: Any,
) -> SchemeOfDelegation:
    scheme = lock_scheme(scheme)
    check_version(scheme, expected_version, "scheme")
    require_draft(scheme)
    before = set_fields(scheme, stripped(changes), allowed=SCHEME_FIELDS, doing="scheme_update")
    scheme.version += 1
    save_validated(scheme)
    _audit(actor, scheme, "scheme.update", scheme, f"Changed {scheme}", replaced(before))
    return scheme


@transaction.atomic
def scheme_bring_into_force(
    *, actor: User | None, scheme: SchemeOfDelegation
) -> SchemeOfDelegation:
    """Draft → in force. The scheme in force before it is superseded, ending the day before
    this one takes effect."""
    scheme = lock_scheme(scheme)
    require_draft(scheme)
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
    audit(
        actor,
        "scheme.in_force",
        scheme,
        f"Brought version {scheme.number} of {scheme.organisation.name}'s scheme of "
        f"delegation into force from {scheme.effective_from:%-d %B %Y}"
        + (f"; version {previous.number} superseded" if previous else ""),
        {"superseded": previous.pk if previous else None},
    )
    return scheme


def _scheme_lines(scheme: SchemeOfDelegation) -> list[Delegation]:
    return list(
        Delegation.objects.filter(scheme=scheme).select_related(
            "matter",
            "delegate_committee__place",
            "delegate_role__place",
            "place",
            "neighbourhood__place",
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
    "neighbourhood",
    "conditions",
    "reference",
}


def _locked_draft(scheme: SchemeOfDelegation) -> SchemeOfDelegation:
    locked = lock_scheme(scheme)
    require_draft(locked)
    return locked


def _tidy(fields: dict[str, Any]) -> dict[str, Any]:
    tidy = stripped(fields)
    if tidy.get("reserved"):
        tidy["delegate_committee"] = None
        tidy["delegate_role"] = None
    return tidy


def _line_text(line: Delegation) -> str:
    text = f"{line.matter.name}, {line.delegate_label}, {line.band}"
    if line.neighbourhood is not None and line.place is not None:
        text += f" ({scope_label(line.neighbourhood.name, line.place.name)})"
    return text


@transaction.atomic
def delegation_add(
    *, actor: User | None, scheme: SchemeOfDelegation, matter: MatterCategory, **fields: Any
) -> Delegation:
    refuse_unknown(fields, allowed=_LINE_FIELDS, doing="delegation_add")
    scheme = _locked_draft(scheme)
    line = Delegation(scheme=scheme, matter=matter, **_tidy(fields))
    _check_line(line, scheme)
    line.save()
    _audit(actor, scheme, "delegation.add", line, f"Added a line to {scheme}: {_line_text(line)}")
    return line


@transaction.atomic
def delegation_update(*, actor: User | None, delegation: Delegation, **changes: Any) -> Delegation:
    scheme = _locked_draft(delegation.scheme)
    line = Delegation.objects.get(pk=delegation.pk)
    before = set_fields(line, _tidy(changes), allowed=_LINE_FIELDS, doing="delegation_update")
    _check_line(line, scheme)
    line.save()
    summary = f"Changed a line of {scheme}: {_line_text(line)}"
    _audit(actor, scheme, "delegation.update", line, summary, replaced(before, changes))
    return line


@transaction.atomic
def delegation_remove(*, actor: User | None, delegation: Delegation) -> None:
    scheme = _locked_draft(delegation.scheme)
    summary = f"Removed a line of {scheme}: {_line_text(delegation)}"
    _audit(actor, scheme, "delegation.remove", delegation, summary)
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
    scheme = _locked_draft(scheme)
    removed = 0
    if replace:
        removed, _ = Delegation.objects.filter(scheme=scheme).delete()
    for line in lines:
        line.scheme = scheme
        line.full_clean(exclude=["scheme"])
    Delegation.objects.bulk_create(lines)
    _audit(
        actor,
        scheme,
        "delegation.import",
        scheme,
        f"Imported {len(lines)} lines into {scheme} from a spreadsheet"
        + (f", replacing {removed}" if replace else ""),
        {"imported": len(lines), "replaced": removed if replace else 0},
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


def neighbourhoods_for_organisation(organisation: Organisation) -> Any:
    """The active neighbourhoods of the places where the organisation is a partner: the
    neighbourhoods a line of its scheme may name."""
    return Neighbourhood.objects.filter(
        place__partners__organisation=organisation, is_active=True
    ).select_related("place")
