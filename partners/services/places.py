"""Changing places, partner organisations (with their aliases) and which organisations are
partners in which place."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils.text import slugify

from core.changes import set_fields, stripped
from core.locking import check_version, lock_row, save_validated
from partners.audit import audit
from partners.models import (
    Membership,
    Organisation,
    OrganisationAlias,
    Place,
    PlacePartner,
    System,
    User,
    normalise_name,
)
from partners.permissions import permissions_sync_for_system_admins

PLACE_EDITABLE_FIELDS = ("name", "population", "local_authority_footprint", "is_active")
ORGANISATION_EDITABLE_FIELDS = ("name", "sector", "legal_form", "ods_code", "is_active")


# Places ---------------------------------------------------------------------------------


def _unique_place_slug(system: System, name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:70] or "place"
    slug, n = base, 2
    others = Place.objects.filter(system=system)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True))
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def place_create(
    *,
    actor: User | None,
    system: System,
    name: str,
    population: int | None = None,
    local_authority_footprint: str = "",
) -> Place:
    place = Place(
        system=system,
        name=name.strip(),
        population=population,
        local_authority_footprint=local_authority_footprint.strip(),
        slug=_unique_place_slug(system, name),
    )
    save_validated(place)
    audit(actor, "place.create", place, f"Added place {place.name}")
    permissions_sync_for_system_admins(system=system)
    return place


@transaction.atomic
def place_update(
    *,
    actor: User | None,
    place: Place,
    expected_version: int | None = None,
    **changes: Any,
) -> Place:
    """Change a place from a form opened at `expected_version`; the slug follows the name.
    Nothing is saved, and the version stays, when nothing changed."""
    place = lock_row(place)
    check_version(place, expected_version, "place")
    before = set_fields(
        place, stripped(changes), allowed=PLACE_EDITABLE_FIELDS, doing="place_update"
    )
    changed = {
        field: [str(before[field]), str(getattr(place, field))]
        for field in changes
        if before[field] != getattr(place, field)
    }
    if not changed:
        return place
    if "name" in changed:
        place.slug = _unique_place_slug(place.system, place.name, exclude_pk=place.pk)
    place.version += 1
    save_validated(place)
    audit(actor, "place.update", place, f"Changed place {place.name}", {"changed": changed})
    return place


@transaction.atomic
def system_update(*, actor: User | None, system: System, population: int | None) -> System:
    """Record how many people live in the system's footprint (None when not known). Nothing
    is saved when nothing changed."""
    system = lock_row(system)
    before = system.population
    if before == population:
        return system
    system.population = population
    save_validated(system)
    audit(
        actor,
        "system.update",
        system,
        f"Changed the population of {system.name}",
        {"changed": {"population": [str(before or ""), str(population or "")]}},
    )
    return system


# Organisations and aliases ----------------------------------------------------------------


def _names_in_use(system: System, *, exclude_organisation: Organisation | None) -> dict[str, str]:
    """Every normalised name and alias in the system, mapped to the organisation using it."""
    organisations = Organisation.objects.filter(system=system)
    aliases = OrganisationAlias.objects.filter(system=system).select_related("organisation")
    if exclude_organisation is not None and exclude_organisation.pk:
        organisations = organisations.exclude(pk=exclude_organisation.pk)
        aliases = aliases.exclude(organisation=exclude_organisation)
    used = {o.normalised_name: o.name for o in organisations.only("name", "normalised_name")}
    used.update({a.normalised_alias: a.organisation.name for a in aliases})
    return used


def _clean_aliases(aliases: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    cleaned = []
    for alias in aliases:
        alias = alias.strip()
        key = normalise_name(alias)
        if not key:
            continue
        if key in seen:
            continue
        seen.add(key)
        cleaned.append(alias)
    return cleaned


def _check_names_free(
    *, system: System, name: str, aliases: list[str], organisation: Organisation | None
) -> None:
    # Serialise name checks within a system so two admins cannot claim the same alias at once.
    System.objects.select_for_update().filter(pk=system.pk).first()
    used = _names_in_use(system, exclude_organisation=organisation)
    errors: dict[str, list[str]] = {}
    name_key = normalise_name(name)
    if name_key in used:
        errors["name"] = [f"“{name}” is already used by {used[name_key]} in this system."]
    for alias in aliases:
        key = normalise_name(alias)
        if key == name_key:
            errors.setdefault("aliases", []).append(
                f"“{alias}” is the organisation's own name, not an alias."
            )
        elif key in used:
            errors.setdefault("aliases", []).append(
                f"“{alias}” is already used by {used[key]} in this system."
            )
    if errors:
        raise ValidationError(errors)


def _replace_aliases(organisation: Organisation, aliases: list[str]) -> None:
    keep = {normalise_name(a) for a in aliases}
    organisation.aliases.exclude(normalised_alias__in=keep).delete()
    existing = set(organisation.aliases.values_list("normalised_alias", flat=True))
    for alias in aliases:
        if normalise_name(alias) not in existing:
            OrganisationAlias.objects.create(
                organisation=organisation, alias=alias, system=organisation.system
            )


def _save_organisation(organisation: Organisation, *, aliases: list[str], is_new: bool) -> None:
    """Check the fields, then that the name and aliases are free in the system, then save
    the organisation and make its aliases exactly `aliases`."""
    organisation.full_clean(exclude=["normalised_name"])
    _check_names_free(
        system=organisation.system,
        name=organisation.name,
        aliases=aliases,
        organisation=None if is_new else organisation,
    )
    save_validated(organisation)
    _replace_aliases(organisation, aliases)


@transaction.atomic
def organisation_create(
    *,
    actor: User | None,
    system: System,
    name: str,
    sector: str,
    legal_form: str,
    ods_code: str = "",
    aliases: Iterable[str] = (),
) -> Organisation:
    alias_list = _clean_aliases(aliases)
    organisation = Organisation(
        system=system,
        name=name.strip(),
        sector=sector,
        legal_form=legal_form,
        ods_code=ods_code,
    )
    _save_organisation(organisation, aliases=alias_list, is_new=True)
    audit(
        actor,
        "organisation.create",
        organisation,
        f"Added organisation {organisation.name}",
        {"aliases": alias_list},
    )
    return organisation


@transaction.atomic
def organisation_update(
    *,
    actor: User | None,
    organisation: Organisation,
    expected_version: int | None = None,
    aliases: Iterable[str] | None = None,
    **changes: Any,
) -> Organisation:
    """Change an organisation and its aliases from a form opened at `expected_version`.
    Every save is a new version, aliases included: a form opened before it is stale."""
    organisation = lock_row(organisation)
    check_version(organisation, expected_version, "organisation")
    set_fields(
        organisation,
        stripped(changes),
        allowed=ORGANISATION_EDITABLE_FIELDS,
        doing="organisation_update",
    )
    alias_list = (
        _clean_aliases(aliases)
        if aliases is not None
        else list(organisation.aliases.values_list("alias", flat=True))
    )
    organisation.version += 1
    _save_organisation(organisation, aliases=alias_list, is_new=False)
    audit(
        actor,
        "organisation.update",
        organisation,
        f"Changed organisation {organisation.name}",
        {"changes": {k: str(v) for k, v in changes.items()}, "aliases": alias_list},
    )
    return organisation


@transaction.atomic
def organisation_alias_add(
    *, actor: User | None, organisation: Organisation, alias: str
) -> OrganisationAlias:
    alias = alias.strip()
    if not normalise_name(alias):
        raise ValidationError({"alias": ["Enter an alias with at least one letter or number."]})
    _check_names_free(
        system=organisation.system,
        name=organisation.name,
        aliases=[alias],
        organisation=organisation,
    )
    if organisation.aliases.filter(normalised_alias=normalise_name(alias)).exists():
        raise ValidationError({"alias": [f"{organisation.name} already has the alias “{alias}”."]})
    created = OrganisationAlias(organisation=organisation, alias=alias, system=organisation.system)
    created.save()
    audit(
        actor,
        "organisation.alias_add",
        organisation,
        f"Added alias “{alias}” to {organisation.name}",
    )
    return created


@transaction.atomic
def organisation_alias_remove(*, actor: User | None, alias: OrganisationAlias) -> None:
    organisation = alias.organisation
    text = alias.alias
    alias.delete()
    audit(
        actor,
        "organisation.alias_remove",
        organisation,
        f"Removed alias “{text}” from {organisation.name}",
    )


def _refuse_if_protected(instance: models.Model, label: str) -> None:
    """Refuse, with a message naming what refers to it, to delete a record others point at."""
    collector = Collector(using=instance._state.db or "default")
    try:
        collector.collect([instance])
    except (ProtectedError, RestrictedError) as error:
        objects = (
            error.protected_objects
            if isinstance(error, ProtectedError)
            else error.restricted_objects
        )
        references = sorted({str(obj._meta.verbose_name_plural) for obj in objects})
        raise ValidationError(
            f"This {label} cannot be deleted because other records refer to it "
            f"({', '.join(references)}). Deactivate it instead."
        ) from error


@transaction.atomic
def organisation_delete(*, actor: User | None, organisation: Organisation) -> None:
    """Delete an organisation nobody refers to; otherwise refuse and suggest deactivating."""
    _refuse_if_protected(organisation, "organisation")
    audit(actor, "organisation.delete", organisation, f"Deleted organisation {organisation.name}")
    organisation.delete()


# Partners in a place ----------------------------------------------------------------------


@transaction.atomic
def place_partner_add(
    *, actor: User | None, place: Place, organisation: Organisation
) -> PlacePartner:
    if organisation.system_id != place.system_id:
        raise ValidationError("Only organisations of the place's own system can be partners.")
    partner = PlacePartner(place=place, organisation=organisation)
    partner.full_clean()
    partner.save()
    audit(
        actor,
        "place_partner.add",
        partner,
        f"Added {organisation.name} as a partner in {place.name}",
    )
    return partner


@transaction.atomic
def place_partner_remove(*, actor: User | None, partner: PlacePartner) -> None:
    represented = Membership.objects.current().filter(
        place=partner.place, organisation=partner.organisation
    )
    if represented.exists():
        raise ValidationError(
            f"{partner.organisation.name} still has representatives in {partner.place.name}. "
            "End or change their memberships first."
        )
    audit(
        actor,
        "place_partner.remove",
        partner,
        f"Removed {partner.organisation.name} from {partner.place.name}",
    )
    partner.delete()
