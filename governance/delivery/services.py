"""The rules for recording how a place delivers care: its delivery archetype and budget, the
council and lead care provider it works with, who holds each function, and the terms of a
lead provider arrangement.

Every function that changes something is keyword-only, validates, saves atomically, writes
its audit row in the place's system and keeps the record's history. Permission checks (who
may change a place's governance) are the caller's job; these functions enforce what the
record itself must be:

- the archetype is an option of a framework of delivery archetypes;
- the section 75 council is a council among the place's partners, and the lead care provider
  one of its partners;
- the contracting form is one of the catalogue's integration forms;
- a function is held by one organisation (a partner of the place, or an ICB of its system) or
  by one of the place's active bodies.

Each record carries an integer `version`; a save from a stale version is refused with
core.locking.ConcurrentEditError rather than overwriting someone's work. The place has no
arrangement until its first save: a form opened then carries version 0, so a second first
save is refused like any stale one."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from core.changes import refuse_unknown, set_fields
from core.locking import ConcurrentEditError, check_version, save_validated
from governance.catalogue.models import DeliveryModelKind, FrameworkKind
from governance.delivery.models import DeliveryArrangement, DeliveryFunction, FunctionHolding
from governance.delivery.selectors import active_bodies, holder_organisations
from partners.audit import audit_by
from partners.legal_forms import facts_of
from partners.models import Organisation, Place, PlacePartner, User

ARRANGEMENT_FIELDS = frozenset(
    {
        "archetype",
        "budget_form",
        "section_75_council",
        "lead_care_provider",
        "gp_support",
        "contracting_form",
        "contract_years",
        "lead_risk_share",
        "voting_rule",
        "voting_weights",
        "reserved_matters",
        "guarantee",
        "gp_participation",
    }
)
TEXT_FIELDS = ("voting_weights", "reserved_matters", "gp_participation")
NOT_SAVED_YET = 0  # the version a form carries for an arrangement not yet saved


def _actor(user: User | None) -> User | None:
    return user if user is not None and user.pk else None


def _save_with_history(instance: models.Model, actor: User | None) -> None:
    """Validate and save, naming the actor in the record's history."""
    instance._history_user = _actor(actor)  # type: ignore[attr-defined]
    instance.updated_by = _actor(actor)  # type: ignore[attr-defined]
    save_validated(instance)


def _lock_place(place_id: int) -> None:
    # Serialise changes to a place's delivery records, so two first saves cannot both create.
    Place.objects.select_for_update(of=("self",)).filter(pk=place_id).first()


def _display(value: Any) -> str:
    return "" if value is None else str(value)


def _changed(before: dict[str, Any], instance: models.Model) -> dict[str, list[str]]:
    return {
        name: [_display(was), _display(getattr(instance, name))]
        for name, was in before.items()
        if was != getattr(instance, name)
    }


def _audit(
    actor: User | None,
    place: Place,
    action: str,
    target: models.Model,
    summary: str,
    details: dict[str, Any] | None = None,
) -> None:
    audit_by(actor, action, target, summary, details, system=place.system)


def _is_partner(place: Place, organisation: Organisation) -> bool:
    return PlacePartner.objects.filter(place=place, organisation=organisation).exists()


def stale(version: int | None) -> ConcurrentEditError:
    return ConcurrentEditError(
        "record",
        "Someone else saved how this place delivers care while you were editing it "
        f"(you opened version {version}). Your answers have not been saved: they are still "
        "in the form below. Check what is saved now, then save again.",
    )


# The arrangement -------------------------------------------------------------------------------


def _validate_arrangement(arrangement: DeliveryArrangement) -> None:
    place = arrangement.place
    errors: dict[str, list[str]] = {}
    option = arrangement.archetype
    if option is not None and option.framework.kind != FrameworkKind.ARCHETYPES:
        errors["archetype"] = [
            f"{option.name} is not a delivery archetype. Choose one of the archetypes listed."
        ]
    council = arrangement.section_75_council
    if council is not None:
        if not facts_of(council.legal_form).local_authority:
            errors["section_75_council"] = [
                f"{council.name} is not a council. A section 75 agreement is made with a "
                "council: choose one of the place's councils."
            ]
        elif not _is_partner(place, council):
            errors["section_75_council"] = [
                f"{council.name} is not a partner of {place.name}. Add it as a partner first."
            ]
    provider = arrangement.lead_care_provider
    if provider is not None and not _is_partner(place, provider):
        errors["lead_care_provider"] = [
            f"{provider.name} is not a partner of {place.name}. Add it as a partner first."
        ]
    form = arrangement.contracting_form
    if form is not None and form.kind != DeliveryModelKind.INTEGRATION_FORM:
        errors["contracting_form"] = [
            f"{form.name} is not a contracting form. Choose one of the forms listed."
        ]
    for name in TEXT_FIELDS:
        setattr(arrangement, name, (getattr(arrangement, name) or "").strip())
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def arrangement_save(
    *, actor: User | None, place: Place, version: int | None, **changes: Any
) -> DeliveryArrangement:
    """Record `changes` (any of ARRANGEMENT_FIELDS) to the place's arrangement, creating it on
    the first save. `version` is the one the form was opened at (NOT_SAVED_YET before the
    first save; None for a data load, which is never refused as stale)."""
    refuse_unknown(changes, allowed=ARRANGEMENT_FIELDS, doing="arrangement_save")
    _lock_place(place.pk)
    arrangement = (
        DeliveryArrangement.objects.select_for_update(of=("self",))
        .select_related("archetype__framework")
        .filter(place=place)
        .first()
    )
    creating = arrangement is None
    if arrangement is None:
        if version not in (None, NOT_SAVED_YET):
            raise stale(version)
        arrangement = DeliveryArrangement(place=place)
    else:
        try:
            check_version(arrangement, version, "record")
        except ConcurrentEditError:
            raise stale(version) from None
    arrangement.place = place
    before = set_fields(arrangement, changes, allowed=ARRANGEMENT_FIELDS, doing="arrangement_save")
    _validate_arrangement(arrangement)
    changed = _changed(before, arrangement)
    if not changed and not creating:
        return arrangement
    if not creating:
        arrangement.version += 1
    _save_with_history(arrangement, actor)
    _audit(
        actor,
        place,
        "delivery.create" if creating else "delivery.update",
        arrangement,
        f"recorded how {place.name} delivers care (version {arrangement.version})",
        {"changed": changed},
    )
    return arrangement


# Function holders --------------------------------------------------------------------------


def _validate_holding(holding: FunctionHolding) -> None:
    place = holding.place
    errors: dict[str, list[str]] = {}
    if holding.function not in DeliveryFunction.values:
        errors["function"] = ["That is not a function a place records."]
    organisation, body = holding.holder_organisation, holding.holder_committee
    if (organisation is None) == (body is None):
        errors["holder"] = ["Choose one organisation or one body to hold the function."]
    elif (
        organisation is not None
        and not holder_organisations(place).filter(pk=organisation.pk).exists()
    ):
        errors["holder"] = [
            f"{organisation.name} is not a partner of {place.name} or its ICB. Add it as a "
            "partner first."
        ]
    elif body is not None and not active_bodies(place).filter(pk=body.pk).exists():
        errors["holder"] = [f"{body.name} is not an active body of {place.name}."]
    holding.notes = (holding.notes or "").strip()
    if errors:
        raise ValidationError(errors)


def _holding_stale(function_label: str, version: int | None) -> ConcurrentEditError:
    return ConcurrentEditError(
        "record",
        f"Someone else changed who holds {function_label.lower()} while you were editing it "
        f"(you opened version {version}). Your choice has not been saved: it is still in the "
        "form below. Check who holds it now, then save again.",
    )


@transaction.atomic
def holding_save(
    *,
    actor: User | None,
    place: Place,
    function: str,
    version: int | None,
    holder_organisation: Organisation | None = None,
    holder_committee: Any = None,
    notes: str = "",
) -> FunctionHolding:
    """Record who holds `function` for the place (creating the record on its first save)."""
    _lock_place(place.pk)
    label = DeliveryFunction(function).label if function in DeliveryFunction.values else function
    holding = FunctionHolding.objects.select_for_update(of=("self",)).filter(
        place=place, function=function
    )
    found = holding.select_related("holder_organisation", "holder_committee").first()
    creating = found is None
    if found is None:
        if version not in (None, NOT_SAVED_YET):
            raise _holding_stale(label, version)
        found = FunctionHolding(place=place, function=function)
    elif version is not None and found.version != version:
        raise _holding_stale(label, version)
    was = _display(found.holder) if not creating else ""
    before = {"notes": found.notes}
    found.place = place
    found.holder_organisation = holder_organisation
    found.holder_committee = holder_committee
    found.notes = notes
    _validate_holding(found)
    now = _display(found.holder)
    changed = _changed(before, found)
    if was != now:
        changed["holder"] = [was, now]
    if not changed and not creating:
        return found
    if not creating:
        found.version += 1
    _save_with_history(found, actor)
    _audit(
        actor,
        place,
        "delivery.holder_set",
        found,
        f"recorded {now} as holding {label.lower()} for {place.name}",
        {"changed": changed},
    )
    return found


@transaction.atomic
def holding_remove(*, actor: User | None, holding: FunctionHolding, version: int | None) -> None:
    """Take the record of who holds a function away (its history stays)."""
    place = holding.place
    _lock_place(place.pk)
    found = (
        FunctionHolding.objects.select_for_update(of=("self",))
        .select_related("holder_organisation", "holder_committee")
        .filter(pk=holding.pk)
        .first()
    )
    label = holding.get_function_display()
    if found is None:
        raise ValidationError(f"No one is recorded as holding {label.lower()} any more.")
    if version is not None and found.version != version:
        raise _holding_stale(label, version)
    _audit(
        actor,
        place,
        "delivery.holder_remove",
        found,
        f"removed {found.holder} as holding {label.lower()} for {place.name}",
    )
    found._history_user = _actor(actor)  # type: ignore[attr-defined]
    found.delete()
