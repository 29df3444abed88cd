"""The design check: is a place's governance design one the framework's sources allow, and
complete and workable as recorded?

`design_check(place=...)` returns a checklist, failures first, then warnings, then passes.
Each item passes, warns (advice: the design works, but guidance recommends otherwise) or fails
(the design cannot work as recorded, or the sources rule it out), with a sentence saying why
and how to put it right, the page to go to, and the passage of the source the rule restates.

It reads what exists, not what was proposed: each active body is an instance of a framework
option (governance.structures.options), an individual director of the ICB with delegations in
force is option 4, and the place's recorded arrangement is the set of them. The rules live in
design/rules_partnership.py (Appendix A), design/rules_arrangement.py (the options: the
recorded set, the proposal beside it, what each option may hold, to whom it answers, option 4)
and design/rules_bodies.py (every body: chair, quorum, veto, terms of reference, routes).

It reads six queries whatever the size of the place (`_load`): the place's proposal; every
framework's options, with their allowed combinations and the place's individual directors; the
bodies; their seats; the organisations (partners and parties, in one union); and the lines in
force (to the bodies, and the ICB's for the place, in one union)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    Aggregate,
    Exists,
    F,
    Func,
    IntegerField,
    JSONField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.utils import timezone

from delegations.models import DelegateRole, Delegation, SchemeStatus
from design import (
    rules_arrangement,
    rules_bodies,
    rules_delivery,
    rules_footprint,
    rules_partnership,
)
from design.check_items import FAIL, ORDER, PASS, WARNING, CheckItem, Design, Fix, names
from governance.catalogue.models import (
    AllowedCombination,
    FrameworkKind,
    GovernanceOption,
    OptionFramework,
)
from governance.catalogue.rules import FrameworkRules, option_set_key
from governance.catalogue.selectors import tiers_in_use
from governance.consultation.models import PlaceResponse, ResponseStatus
from governance.delivery.models import DeliveryArrangement, FunctionHolding
from governance.structures.models import (
    Committee,
    CommitteeMember,
    TermsOfReference,
    TorStatus,
)
from governance.structures.options import body_option, options_by_kind_from
from partners.legal_forms import LegalForm
from partners.models import Neighbourhood, Organisation, Place

M = TypeVar("M", bound=Model)

__all__ = [
    "FAIL",
    "PASS",
    "WARNING",
    "CheckItem",
    "DesignReview",
    "Fix",
    "design_check",
    "design_review",
    "summary_counts",
]


def _in_force(today: date, prefix: str = "scheme__") -> Q:
    return Q(
        **{
            f"{prefix}status": SchemeStatus.IN_FORCE,
            f"{prefix}effective_from__lte": today,
        }
    ) & (Q(**{f"{prefix}effective_to__isnull": True}) | Q(**{f"{prefix}effective_to__gte": today}))


def _load(place: Place, today: date) -> Design:
    response = (
        # The proposal the arrangement is compared with: of a round on an arrangements
        # framework (a round on the 2025 archetypes proposes an archetype, not bodies).
        PlaceResponse.objects.filter(
            place=place,
            status=ResponseStatus.SUBMITTED,
            round__framework__kind=FrameworkKind.ARRANGEMENTS,
        )
        .select_related("round__framework")
        .order_by("-submitted_at", "-pk")
        .first()
    )
    # Every framework's options, read once: the place's framework's options by number, and
    # each kind of body's option (from the newest framework that lists it) both come from them.
    # With them, in the same query, what is small and read whole: each option's framework's
    # allowed combinations, and the place's individual directors.
    # The bodies a place records are instances of an arrangements framework's options (the
    # 2025 delivery archetypes describe who holds what, not bodies).
    arrangements = OptionFramework.objects.filter(kind=FrameworkKind.ARRANGEMENTS)
    newest = arrangements.order_by("-created_at", "-pk").values("pk")[:1]
    catalogue = list(
        GovernanceOption.objects.select_related("framework").annotate(
            newest_framework=Subquery(newest),
            combination_keys=_json_list_of(
                AllowedCombination.objects.filter(framework=OuterRef("framework")),
                F("key"),
            ),
            place_directors=_json_list_of(
                _directors_of(place), _row_of(DelegateRole), order_by=F("title")
            ),
        )
    )
    framework = _framework(response, catalogue)
    own = sorted(
        (o for o in catalogue if o.framework_id == getattr(framework, "pk", None)),
        key=lambda o: o.number,
    )
    design = Design(
        place,
        today,
        framework,
        options={o.number: o for o in own},
        option_of={},
        response=response,
    )
    if framework is not None:
        design.rules = FrameworkRules.from_rows(
            [(o.number, o.short_name, o.stands_alone) for o in own],
            # Read with the options (none when it has no combinations), unless it has none.
            (own[0].combination_keys or [])
            if own
            else framework.combinations.values_list("key", flat=True),
        )
    approved = TermsOfReference.objects.filter(
        committee=OuterRef("pk"), status=TorStatus.APPROVED
    ).order_by("-number")
    design.committees = list(
        Committee.objects.filter(place=place)
        .select_related("accountable_to_committee", "accountable_to_organisation")
        .annotate(
            has_approved_tor=Exists(approved),
            approved_tor_review_date=Subquery(approved.values("review_date")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "members",
                queryset=CommitteeMember.objects.select_related("organisation").order_by("pk"),
            ),
        )
        .order_by("name")
    )
    for committee in design.committees:
        # Of the approved terms of reference the rules read only the newest version's review
        # date, read with the body: the version stands in for the row.
        has_approved = committee.has_approved_tor  # type: ignore[attr-defined]
        review_date = committee.approved_tor_review_date  # type: ignore[attr-defined]
        committee.approved_tors = (  # type: ignore[attr-defined]
            [
                TermsOfReference(
                    committee=committee, status=TorStatus.APPROVED, review_date=review_date
                )
            ]
            if has_approved
            else []
        )
    design.partners, design.parties_of = _partners_and_parties(place)
    by_kind = options_by_kind_from(catalogue)
    parents = {c.pk: c for c in design.committees}
    design.option_of = {c.pk: body_option(c, by_kind, parents) for c in design.committees}
    design.lines, design.icb_lines = _lines_in_force(place, today, parents)
    _load_delivery(design)
    design.directors = (
        _from_rows(DelegateRole, catalogue[0].place_directors or [], order_by="title")
        if catalogue
        else list(_directors_of(place).order_by("title"))
    )
    return design


def _load_delivery(design: Design) -> None:
    """How the place delivers care, who holds each function, its neighbourhoods and the
    geographic tiers their populations are checked against."""
    place = design.place
    design.delivery = (
        DeliveryArrangement.objects.filter(place=place)
        .select_related(
            "archetype__framework", "contracting_form", "lead_care_provider", "section_75_council"
        )
        .first()
    )
    design.holdings = {
        h.function: h
        for h in FunctionHolding.objects.filter(place=place).select_related(
            "holder_organisation", "holder_committee"
        )
    }
    design.neighbourhoods = list(
        Neighbourhood.objects.filter(place=place, is_active=True).select_related(
            "lead_organisation"
        )
    )
    design.tiers = {t.slug: t for t in tiers_in_use()}


def _directors_of(place: Place) -> QuerySet[DelegateRole]:
    """The ICB's individual directors for the place who are in post."""
    return DelegateRole.objects.filter(
        place=place,
        is_individual_director=True,
        is_active=True,
        organisation__legal_form=LegalForm.ICB,
    )


class _JSONList(Aggregate):
    """The values of a group as one JSON array, on SQLite and PostgreSQL alike; on
    PostgreSQL in `order_by` order, by the database's collation (SQLite cannot order an
    aggregate: `_from_rows` orders its rows, by code point, as SQLite compares text)."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def __init__(self, value: Any, order_by: Any = None) -> None:
        super().__init__(value, Value(1) if order_by is None else order_by)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        value, _ = self.get_source_expressions()[:2]
        sql, params = compiler.compile(value)
        return f"{self.function}({sql})", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # JSONB, which Django reads as text and decodes as a JSONField, unlike JSON.
        value, order_by = self.get_source_expressions()[:2]
        sql, params = compiler.compile(value)
        order_sql, order_params = compiler.compile(order_by)
        return f"JSONB_AGG({sql} ORDER BY {order_sql})", (*params, *order_params)


def _json_list_of(rows: QuerySet[Any], value: Any, order_by: Any = None) -> Subquery:
    """A subquery: `value` of each of `rows` as one JSON array (NULL when there are none)."""
    grouped = rows.order_by().annotate(_whole=Value(1)).values("_whole")
    return Subquery(grouped.annotate(_list=_JSONList(value, order_by)).values("_list")[:1])


class _JSONRow(Func):
    """A JSON object of named values, as `JSONObject` makes, without its check that the
    database supports JSON (on SQLite a query of its own, once per connection)."""

    function = "JSON_OBJECT"
    output_field = JSONField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="JSONB_BUILD_OBJECT", **extra)


def _row_of(model: type[Model]) -> _JSONRow:
    """A JSON object of a row's columns, to rebuild the instance from (`_from_rows`)."""
    names = [f.attname for f in model._meta.concrete_fields]
    return _JSONRow(*(part for name in names for part in (Value(name), F(name))))


def _from_rows(model: type[M], rows: list[dict[str, Any]], *, order_by: str) -> list[M]:
    """Instances of `model` from `_row_of` objects, as the query would have read them, in
    `order_by` order: as ordered by PostgreSQL, else by code point (as SQLite compares)."""
    fields = model._meta.concrete_fields
    instances = [
        model.from_db(
            DEFAULT_DB_ALIAS,
            [f.attname for f in fields],
            [f.to_python(row[f.attname]) for f in fields],
        )
        for row in rows
    ]
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        return instances
    return sorted(instances, key=lambda i: getattr(i, order_by))


def _framework(
    response: PlaceResponse | None, catalogue: Sequence[GovernanceOption]
) -> OptionFramework | None:
    """The framework the place proposed against, or else the newest (read with the options
    when it has any, as every framework in use has)."""
    if response is not None:
        return response.round.framework
    newest = next(
        (o for o in catalogue if o.framework_id == o.newest_framework),  # type: ignore[attr-defined]
        None,
    )
    if newest is not None:
        return newest.framework
    return (
        OptionFramework.objects.filter(kind=FrameworkKind.ARRANGEMENTS)
        .order_by("-created_at", "-pk")
        .first()
    )


def _partners_and_parties(place: Place) -> tuple[list[Organisation], dict[int, list[Organisation]]]:
    """The place's partners, and the parties of each of its bodies, in one query: both are
    organisations, by name."""
    partners = Organisation.objects.filter(place_partnerships__place=place).annotate(
        party_of=Value(None, output_field=IntegerField())
    )
    parties = Organisation.objects.filter(joint_committees__place=place).annotate(
        party_of=F("joint_committees__pk")
    )
    found: list[Organisation] = []
    parties_of: dict[int, list[Organisation]] = {}
    # The parts of a union may not be ordered (on SQLite), so only the whole is.
    both = partners.order_by().union(parties.order_by(), all=True).order_by("name", "pk")
    for organisation in both:
        if organisation.party_of is None:
            found.append(organisation)
        else:
            parties_of.setdefault(organisation.party_of, []).append(organisation)
    return found, parties_of


def _lines_in_force(
    place: Place, today: date, bodies: dict[int, Committee]
) -> tuple[list[Delegation], list[Delegation]]:
    """In one query, the lines in force to the place's bodies, and the ICB's lines in force
    for the place (for the whole system or this place): one line may be both."""
    # The place's bodies are all read already: naming them lets the planner estimate well.
    to_bodies = Q(delegate_committee_id__in=list(bodies))
    icb_for_place = Q(
        scheme__organisation__system_id=place.system_id,
        scheme__organisation__legal_form=LegalForm.ICB,
    ) & (Q(place__isnull=True) | Q(place=place))
    in_force = Delegation.objects.filter(_in_force(today)).select_related(
        "scheme__organisation", "matter__parent__parent"
    )
    # A union, not one filter with OR: each part is planned on its own indexes.
    lines = list(
        in_force.filter(to_bodies)
        .order_by()
        .union(in_force.filter(icb_for_place).order_by())
        .order_by("pk")
    )
    return (
        [line for line in lines if line.delegate_committee_id in bodies],
        [
            line
            for line in lines
            if line.scheme.organisation.system_id == place.system_id
            and line.scheme.organisation.legal_form == LegalForm.ICB
            and line.place_id in (None, place.pk)
        ],
    )


@dataclass(frozen=True)
class Side:
    """One side of the comparison: an arrangement and, for each option, what makes it."""

    key: str
    rows: list[tuple[str, str]]  # (option, what makes it)


@dataclass(frozen=True)
class DesignReview:
    items: list[CheckItem]
    proposed: Side | None
    recorded: Side


def design_check(*, place: Place, on: date | None = None) -> list[CheckItem]:
    """The place's design checklist: failures, then warnings, then passes."""
    return design_review(place=place, on=on).items


def _side(design: Design, made_by: dict[int, list[str]], numbers: Iterable[int]) -> Side:
    rows = []
    for number in sorted(numbers):
        option = design.options.get(number)
        label = f"{number}. {option.short_name}" if option else str(number)
        rows.append((label, names(made_by.get(number, [])) or "Not recorded"))
    return Side(option_set_key(sorted(numbers)) if rows else "", rows)


def design_review(*, place: Place, on: date | None = None) -> DesignReview:
    """The checklist, with the proposal and the recorded arrangement side by side."""
    design = _load(place, on or timezone.localdate())
    arrangement = rules_arrangement.recorded_arrangement(design)
    proposal_items, proposed = rules_arrangement.proposal_allowed(design)
    items = [
        *rules_partnership.membership(design),
        *rules_partnership.public_health_seat(design),
        *rules_arrangement.recorded_allowed(design),
        *proposal_items,
        *rules_arrangement.proposal_matches(design, proposed),
        *rules_arrangement.director(design, proposed),
        *rules_arrangement.body_powers(design),
        *rules_arrangement.accountability(design),
        *rules_arrangement.joint_voting(design),
        *rules_bodies.independent_chair(design),
        *rules_bodies.committee_rules(design),
        *rules_bodies.delegation_routes(design),
        *rules_delivery.function_holders(design),
        *rules_delivery.contracting_form(design),
        *rules_footprint.populations(design),
        *rules_footprint.neighbourhood_leads(design),
    ]
    return DesignReview(
        items=sorted(items, key=lambda item: ORDER[item.status]),
        proposed=_side(design, {}, proposed) if proposed else None,
        recorded=_side(design, arrangement.made_by, arrangement.numbers),
    )


def summary_counts(items: Iterable[CheckItem]) -> dict[str, int]:
    counts = {PASS: 0, WARNING: 0, FAIL: 0}
    for item in items:
        counts[item.status] += 1
    return counts
