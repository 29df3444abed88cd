"""Reads for the delegation pages, with their joins fetched up front so a page's query count
does not grow with its rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from delegations.models import (
    DelegateRole,
    Delegation,
    MatterCategory,
    SchemeOfDelegation,
    SchemeStatus,
)
from partners.models import Organisation, Place, PlacePartner, System

# Lines in the matter tree's order: a top-level matter, then the matters beneath it.
TREE_ORDER = (
    Coalesce("matter__parent__order", "matter__order").asc(),
    Coalesce("matter__parent__name", "matter__name").asc(),
    F("matter__parent").asc(nulls_first=True),
    "matter__order",
    "matter__name",
)
LINE_JOINS = (
    "matter__parent",
    "delegate_committee__place",
    "delegate_role__place",
    "place",
)


def organisations_with_schemes(*, system: System) -> QuerySet[Organisation]:
    """The system's organisations, each with its schemes (newest first) and their line
    counts."""
    schemes = SchemeOfDelegation.objects.annotate(line_count=Count("delegations")).order_by(
        "-number"
    )
    return (
        Organisation.objects.filter(system=system)
        .prefetch_related(Prefetch("schemes_of_delegation", queryset=schemes))
        .order_by("name")
    )


def console_scheme(*, system: System, pk: int) -> SchemeOfDelegation:
    return SchemeOfDelegation.objects.select_related("organisation__system").get(
        pk=pk, organisation__system=system
    )


def scheme_lines(*, scheme: SchemeOfDelegation) -> list[Delegation]:
    return list(
        Delegation.objects.filter(scheme=scheme)
        .select_related(*LINE_JOINS)
        .order_by(*TREE_ORDER, "limit_from", "pk")
    )


@dataclass
class MatterGroup:
    matter: MatterCategory
    lines: list[Delegation] = field(default_factory=list)


def lines_by_matter(lines: list[Delegation]) -> list[MatterGroup]:
    groups: dict[int, MatterGroup] = {}
    for line in lines:
        groups.setdefault(line.matter_id, MatterGroup(matter=line.matter)).lines.append(line)
    return list(groups.values())


@dataclass
class MatterNode:
    matter: MatterCategory
    depth: int
    line_count: int


def matter_tree(*, system: System) -> list[MatterNode]:
    """The system's matters in tree order (each parent before its children), with depth."""
    matters = list(
        MatterCategory.objects.filter(system=system)
        .annotate(line_count=Count("delegations"))
        .order_by("order", "name")
    )
    children: dict[int | None, list[MatterCategory]] = {}
    for matter in matters:
        children.setdefault(matter.parent_id, []).append(matter)
    nodes: list[MatterNode] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for matter in children.get(parent_id, []):
            nodes.append(MatterNode(matter, depth, matter.line_count))  # type: ignore[attr-defined]
            walk(matter.pk, depth + 1)

    walk(None, 0)
    return nodes


def matter_choices(*, system: System) -> list[tuple[int, str]]:
    return [
        (node.matter.pk, "– " * node.depth + node.matter.name)
        for node in matter_tree(system=system)
    ]


def delegate_roles(*, system: System) -> QuerySet[DelegateRole]:
    return (
        DelegateRole.objects.filter(organisation__system=system)
        .select_related("organisation", "place", "person", "accountable_to_committee")
        .order_by("organisation__name", "title")
    )


def place_in_force_lines(*, place: Place) -> list[Delegation]:
    """The lines of the schemes in force of the place's partner organisations that apply to
    the place: lines for every place, and lines for this one."""
    return list(
        Delegation.objects.filter(
            scheme__status=SchemeStatus.IN_FORCE,
            scheme__organisation__place_partnerships__place=place,
        )
        .filter(Q(place__isnull=True) | Q(place=place))
        .select_related("scheme__organisation", *LINE_JOINS)
        .order_by("scheme__organisation__name", *TREE_ORDER, "limit_from", "pk")
        .distinct()
    )


def organisations_in_force(*, place: Place) -> list[Organisation]:
    """The place's partner organisations with a scheme of delegation in force today."""
    today = timezone.localdate()
    in_force = SchemeOfDelegation.objects.filter(
        organisation=OuterRef("organisation"),
        status=SchemeStatus.IN_FORCE,
        effective_from__lte=today,
    ).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
    return [
        partner.organisation
        for partner in PlacePartner.objects.filter(place=place)
        .filter(Exists(in_force))
        .select_related("organisation")
        .order_by("organisation__name")
    ]
