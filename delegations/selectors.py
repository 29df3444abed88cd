"""Reads for the delegation pages, with their joins fetched up front so a page's query count
does not grow with its rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.text import capfirst

from delegations.bands import band_text
from delegations.models import (
    DelegateRole,
    Delegation,
    MatterCategory,
    SchemeOfDelegation,
    SchemeStatus,
)
from delegations.router import SchemeCitation
from partners.models import Organisation, Place, PlacePartner, System
from partners.neighbourhoods import scope_label

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
    "neighbourhood",
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


@dataclass
class PlaceLine:
    """A line as the place's page shows it: its words worked out once, here, so that drawing
    hundreds of rows is a handful of plain variables each."""

    reference: str  # "–" when the line has none
    reserved: bool
    delegate: str  # the committee's name or the role's title; empty when reserved
    band: str  # "Up to and including £250,000"
    place_name: str  # "Every place", the place, or "Only in <neighbourhood>, <place>"
    conditions: str  # escaped, with its line breaks as <br>; "–" when there are none


@dataclass
class PlaceMatterGroup:
    matter_id: int
    heading: str  # "Parent: Matter", or the matter alone at the top of the tree
    lines: list[PlaceLine] = field(default_factory=list)


@dataclass
class PlaceScheme:
    pk: int
    organisation_name: str
    number: int
    effective_from: date
    approved_by: str
    groups: list[PlaceMatterGroup] = field(default_factory=list)


def place_in_force_schemes(*, place: Place, search: str = "") -> list[PlaceScheme]:
    """The schemes in force of the place's partner organisations that have a line applying
    to the place (a line for every place, or for this one), by organisation name; with
    `search`, only organisations whose name holds it. Their lines are read by
    `add_place_lines` for the schemes on show. Columns only, no model instances: a place has
    one row here per partner, however many lines their schemes hold."""
    partners = PlacePartner.objects.filter(place=place)
    if search:
        partners = partners.filter(organisation__name__icontains=search)
    applies = Delegation.objects.filter(scheme=OuterRef("pk")).filter(
        Q(place__isnull=True) | Q(place=place)
    )
    return [
        PlaceScheme(pk, organisation_name, number, effective_from, approved_by)
        for pk, organisation_name, number, effective_from, approved_by in (
            SchemeOfDelegation.objects.filter(
                Exists(applies),
                status=SchemeStatus.IN_FORCE,
                # A subquery rather than a join, so an organisation partnering the place is
                # not read twice and needs no DISTINCT.
                organisation_id__in=partners.values("organisation_id"),
            )
            .order_by("organisation__name", "organisation_id")
            .values_list("pk", "organisation__name", "number", "effective_from", "approved_by")
        )
    ]


def add_place_lines(schemes: Iterable[PlaceScheme], *, place: Place) -> None:
    """Fills each scheme's groups with its lines that apply to the place, in the matter
    tree's order, in one query of only the columns shown (model instances for hundreds of
    lines cost more than the rest of the page). Reading the lines apart from their schemes
    also keeps the query small enough for PostgreSQL to plan well: joined to schemes and
    organisations it read every line of the country."""
    by_pk = {scheme.pk: scheme for scheme in schemes}
    lines = (
        Delegation.objects.filter(scheme_id__in=list(by_pk))
        .filter(Q(place__isnull=True) | Q(place=place))
        .order_by(*TREE_ORDER, "matter_id", "limit_from", "pk")
        .values_list(
            "scheme_id",
            "matter_id",
            "matter__name",
            "matter__parent__name",
            "reference",
            "reserved",
            "delegate_committee__name",
            "delegate_role__title",
            "limit_from",
            "limit_to",
            "place__name",
            "neighbourhood__name",
            "conditions",
        )
    )
    for (
        scheme_id,
        matter_id,
        matter_name,
        parent_name,
        reference,
        reserved,
        committee_name,
        role_title,
        limit_from,
        limit_to,
        place_name,
        neighbourhood_name,
        conditions,
    ) in lines:
        groups = by_pk[scheme_id].groups
        # A scheme's lines arrive in the tree's order, so a matter's lines are together.
        if not groups or groups[-1].matter_id != matter_id:
            heading = f"{parent_name}: {matter_name}" if parent_name else matter_name
            groups.append(PlaceMatterGroup(matter_id, heading))
        groups[-1].lines.append(
            PlaceLine(
                reference=reference or "–",
                reserved=reserved,
                delegate="" if reserved else committee_name or role_title,
                band=capfirst(band_text(limit_from, limit_to)),
                place_name=line_scope(place_name, neighbourhood_name),
                conditions=linebreaksbr(conditions or "–", autoescape=True),
            )
        )


def line_scope(place_name: str | None, neighbourhood_name: str | None) -> str:
    """Where a line applies, in the words every listing uses: "Every place", the place's
    name, or "Only in <neighbourhood>, <place>"."""
    if not place_name:
        return "Every place"
    if neighbourhood_name:
        return scope_label(neighbourhood_name, place_name)
    return place_name


def organisations_in_force(*, place: Place) -> list[Organisation]:
    """The place's partner organisations with a scheme of delegation in force today, by
    name. Only their names are read: the decision router lists them all, and a place can
    have dozens."""
    today = timezone.localdate()
    in_force = SchemeOfDelegation.objects.filter(
        organisation=OuterRef("pk"),
        status=SchemeStatus.IN_FORCE,
        effective_from__lte=today,
    ).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
    return list(
        Organisation.objects.filter(Exists(in_force), place_partnerships__place=place)
        .only("name")
        .order_by("name", "pk")
    )


def organisations_and_schemes_in_force(
    *, place: Place
) -> tuple[list[Organisation], dict[int, SchemeCitation]]:
    """`organisations_in_force`, with each one's scheme in force today, in one query: the
    decision router lists the organisations and cites the schemes of those with no line on
    the matter (`route_decision`'s `schemes_in_force`). The organisations hold their names
    only."""
    today = timezone.localdate()
    rows = (
        Organisation.objects.filter(
            Q(schemes_of_delegation__effective_to__isnull=True)
            | Q(schemes_of_delegation__effective_to__gte=today),
            place_partnerships__place=place,
            schemes_of_delegation__status=SchemeStatus.IN_FORCE,
            schemes_of_delegation__effective_from__lte=today,
        )
        .order_by("name", "pk")
        .values_list(
            "pk",
            "name",
            "schemes_of_delegation__pk",
            "schemes_of_delegation__number",
            "schemes_of_delegation__effective_from",
            "schemes_of_delegation__effective_to",
        )
    )
    organisations: list[Organisation] = []
    schemes: dict[int, SchemeCitation] = {}
    # An organisation has one scheme in force (scheme_one_in_force) and partners a place
    # once (place_partner_unique), so each comes once.
    for pk, name, scheme_pk, number, effective_from, effective_to in rows:
        organisations.append(Organisation(pk=pk, name=name))
        schemes[pk] = SchemeCitation(scheme_pk, number, effective_from, effective_to)
    return organisations, schemes
