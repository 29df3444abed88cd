"""Read-side queries. Each returns a queryset (or plain data) with the joins its pages need,
so that a page's query count stays flat however many rows it shows."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import (
    AUDIENCE_ROLES,
    AuditEvent,
    Invitation,
    Membership,
    MembershipOffer,
    OfferStatus,
    Organisation,
    OrganisationAlias,
    Place,
    PlacePartner,
    Role,
    Sector,
    System,
    User,
    leads_now,
    normalise_name,
)


def system_roles_of(*, user: User) -> dict[str, list[System]]:
    """The systems whose console the person may open ("console": a current ICB governance
    admin) and whose released summaries they read ("advisory": an advisory or oversight
    member), each by name, in one query."""
    audience = set(AUDIENCE_ROLES.values())
    found: dict[str, dict[int, System]] = {"console": {}, "advisory": {}}
    for membership in (
        Membership.objects.current()
        .filter(user=user)
        .filter(Q(role=Role.ICB_ADMIN, place__isnull=True) | Q(role__in=audience))
        .select_related("system")
        .only("role", "system")
    ):
        kind = "console" if membership.role == Role.ICB_ADMIN else "advisory"
        found[kind][membership.system_id] = membership.system
    return {
        kind: sorted(systems.values(), key=lambda system: (system.name, system.pk))
        for kind, systems in found.items()
    }


def places_for_home(*, user: User) -> QuerySet[Place]:
    """The places a person belongs to (not every place an admin may see), each with its
    partners' names, its leads and how many people it has, for the home page."""
    member_of = (
        Membership.objects.current().filter(user=user, place__isnull=False).values("place_id")
    )
    return (
        Place.objects.filter(pk__in=member_of, is_active=True)
        .select_related("system")
        .annotate(
            people_count=Count(
                "memberships", filter=Q(memberships__ended_at__isnull=True), distinct=True
            )
        )
        .prefetch_related(
            Prefetch(
                "partners",
                queryset=PlacePartner.objects.select_related("organisation").only(
                    "place_id", "organisation__name"
                ),
            ),
            Prefetch(
                "memberships",
                queryset=Membership.objects.place_leads()
                .select_related("user")
                .only("place_id", "user__full_name"),
                to_attr="leads",
            ),
        )
        .order_by("system__name", "name")
    )


def place_partners_by_sector(*, place: Place) -> OrderedDict[str, list[Organisation]]:
    """The place's partner organisations grouped by sector, in the catalogue's sector order."""
    organisations = (
        Organisation.objects.filter(place_partnerships__place=place)
        .only("name", "sector", "legal_form")
        .prefetch_related(
            # A plain list per organisation: the page reads it twice for each partner, and a
            # prefetched manager builds a new queryset every time it is read.
            Prefetch(
                "aliases",
                queryset=OrganisationAlias.objects.only("organisation_id", "alias"),
                to_attr="alias_list",
            )
        )
        .order_by("name")
    )
    by_sector: OrderedDict[str, list[Organisation]] = OrderedDict()
    grouped: dict[str, list[Organisation]] = {}
    for organisation in organisations:
        grouped.setdefault(organisation.sector, []).append(organisation)
    for value, label in Sector.choices:
        if value in grouped:
            by_sector[label] = grouped[value]
    return by_sector


def place_people(*, place: Place, search: str = "") -> QuerySet[Membership]:
    people = (
        Membership.objects.current()
        .filter(place=place)
        .select_related("user", "organisation")
        .only("role", "user__full_name", "user__job_title", "user__email", "organisation__name")
        .order_by("role", "user__full_name", "pk")  # "place_lead" sorts before "place_member"
    )
    if search:
        people = people.filter(
            _search_filter(search, "user__full_name", "user__job_title", "organisation__name")
        )
    return people


def _search_filter(search: str, *fields: str) -> Q:
    query = Q()
    for word in search.split():
        word_query = Q()
        for field in fields:
            word_query |= Q(**{f"{field}__icontains": word})
        query &= word_query
    return query


def _count_of(queryset: QuerySet[Any], outer_field: str) -> Coalesce:
    """How many rows of `queryset` have `outer_field` equal to the outer row's pk, as a
    correlated subquery: unlike Count() over a join, it costs nothing when the outer query is
    only counted (the paginator's count drops it) and is worked out for the page's rows
    only."""
    counted = (
        queryset.filter(**{outer_field: OuterRef("pk")})
        .order_by()
        .values(outer_field)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def console_places(*, system: System, search: str = "") -> QuerySet[Place]:
    places = Place.objects.filter(system=system).annotate(
        partner_count=_count_of(PlacePartner.objects.all(), "place"),
        people_count=_count_of(Membership.objects.current(), "place"),
    )
    if search:
        places = places.filter(_search_filter(search, "name", "local_authority_footprint"))
    return places.order_by("name")


def console_organisations(
    *, system: System, search: str = "", sector: str = ""
) -> QuerySet[Organisation]:
    organisations = Organisation.objects.filter(system=system).prefetch_related(
        Prefetch("aliases", queryset=OrganisationAlias.objects.order_by("alias"))
    )
    if sector:
        organisations = organisations.filter(sector=sector)
    if search:
        key = normalise_name(search)
        organisations = organisations.filter(
            _search_filter(search, "name", "ods_code") | Q(aliases__normalised_alias__contains=key)
        ).distinct()
    return organisations.order_by("name")


class _AmongIdsOf(Func):
    """`field IN (ids)`, said on PostgreSQL as `field = ANY(ARRAY(ids))`. With `IN`, the
    planner hash-joins the system's memberships with the whole user table, reading every
    account in the country and matching a search against each (36 ms for a search at national
    scale); handed the ids as an array, it looks up only the system's people by primary key
    (5 ms)."""

    arg_joiner = " IN "
    template = "%(expressions)s"
    output_field = BooleanField()

    def __init__(self, field: str, ids: QuerySet[Any]) -> None:
        super().__init__(F(field), Subquery(ids))

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, arg_joiner=" = ANY(ARRAY", template="%(expressions)s)"
        )


def _people_of(memberships: QuerySet[Membership]) -> QuerySet[User]:
    """The people who hold (or held) `memberships`."""
    # Unordered: memberships sort by their person's name, which would join every person in.
    return User.objects.filter(_AmongIdsOf("pk", memberships.order_by().values("user_id")))


def console_people(*, system: System, search: str = "", role: str = "") -> QuerySet[User]:
    in_system = Membership.objects.current().filter(system=system)
    if role:
        in_system = in_system.filter(role=role)
    people = _console_people_rows(_people_of(in_system), system)
    if search:
        people = people.filter(_search_filter(search, "full_name", "email", "job_title"))
    return people.order_by("full_name", "email")


def account_shared_elsewhere(system: System) -> Exists:
    """Whether a person's account also belongs to a system other than `system` (they hold a
    current role there), asked of each person (`pk`). Only a superuser changes such an
    account (partners.services.people.account_change_refusal)."""
    return Exists(Membership.objects.current().filter(user=OuterRef("pk")).exclude(system=system))


def _console_people_rows(people: QuerySet[User], system: System) -> QuerySet[User]:
    """People as the console shows them: each with their current roles in the system
    (`system_memberships`), whether they use two-factor sign-in (`uses_two_factor`) and
    whether their account also belongs to another system (`shared_elsewhere`)."""
    return people.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.current()
            .filter(system=system)
            .select_related("place", "organisation")
            .order_by("place__name"),
            to_attr="system_memberships",
        )
    ).annotate(
        uses_two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        shared_elsewhere=account_shared_elsewhere(system),
    )


def console_offers_waiting(*, system: System) -> QuerySet[MembershipOffer]:
    """Roles the system has offered to people with an account who have not answered yet:
    shown by the address the system typed, nothing else of the person's."""
    return (
        MembershipOffer.objects.filter(system=system, status=OfferStatus.WAITING)
        .select_related("place")
        .only("email", "role", "place__name", "created_at", "system_id")
        .order_by("email", "pk")
    )


def offers_waiting_for(*, user: User) -> QuerySet[MembershipOffer]:
    """Roles in systems offered to the person, waiting for their answer (for their home
    page)."""
    return (
        MembershipOffer.objects.filter(user=user, status=OfferStatus.WAITING)
        .select_related("system", "place")
        .order_by("created_at", "pk")
    )


def offer_for(*, user: User, pk: int) -> MembershipOffer:
    """One role offered to the person (404 if it was offered to someone else)."""
    return get_object_or_404(
        MembershipOffer.objects.filter(user=user).select_related(
            "system", "place", "organisation", "invited_by"
        ),
        pk=pk,
    )


def current_place_leads(place_ids: Iterable[int]) -> dict[int, list[User]]:
    """The people who lead each place now (`Membership.objects.place_leads`), by place id,
    in one query."""
    leads: dict[int, list[User]] = {}
    memberships = (
        Membership.objects.place_leads()
        .filter(place_id__in=list(place_ids))
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    for membership in memberships:
        assert membership.place_id is not None
        leads.setdefault(membership.place_id, []).append(membership.user)
    return leads


def place_roles_and_leads(*, user: User, place: Place) -> tuple[set[str], list[User]]:
    """The person's own current roles in the place and who leads it now, in one query (the
    response pages need both on every request)."""
    memberships = list(
        Membership.objects.current()
        .filter(Q(user=user) | leads_now(), place=place)
        .annotate(leads_now=ExpressionWrapper(leads_now(), output_field=BooleanField()))
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    roles = {m.role for m in memberships if m.user_id == user.pk}
    return roles, [m.user for m in memberships if m.leads_now]  # type: ignore[attr-defined]


def is_place_lead(*, user: User | None, place: Place) -> bool:
    """Whether the person leads the place now."""
    if user is None or not user.pk:
        return False
    return Membership.objects.place_leads().filter(user=user, place=place).exists()


# Admin console ----------------------------------------------------------------------------


class _CountOf(Subquery):
    """How many rows `queryset` has, as a scalar subquery, so that several counts come back
    in one round trip."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


def console_dashboard_counts(*, system: System) -> dict[str, int]:
    """The headline numbers on the console dashboard: one query, whatever the size."""
    in_system = Membership.objects.current().filter(system=system)
    people = in_system.values("user_id")
    pending = (
        Invitation.objects.filter(
            user__in=people,
            user__is_active=True,
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by()
        .values("user_id")
        .distinct()
    )
    counted: dict[str, QuerySet[Any]] = {
        "places": Place.objects.filter(system=system, is_active=True).values("pk"),
        "organisations": Organisation.objects.filter(system=system, is_active=True).values("pk"),
        "people": _people_of(in_system).filter(is_active=True).values("pk"),
        "pending_invitations": pending,
    }
    # Named apart from the system's own relations ("places", "organisations").
    counts = {f"count_{name}": _CountOf(rows.order_by()) for name, rows in counted.items()}
    row = System.objects.filter(pk=system.pk).annotate(**counts).values_list(*counts).get()
    return dict(zip(counted, row, strict=True))


def console_recent_audit_events(*, system: System, limit: int = 10) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(system=system)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


# The records every system shares: the option frameworks and what they hold.
SHARED_CATALOGUE_MODELS = (
    "governance.OptionFramework",
    "governance.Principle",
    "governance.GovernanceOption",
    "governance.AllowedCombination",
    "governance.SuggestedRating",
    "governance.DeliveryModel",
)

AUDIT_AREAS: list[tuple[str, str]] = [
    ("place", "Places"),
    ("organisation", "Organisations"),
    ("membership", "Roles"),
    ("user", "People and invitations"),
    ("round", "Consultation rounds"),
    ("response", "Place responses"),
    ("summary", "Feedback summaries and downloads"),
    ("redaction", "Redaction review"),
    ("committee", "Committees"),
    ("tor", "Terms of reference"),
    ("scheme", "Schemes of delegation"),
    ("delegation", "Delegation lines"),
    ("admin", "Changes in the Django admin"),
]


def console_audit_events(
    *, system: System, search: str = "", area: str = ""
) -> QuerySet[AuditEvent]:
    """The system's audit trail, newest first: who did what and when, optionally one area
    (the first part of the action, e.g. "summary") and words of the summary or the person.
    Changes to the governance catalogue in the Django admin belong to no system, since every
    system shares the catalogue, and so appear in every system's trail."""
    shared_catalogue = Q(
        system__isnull=True,
        action__startswith="admin.",
        target_type__in=SHARED_CATALOGUE_MODELS,
    )
    events = AuditEvent.objects.filter(Q(system=system) | shared_catalogue).select_related("actor")
    if area:
        events = events.filter(action__startswith=f"{area}.")
    for word in search.split()[:5]:
        events = events.filter(
            Q(summary__icontains=word)
            | Q(actor__full_name__icontains=word)
            | Q(actor__email__icontains=word)
        )
    return events.order_by("-created_at", "-id")


def console_place(*, system: System, pk: int) -> Place:
    """One place of the system, annotated like a row of `console_places` (404 if not ours)."""
    return get_object_or_404(console_places(system=system), pk=pk)


def console_organisation(*, system: System, pk: int) -> Organisation:
    return get_object_or_404(console_organisations(system=system), pk=pk)


def console_place_partners(*, place: Place) -> QuerySet[PlacePartner]:
    return (
        PlacePartner.objects.filter(place=place)
        .select_related("organisation")
        .annotate(
            representative_count=Count(
                "organisation__representatives",
                filter=Q(
                    organisation__representatives__place=place,
                    organisation__representatives__ended_at__isnull=True,
                ),
                distinct=True,
            )
        )
        .order_by("organisation__name")
    )


def console_place_partner_candidates(*, place: Place) -> QuerySet[Organisation]:
    """Active organisations of the place's system that are not yet partners in it."""
    return (
        Organisation.objects.filter(system_id=place.system_id, is_active=True)
        .exclude(place_partnerships__place=place)
        .order_by("name")
    )


def console_person(*, system: System, pk: int) -> User:
    """A person who holds or held a role in the system, with their current roles there."""
    people = _people_of(Membership.objects.filter(system=system))
    return get_object_or_404(_console_people_rows(people, system), pk=pk)


def console_membership(*, system: System, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.filter(system=system).select_related("user", "place", "organisation"),
        pk=pk,
    )
