"""Per page and HTMX partial: SQL queries and server time over N requests through
django.test.Client, signed in as people who are not superusers."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from bench.common import EXPLORER_PARTIAL, HTMX, OWN_SYSTEMS, Options, log, refuse


@dataclass
class Subjects:
    member: Any  # User
    lead: Any  # User, a lead of the member's place
    place: Any  # Place
    place_people: int
    admin: Any  # User
    system: Any  # System
    system_people: int
    place_search: str
    organisation_search: str
    people_search: str
    round: Any  # ConsultationRound: the member's place's round
    admin_round: Any  # ConsultationRound: the admin's system's round
    admin_place: Any  # Place: the admin's system's place with most people
    rating_cell: tuple[int, int]  # option pk, principle pk: the framework's first cell
    question: int  # pk of the round's first question
    committee: int  # pk of the member's place's first active committee
    decision_query: str  # a question for the decision router: matter, value, organisations


def pick_subjects() -> Subjects:
    """A place member and a place lead of the place with most people; an ICB admin of the
    biggest system; the consultation round of each."""
    from django.db.models import Count, Q

    from governance.catalogue.models import GovernanceOption, Principle
    from governance.consultation.models import ConsultationRound
    from partners.models import Membership, Organisation, Place, Role, System, User

    current = Q(memberships__ended_at__isnull=True)
    places = Place.objects.filter(is_active=True).exclude(system__slug__in=OWN_SYSTEMS)
    place = (
        places.annotate(people=Count("memberships", filter=current))
        .order_by("-people", "pk")
        .first()
    )
    system = (
        System.objects.exclude(slug__in=OWN_SYSTEMS)
        .annotate(people=Count("memberships__user", filter=current, distinct=True))
        .order_by("-people", "pk")
        .first()
    )
    if place is None or system is None:
        refuse("the data set has no places or systems.")
    assert place is not None and system is not None

    def person(role: str, **where: Any) -> Any:
        return (
            User.objects.filter(
                is_active=True,
                is_superuser=False,
                memberships__role=role,
                memberships__ended_at__isnull=True,
                **{f"memberships__{name}": value for name, value in where.items()},
            )
            .order_by("pk")
            .first()
        )

    member = person(Role.PLACE_MEMBER, place=place)
    lead = person(Role.PLACE_LEAD, place=place)
    admin = person(Role.ICB_ADMIN, system=system)
    if member is None or lead is None or admin is None:
        refuse("no active, non-superuser place member, place lead or ICB admin to sign in as.")

    def round_of(a_place: Any) -> Any:
        found = (
            ConsultationRound.objects.filter(system_id=a_place.system_id, invited_places=a_place)
            .order_by("-opens_at", "-pk")
            .first()
        )
        if found is None:
            refuse(
                f"{a_place.name} has no consultation round: the data set predates the rounds "
                "generate_national now makes. Drop and recreate the database, migrate, and "
                "run the benchmark again."
            )
        return found

    admin_place = (
        places.filter(system=system)
        .annotate(people=Count("memberships", filter=current))
        .order_by("-people", "pk")
        .first()
    )
    assert admin_place is not None
    consultation = round_of(place)
    option = GovernanceOption.objects.filter(framework_id=consultation.framework_id).first()
    principle = Principle.objects.filter(framework_id=consultation.framework_id).first()
    question = consultation.questions.order_by("order").first()
    if option is None or principle is None or question is None:
        refuse(f"the round {consultation.title!r} has no options, principles or questions.")
    assert option is not None and principle is not None and question is not None
    # Searches an admin would type: the start of a place name, a common word in organisation
    # names, a surname.
    first_place = Place.objects.filter(system=system).order_by("name").first()
    place_search = first_place.name[:4] if first_place else "a"
    organisation_search = (
        "medical"
        if Organisation.objects.filter(system=system, name__icontains="medical").exists()
        else "nhs"
    )
    someone = (
        Membership.objects.current()
        .filter(system=system)
        .select_related("user")
        .order_by("pk")[10:11]
        .first()
    )
    people_search = someone.user.full_name.split()[-1] if someone else "a"
    return Subjects(
        committee=first_committee(place),
        decision_query=decision_query(place),
        member=member,
        lead=lead,
        place=place,
        place_people=place.people,
        admin=admin,
        system=system,
        system_people=system.people,
        place_search=place_search,
        organisation_search=organisation_search,
        people_search=people_search,
        round=consultation,
        admin_round=round_of(admin_place),
        admin_place=admin_place,
        rating_cell=(option.pk, principle.pk),
        question=question.pk,
    )


def first_committee(place: Any) -> int:
    from governance.structures.models import Committee

    committee = Committee.objects.filter(place=place, is_active=True).order_by("pk").first()
    if committee is None:
        refuse(f"{place.name} has no committee.")
    assert committee is not None
    return int(committee.pk)


def decision_query(place: Any) -> str:
    """ "Who may take this decision?" as the member would ask it: the first matter of the
    system's tree with a delegation line, for £100,000, among every organisation in force."""
    from urllib.parse import urlencode

    from delegations.models import Delegation
    from delegations.selectors import organisations_in_force

    line = (
        Delegation.objects.filter(scheme__organisation__system_id=place.system_id)
        .order_by("pk")
        .first()
    )
    if line is None:
        refuse(f"{place.system.name} has no delegation lines.")
    assert line is not None
    organisations = [o.pk for o in organisations_in_force(place=place)]
    return urlencode(
        {"matter": line.matter_id, "value": "100000", "organisations": organisations},
        doseq=True,
    )


# Per-page measurements ---------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    who: str  # "member", "lead" or "admin"
    htmx: bool = False
    full_list: bool = False  # a console list showing a whole page of rows (PAGE_SIZE)


def pages(s: Subjects) -> list[Page]:
    from core.pagination import PAGE_SIZE
    from partners.models import Organisation, Place

    slug = s.system.slug
    console = f"/console/{slug}"
    lists = {
        "places": (
            f"{console}/places/",
            f"q={s.place_search}",
            Place.objects.filter(system=s.system).count(),
        ),
        "organisations": (
            f"{console}/organisations/",
            f"q={s.organisation_search}",
            Organisation.objects.filter(system=s.system).count(),
        ),
        "people": (f"{console}/people/", f"q={s.people_search}", s.system_people),
    }
    result = [
        Page("minimal view (baseline)", "/bench/minimal/", "member"),
        # The floor of every full page: the site's layout around static text, signed in (the
        # session, the person, the navigation; for an admin also the second factor).
        Page("bare page (accessibility statement)", "/accessibility/", "member"),
        Page("bare page (accessibility statement, ICB admin)", "/accessibility/", "admin"),
        Page("home", "/", "member"),
        Page("place page", f"/places/{s.place.pk}/", "member"),
        Page("console dashboard", f"{console}/", "admin"),
        Page(
            "place page people search (HTMX partial)", f"/places/{s.place.pk}/?q=a", "member", True
        ),
        Page("governance options", "/options/", "member"),
        Page("suggested ratings", "/options/ratings/", "member"),
        Page("combination explorer", "/options/explorer/?options=1&options=4", "member"),
        Page("combination explorer (HTMX partial)", EXPLORER_PARTIAL, "member", True),
    ]
    for htmx in (False, True):
        suffix = " (HTMX partial)" if htmx else ""
        for name, (url, search, rows) in lists.items():
            full = rows >= PAGE_SIZE
            result.append(Page(f"console {name}{suffix}", url, "admin", htmx, full))
            result.append(Page(f"console {name} search{suffix}", f"{url}?{search}", "admin", htmx))
            if rows > PAGE_SIZE:
                result.append(
                    Page(
                        f"console {name} page 2{suffix}",
                        f"{url}?page=2",
                        "admin",
                        htmx,
                        rows >= 2 * PAGE_SIZE,
                    )
                )
    return result + round_pages(s)


def proposal_url(s: Subjects) -> str:
    """The member's place's response to its round: the proposal page."""
    return f"/places/{s.place.pk}/rounds/{s.round.pk}/"


def round_pages(s: Subjects) -> list[Page]:
    """The consultation round's pages: the place's response (proposal, ratings and answers on
    one page) as its member, its lead and an ICB admin, its history, and the partials it
    fetches; the console's rounds list, the round's progress board and settings; the
    feedback summary panel; the released summaries list."""
    response = proposal_url(s)
    option, principle = s.rating_cell
    console = f"/console/{s.system.slug}"
    admin_round = f"{console}/rounds/{s.admin_round.pk}"
    return [
        Page("proposal page", response, "member"),
        Page("proposal page (place lead)", response, "lead"),
        Page(
            "proposal page (ICB admin reading)",
            f"/places/{s.admin_place.pk}/rounds/{s.admin_round.pk}/",
            "admin",
        ),
        Page("response history", f"{response}history/", "member"),
        Page("response task list section: proposal", f"{response}your-proposal/", "member"),
        Page(
            "response task list section: ratings of one option",
            f"{response}ratings/{option}/",
            "member",
        ),
        Page("response task list section: questions", f"{response}questions/", "member"),
        Page("response check your answers", f"{response}check/", "lead"),
        Page("response completeness (HTMX partial)", f"{response}completeness/", "member", True),
        Page("response proposal (HTMX partial)", f"{response}proposal/", "member", True),
        Page(
            "response rating cell (HTMX partial)",
            f"{response}ratings/{option}/{principle}/",
            "member",
            True,
        ),
        Page("response answer (HTMX partial)", f"{response}answers/{s.question}/", "member", True),
        Page("console rounds", f"{console}/rounds/", "admin"),
        Page("console rounds (HTMX partial)", f"{console}/rounds/", "admin", True),
        Page("round progress board", f"{admin_round}/", "admin"),
        Page("round progress board (HTMX partial)", f"{admin_round}/progress/", "admin", True),
        Page("round settings", f"{admin_round}/edit/", "admin"),
        Page("round more time (HTMX partial)", f"{admin_round}/extend/", "admin", True),
        Page("round close confirmation", f"{admin_round}/close/", "admin"),
        Page("feedback summary", f"{admin_round}/summary/", "admin"),
        Page("feedback summary panel (HTMX partial)", f"{admin_round}/summary/", "admin", True),
        Page("released summaries", f"/feedback/{s.system.slug}/", "admin"),
        *place_design_pages(s),
    ]


def place_design_pages(s: Subjects) -> list[Page]:
    """The member's place's governance: its committees, a committee and its terms of
    reference, the schemes of delegation, the design check, the decision router (empty and
    answering), the governance map, how the place delivers care (with two of its edit pages),
    its neighbourhoods, and the 2025 framework's archetypes."""
    place = f"/places/{s.place.pk}"
    committee = f"{place}/committees/{s.committee}"
    return [
        Page("committees", f"{place}/committees/", "member"),
        Page("committee page", f"{committee}/", "member"),
        Page("schemes of delegation", f"{place}/delegations/", "member"),
        Page("design check", f"{place}/design/check/", "member"),
        Page("decision router", f"{place}/design/decide/", "member"),
        Page("decision router answer", f"{place}/design/decide/?{s.decision_query}", "member"),
        Page("governance map", f"{place}/map/", "member"),
        Page("how the place delivers care", f"{place}/delivery/", "member"),
        Page("who holds a function", f"{place}/delivery/functions/integrator/", "lead"),
        Page("contracting form", f"{place}/delivery/contracting-form/", "lead"),
        Page("neighbourhoods", f"{place}/neighbourhoods/", "member"),
        Page("delivery archetypes", "/options/?framework=operating-model-2025", "member"),
    ]


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    index = max(0, math.ceil(fraction * len(sorted_values)) - 1)
    return sorted_values[index]


def sign_in(client: Any, user: Any) -> None:
    """`force_login` stands for a whole sign-in. Where two-factor sign-in is required (ICB
    admins), the session is also made to have passed it with a confirmed authenticator app of
    the person's (one is added for them if they have none), as after typing its code, so the
    admin's pages are measured as an admin really sees them, not as a redirect."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from partners.two_factor import REQUIRED_SESSION_KEY

    client.force_login(user)
    session = client.session
    if not session.get(REQUIRED_SESSION_KEY):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(
        user=user, name="Authenticator app (benchmark)", confirmed=True
    )
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


# How deep the Python stack already is when a request starts changes its time by up to a
# quarter, with no change in the work done: measured on Python 3.11, the same console list took
# 38 ms from one depth and 31 ms from six frames deeper, and the previous release's lists slowed
# as much at other depths; the pattern repeats every hundred-odd frames. So each page's requests
# start from depths spread over two such periods, and its p50 and p95 are the page's rather
# than one depth's.
STACK_DEPTHS = range(0, 320, 10)


def at_stack_depth(depth: int, call: Callable[[], float]) -> float:
    """`call()`, made `depth` Python frames below this one."""
    return at_stack_depth(depth - 1, call) if depth else call()


def timed_get(client: Any, url: str, headers: dict[str, str]) -> float:
    """Milliseconds to get `url`."""
    started = time.perf_counter()
    client.get(url, headers=headers)
    return (time.perf_counter() - started) * 1000


def measure_pages(subjects: Subjects, options: Options) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {"member": Client(), "lead": Client(), "admin": Client()}
    sign_in(clients["member"], subjects.member)
    sign_in(clients["lead"], subjects.lead)
    sign_in(clients["admin"], subjects.admin)
    results = []
    for page in pages(subjects):
        if options.page_filter and not any(part in page.name for part in options.page_filter):
            continue
        client = clients[page.who]
        headers = HTMX if page.htmx else {}
        for _ in range(2):  # warm caches: templates, content types, connections
            client.get(page.url, headers=headers)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.url, headers=headers)
        # Read now: the next request's request_started signal empties the query log.
        queries = len(captured.captured_queries)
        body = response.content
        if response.status_code != 200:
            refuse(f"{page.name} ({page.url}) answered {response.status_code}, not 200.")
        if page.htmx == (b"<html" in body):
            refuse(f"{page.name} ({page.url}): expected {'a partial' if page.htmx else 'a page'}.")
        times: list[float] = []
        deadline = time.perf_counter() + options.page_budget_s
        for n in range(options.requests):
            depth = STACK_DEPTHS[n % len(STACK_DEPTHS)]
            times.append(at_stack_depth(depth, partial(timed_get, client, page.url, headers)))
            if time.perf_counter() > deadline and len(times) >= 3:
                break
        times.sort()
        result = {
            "page": page.name,
            "url": page.url,
            "signed_in_as": page.who,
            "htmx": page.htmx,
            "full_list": page.full_list,
            "queries": queries,
            "requests": len(times),
            "p50_ms": round(percentile(times, 0.50), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "bytes": len(body),
        }
        log(
            f"  {page.name:<44} {result['queries']:>3} queries  "
            f"p50 {result['p50_ms']:>7.1f} ms  p95 {result['p95_ms']:>7.1f} ms  "
            f"{len(body) / 1000:>6.1f} kB"
        )
        results.append(result)
    return results
