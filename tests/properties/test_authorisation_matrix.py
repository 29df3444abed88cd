"""Every URL the product serves × every kind of person × GET, POST and HTMX requests.

The resolver is walked, so a new URL without an entry in MATRIX fails this file: decide who
may reach it before it ships."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from partners import services
from partners.models import Membership, Role, Sector
from tests.conftest import World
from tests.factories import make_member, make_round

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
ROLES = [
    ANONYMOUS,
    "member_a",
    "member_b",
    "lead_a",
    "icb_admin",
    "other_icb_admin",
    "advisory",
    "oversight",
    # People of the other system, who must find nothing of system one.
    "other_member",
    "other_advisory",
]
EVERYONE_SIGNED_IN = frozenset(ROLES) - {ANONYMOUS}
ICB_ADMINS = frozenset({"icb_admin"})


@dataclass
class Targets:
    """Records of system one that URL arguments point at."""

    world: World
    organisation: Any = None
    alias: Any = None
    partner: Any = None
    membership: Any = None
    round: Any = None
    summary: Any = None  # the round's feedback summary, compiled and released
    decision: Any = None  # a review choice of the round's summary
    # People of the other system, by role name (the world holds its admin).
    others: dict[str, Any] = field(default_factory=dict)

    def person(self, role: str) -> Any:
        return self.others.get(role) or getattr(self.world, role)


@dataclass(frozen=True)
class Entry:
    kwargs: Callable[[Targets], dict[str, Any]] = lambda t: {}
    allowed: frozenset[str] = field(default_factory=frozenset)
    public: bool = False  # reachable without signing in
    # Who of `allowed` may also POST (None: all of them). The others may read but a POST
    # from them is refused (403, or 404/405).
    post_allowed: frozenset[str] | None = None


def system_kwargs(t: Targets) -> dict[str, Any]:
    return {"system_slug": t.world.system.slug}


def console(extra: Callable[[Targets], dict[str, Any]] | None = None) -> Entry:
    def kwargs(t: Targets) -> dict[str, Any]:
        return {**system_kwargs(t), **(extra(t) if extra else {})}

    return Entry(kwargs=kwargs, allowed=ICB_ADMINS)


place_pk = lambda t: {"pk": t.world.place_a.pk}  # noqa: E731
organisation_pk = lambda t: {"pk": t.organisation.pk}  # noqa: E731
person_pk = lambda t: {"pk": t.world.member_a.pk}  # noqa: E731
membership_pk = lambda t: {"pk": t.membership.pk}  # noqa: E731

PLACE_A_READERS = frozenset({"member_a", "lead_a"}) | ICB_ADMINS
PLACE_A_EDITORS = frozenset({"member_a", "lead_a"})


def proposal(extra: Callable[[Targets], dict[str, Any]] | None = None, **entry: Any) -> Entry:
    """A URL of place A's response to the round: its members edit, the ICB admin reads."""

    def kwargs(t: Targets) -> dict[str, Any]:
        base = {"place_pk": t.world.place_a.pk, "round_pk": t.round.pk}
        return {**base, **(extra(t) if extra else {})}

    entry.setdefault("allowed", PLACE_A_READERS)
    entry.setdefault("post_allowed", PLACE_A_EDITORS)
    return Entry(kwargs=kwargs, **entry)


summary_round = lambda t: {"round_pk": t.round.pk}  # noqa: E731
# The round's high-level summary goes to the advisory and oversight groups, its detailed
# review to the advisory group only (the defaults); the ICB admins read both.
SUMMARY_READERS = frozenset({"advisory", "oversight"}) | ICB_ADMINS
DETAILED_READERS = frozenset({"advisory"}) | ICB_ADMINS


def summary_reader(
    extra: Callable[[Targets], dict[str, Any]] | None = None,
    allowed: frozenset[str] = SUMMARY_READERS,
) -> Entry:
    """A page of released feedback summaries: read-only, for the summary's audiences and the
    ICB admins of the system."""

    def kwargs(t: Targets) -> dict[str, Any]:
        return {**system_kwargs(t), **(extra(t) if extra else {})}

    return Entry(kwargs=kwargs, allowed=allowed, post_allowed=frozenset())


def released_summary(round: Any) -> tuple[Any, Any]:
    """The round's feedback summary, compiled (from no responses) and released, with a file
    of each format; and one review choice."""
    from django.utils import timezone

    from governance.consultation import feedback_content
    from governance.consultation.models import (
        ExportFormat,
        FeedbackSummary,
        JobState,
        RedactionDecision,
        RedactionKind,
        SummaryExport,
        SummaryPart,
    )

    decision = RedactionDecision.objects.create(
        round=round, kind=RedactionKind.KEEP, phrase="Ashford"
    )
    content, counts, fingerprint, responses = feedback_content.build_content(round=round)
    summary = FeedbackSummary.objects.create(
        round=round,
        generation=1,
        compiled_generation=1,
        state=JobState.COMPLETE,
        content=content,
        redaction_counts=counts,
        redaction_fingerprint=fingerprint,
        response_count=responses,
        compiled_at=timezone.now(),
        high_level_released_at=timezone.now(),
        detailed_released_at=timezone.now(),
    )
    for part in SummaryPart.values:
        for fmt in ExportFormat.values:
            SummaryExport.objects.create(
                summary=summary,
                part=part,
                format=fmt,
                generation=1,
                filename=f"{part}.{fmt}",
                content_type="application/octet-stream",
                data=b"file",
                size=4,
            )
    return summary, decision


COMMITTEE_EDITORS = frozenset({"lead_a"}) | ICB_ADMINS


def committee_records(t: Targets) -> Any:
    """Place A's board, with one seat and a draft of its terms of reference, made on first use."""
    found = t.__dict__.get("committee_records")
    if found is None:
        from governance.structures.models import TorStatus
        from tests.factories import (
            CommitteeFactory,
            CommitteeMemberFactory,
            TermsOfReferenceFactory,
        )

        committee = CommitteeFactory(place=t.world.place_a, name="Ashford Partnership Board")
        member = CommitteeMemberFactory(committee=committee, organisation=t.organisation)
        tor = TermsOfReferenceFactory(committee=committee, number=1, status=TorStatus.DRAFT)
        found = t.__dict__["committee_records"] = (committee, member, tor)
    return found


def committees(extra: Callable[[Targets], dict[str, Any]] | None = None, **entry: Any) -> Entry:
    """A URL of place A's committees: its readers read, its leads and the ICB admins change."""

    def kwargs(t: Targets) -> dict[str, Any]:
        return {"place_pk": t.world.place_a.pk, **(extra(t) if extra else {})}

    entry.setdefault("allowed", PLACE_A_READERS)
    entry.setdefault("post_allowed", COMMITTEE_EDITORS)
    return Entry(kwargs=kwargs, **entry)


committee_pk = lambda t: {"pk": committee_records(t)[0].pk}  # noqa: E731
seat_pk = lambda t: {"pk": committee_records(t)[0].pk, "member_pk": committee_records(t)[1].pk}  # noqa: E731
tor_number = lambda t: {"pk": committee_records(t)[0].pk, "number": committee_records(t)[2].number}  # noqa: E731


def delegation_records(t: Targets) -> Any:
    """A draft scheme of delegation of the organisation (a partner of place A) with one line,
    a matter tree and a delegate role, made on first use."""
    found = t.__dict__.get("delegation_records")
    if found is None:
        from delegations.matters import matter_tree_ensure
        from delegations.models import MatterCategory, SchemeStatus
        from tests.factories import (
            CommitteeFactory,
            DelegateRoleFactory,
            DelegationFactory,
            SchemeFactory,
        )

        matter_tree_ensure(system=t.world.system)
        matter = MatterCategory.objects.get(system=t.world.system, code="contract-award")
        scheme = SchemeFactory(organisation=t.organisation, status=SchemeStatus.DRAFT, number=1)
        line = DelegationFactory(
            scheme=scheme,
            matter=matter,
            delegate_committee=CommitteeFactory(place=t.world.place_a, name="Ashford Board"),
        )
        role = DelegateRoleFactory(organisation=t.organisation, title="Director of Place")
        found = t.__dict__["delegation_records"] = (scheme, line, matter, role)
    return found


scheme_pk = lambda t: {"pk": delegation_records(t)[0].pk}  # noqa: E731
line_pk = lambda t: {"pk": delegation_records(t)[1].pk}  # noqa: E731
matter_pk = lambda t: {"pk": delegation_records(t)[2].pk}  # noqa: E731
role_pk = lambda t: {"pk": delegation_records(t)[3].pk}  # noqa: E731


def neighbourhood_pk(t: Targets) -> dict[str, Any]:
    """Place A's neighbourhood, made on first use."""
    found = t.__dict__.get("neighbourhood")
    if found is None:
        from tests.factories import NeighbourhoodFactory

        found = t.__dict__["neighbourhood"] = NeighbourhoodFactory(
            place=t.world.place_a, name="Ashford North"
        )
    return {"pk": found.pk}


MATRIX: dict[str, Entry] = {
    "home": Entry(allowed=EVERYONE_SIGNED_IN),
    "place_detail": Entry(
        kwargs=lambda t: {"place_pk": t.world.place_a.pk},
        allowed=PLACE_A_READERS,
    ),
    "accessibility": Entry(public=True),
    "invitation_accept": Entry(kwargs=lambda t: {"token": "made-up"}, public=True),
    # A role another system offers someone with an account: only they see and answer it.
    "membership_offer": Entry(
        kwargs=lambda t: {
            "pk": (
                t.world.member_a.membership_offers.first()
                or services.person_invite(
                    actor=None,
                    system=t.world.other_system,
                    email=t.world.member_a.email,
                    full_name="",
                    role="advisory_member",
                )
            ).pk
        },
        allowed=frozenset({"member_a"}),
    ),
    "login": Entry(public=True),
    "logout": Entry(public=True),
    "password_change": Entry(allowed=EVERYONE_SIGNED_IN),
    "password_change_done": Entry(allowed=EVERYONE_SIGNED_IN),
    "password_reset": Entry(public=True),
    "password_reset_done": Entry(public=True),
    "password_reset_confirm": Entry(
        kwargs=lambda t: {"uidb64": "MQ", "token": "set-password"}, public=True
    ),
    "password_reset_complete": Entry(public=True),
    # Two-factor sign-in: each person reaches only their own.
    "two_factor_verify": Entry(allowed=EVERYONE_SIGNED_IN),
    "two_factor_setup": Entry(allowed=EVERYONE_SIGNED_IN),
    "two_factor_backup_codes": Entry(allowed=EVERYONE_SIGNED_IN),
    "account_security": Entry(allowed=EVERYONE_SIGNED_IN),
    "two_factor_backup_codes_new": Entry(allowed=EVERYONE_SIGNED_IN),
    "two_factor_turn_off": Entry(allowed=EVERYONE_SIGNED_IN),
    # The governance catalogue is public guidance for anyone signed in.
    "governance:options": Entry(allowed=EVERYONE_SIGNED_IN),
    "governance:option_detail": Entry(kwargs=lambda t: {"number": 1}, allowed=EVERYONE_SIGNED_IN),
    "governance:ratings": Entry(allowed=EVERYONE_SIGNED_IN),
    "governance:explorer": Entry(allowed=EVERYONE_SIGNED_IN),
    "governance:delivery_models": Entry(allowed=EVERYONE_SIGNED_IN),
    # The console's front door: each ICB admin is sent on to their own system's console.
    "console:landing": Entry(allowed=ICB_ADMINS | {"other_icb_admin"}, post_allowed=frozenset()),
    "console:dashboard": console(),
    "console:audit": console(),
    "console:system_edit": console(),
    "console:places": console(),
    "console:place_add": console(),
    "console:place": console(place_pk),
    "console:place_row": console(place_pk),
    "console:place_edit": console(place_pk),
    "console:place_active": console(place_pk),
    "console:place_partner_add": console(place_pk),
    "console:place_partner_remove": console(
        lambda t: {"pk": t.world.place_a.pk, "partner_pk": t.partner.pk}
    ),
    "console:organisations": console(),
    "console:organisation_add": console(),
    "console:organisation_row": console(organisation_pk),
    "console:organisation_edit": console(organisation_pk),
    "console:organisation_active": console(organisation_pk),
    "console:organisation_delete": console(organisation_pk),
    "console:organisation_alias_add": console(organisation_pk),
    "console:organisation_alias_remove": console(
        lambda t: {"pk": t.organisation.pk, "alias_pk": t.alias.pk}
    ),
    "console:people": console(),
    "console:person_invite": console(),
    "console:person_row": console(person_pk),
    "console:person_membership_add": console(person_pk),
    "console:person_resend_invitation": console(person_pk),
    "console:person_deactivate": console(person_pk),
    "console:person_two_factor_reset": console(person_pk),
    "console:membership": console(membership_pk),
    "console:membership_edit": console(membership_pk),
    "console:membership_end": console(membership_pk),
    # Consultation rounds: the ICB admins of the system only
    "console:rounds": console(),
    "console:round_add": console(),
    "console:round": console(lambda t: {"pk": t.round.pk}),
    "console:round_progress": console(lambda t: {"pk": t.round.pk}),
    "console:round_edit": console(lambda t: {"pk": t.round.pk}),
    "console:round_extend": console(lambda t: {"pk": t.round.pk}),
    "console:round_close": console(lambda t: {"pk": t.round.pk}),
    # Feedback summaries: compiled, reviewed, approved and released in the console by the ICB
    # admins of the system; each released part read by its audiences and the ICB admins.
    "console:summary": console(summary_round),
    "console:summary_progress": console(summary_round),
    "console:summary_compile": console(summary_round),
    "console:summary_approve": console(summary_round),
    "console:summary_release": console(lambda t: {"round_pk": t.round.pk, "part": "detailed"}),
    "console:summary_withdraw": console(lambda t: {"round_pk": t.round.pk, "part": "detailed"}),
    "console:summary_review": console(summary_round),
    "console:redaction_add": console(summary_round),
    "console:redaction_keep": console(summary_round),
    "console:redaction_remove": console(lambda t: {"round_pk": t.round.pk, "pk": t.decision.pk}),
    "console:summary_download": console(
        lambda t: {"round_pk": t.round.pk, "part": "detailed", "fmt": "pdf"}
    ),
    "feedback:summaries": summary_reader(),
    "feedback:summary": summary_reader(summary_round),
    # The detailed review's files: the oversight group, not its audience, does not find them.
    "feedback:download": summary_reader(
        lambda t: {"round_pk": t.round.pk, "part": "detailed", "fmt": "pdf"},
        allowed=DETAILED_READERS,
    ),
    "proposal:response": proposal(),
    "proposal:section_proposal": proposal(),
    "proposal:section_ratings": proposal(
        lambda t: {"option_pk": t.round.framework.options.first().pk}
    ),
    "proposal:section_questions": proposal(),
    "proposal:check": proposal(),
    "proposal:proposal": proposal(),
    "proposal:answer": proposal(lambda t: {"question_pk": t.round.questions.first().pk}),
    "proposal:rating": proposal(
        lambda t: {
            "option_pk": t.round.framework.options.first().pk,
            "principle_pk": t.round.framework.principles.first().pk,
        }
    ),
    "proposal:rating_in_context": proposal(
        lambda t: {
            "option_pk": t.round.framework.options.get(number=1).pk,
            "principle_pk": t.round.framework.principles.first().pk,
            "option_set": "1+4",
        }
    ),
    "proposal:completeness": proposal(),
    "proposal:submit": proposal(allowed=frozenset({"lead_a"})),
    "proposal:withdraw": proposal(allowed=frozenset({"lead_a"})),
    "proposal:history": proposal(),
    # A place's committees and terms of reference: place readers read; place leads and the
    # ICB admins of the system change them.
    "committees:list": committees(),
    "committees:add": committees(),
    "committees:committee": committees(committee_pk),
    "committees:edit": committees(committee_pk),
    "committees:deactivate": committees(committee_pk),
    "committees:member_add": committees(committee_pk),
    "committees:member_edit": committees(seat_pk),
    "committees:member_remove": committees(seat_pk),
    "committees:tor_new": committees(committee_pk),
    "committees:tor_diff": committees(committee_pk),
    "committees:tor": committees(tor_number),
    "committees:tor_edit": committees(tor_number),
    "committees:tor_submit": committees(tor_number),
    "committees:tor_approve": committees(tor_number),
    "committees:tor_return": committees(tor_number),
    "committees:tor_download": committees(lambda t: {**tor_number(t), "fmt": "docx"}),
    # How a place delivers care: place readers read the overview; its leads and the ICB admins
    # of the system change it, one page at a time.
    "delivery:overview": Entry(
        kwargs=lambda t: {"place_pk": t.world.place_a.pk},
        allowed=PLACE_A_READERS,
        post_allowed=frozenset(),
    ),
    "delivery:archetype": committees(),
    "delivery:partners": committees(),
    "delivery:holder": committees(lambda t: {"function": "integrator"}),
    "delivery:holder_remove": committees(lambda t: {"function": "integrator"}),
    "delivery:contracting_form": committees(),
    "delivery:terms": committees(),
    # A place's neighbourhoods: place readers read; place leads and the ICB admins of the
    # system change them.
    "neighbourhoods:list": committees(post_allowed=frozenset()),
    "neighbourhoods:add": committees(),
    "neighbourhoods:edit": committees(neighbourhood_pk),
    "neighbourhoods:deactivate": committees(neighbourhood_pk),
    # A place's governance map: read-only, for the place's readers.
    "map:place_map": Entry(
        kwargs=lambda t: {"place_pk": t.world.place_a.pk},
        allowed=PLACE_A_READERS,
        post_allowed=frozenset(),
    ),
    # Schemes of delegation: changed in the console by the ICB admins of the system; read by
    # the readers of a place whose partners they concern.
    "console:schemes": console(),
    "console:scheme_add": console(),
    "console:scheme": console(scheme_pk),
    "console:scheme_edit": console(scheme_pk),
    "console:scheme_in_force": console(scheme_pk),
    "console:scheme_download": console(scheme_pk),
    "console:scheme_upload": console(scheme_pk),
    "console:line_add": console(scheme_pk),
    "console:line_edit": console(line_pk),
    "console:line_remove": console(line_pk),
    "console:scheme_template": console(),
    "console:matters": console(),
    "console:matter_add": console(),
    "console:matter_edit": console(matter_pk),
    "console:matter_remove": console(matter_pk),
    "console:delegate_roles": console(),
    "console:delegate_role_add": console(),
    "console:delegate_role_edit": console(role_pk),
    "delegations_place:delegations": Entry(
        kwargs=lambda t: {"place_pk": t.world.place_a.pk},
        allowed=PLACE_A_READERS,
        post_allowed=frozenset(),
    ),
    # A place's design check and decision router: read-only, for the place's readers.
    "design:check": Entry(
        kwargs=lambda t: {"place_pk": t.world.place_a.pk},
        allowed=PLACE_A_READERS,
        post_allowed=frozenset(),
    ),
    "design:decide": Entry(
        kwargs=lambda t: {"place_pk": t.world.place_a.pk},
        allowed=PLACE_A_READERS,
        post_allowed=frozenset(),
    ),
}


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> list[str]:
    """Every named URL pattern, walking included resolvers; the Django admin is covered by
    its own tests below."""
    names = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            child_namespace = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names.extend(url_names(pattern, child_namespace))
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(f"{namespace}{pattern.name}")
    return names


def test_every_url_has_an_entry_in_the_matrix():
    missing = sorted(set(url_names()) - set(MATRIX))
    assert not missing, f"Add these URLs to the authorisation matrix: {missing}"
    stale = sorted(set(MATRIX) - set(url_names()))
    assert not stale, f"These matrix entries name URLs that no longer exist: {stale}"


@pytest.fixture
def targets(world: World) -> Targets:
    organisation = services.organisation_create(
        actor=None,
        system=world.system,
        name="Ashford Community Trust",
        sector=Sector.COMMUNITY_TRUST,
        legal_form="nhs_trust",
        aliases=["ACT"],
    )
    found = Targets(
        world=world,
        organisation=organisation,
        alias=organisation.aliases.get(),
        partner=services.place_partner_add(
            actor=None, place=world.place_a, organisation=organisation
        ),
        membership=Membership.objects.current().get(user=world.member_a, place=world.place_a),
        round=make_round(system=world.system),
    )
    found.summary, found.decision = released_summary(found.round)
    far_place = services.place_create(actor=None, system=world.other_system, name="Farther Vale")
    found.others = {
        "other_member": make_member(place=far_place, role=Role.PLACE_LEAD),
        "other_advisory": make_member(system=world.other_system, role=Role.ADVISORY_MEMBER),
    }
    return found


def request_as(client, targets: Targets, role: str, method: str, url: str, htmx: bool):
    if role != ANONYMOUS:
        client.force_login(targets.person(role))
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return getattr(client, method)(url, **headers)


REQUESTS = [("get", False), ("get", True), ("post", False), ("post", True)]


def check_role(client, targets: Targets, name: str, role: str) -> None:
    """Every kind of request to one URL as one kind of person, and what each must get."""
    entry = MATRIX[name]
    url = reverse(name, kwargs=entry.kwargs(targets))
    consumed = False  # an allowed POST may delete the record the next request points at
    client.logout()
    for method, htmx in REQUESTS:
        response = request_as(client, targets, role, method, url, htmx)
        status = response.status_code
        said = f"{'htmx ' if htmx else ''}{method} {url} as {role}: {status}"
        if entry.public:
            assert status < 500, said
        elif role == ANONYMOUS:
            assert status == 302 and response["Location"].startswith(reverse("login")), said
        elif (
            method == "post"
            and role in entry.allowed
            and entry.post_allowed is not None
            and role not in entry.post_allowed
        ):
            # May read, may not change: refused, without revealing more than the page does.
            assert status in (403, 404, 405), said
        elif role in entry.allowed:
            assert status < 500 and status != 403, said
            assert status != 404 or consumed, said
            if status == 302:
                assert not response["Location"].startswith(reverse("login")), said
            consumed = consumed or (method == "post" and status < 400)
        else:
            # Not found (or, for a method the URL never accepts, not allowed): nothing about
            # the record is revealed either way.
            assert status in (404, 405), said


def may_change_things(entry: Entry, role: str) -> bool:
    """Whether this person's requests could change records (so they need fresh ones)."""
    return entry.public or role in entry.allowed


# People who may reach a URL each get fresh records, since their POSTs may change them; the
# others are all refused, change nothing, and so are checked together on one set of records.
@pytest.mark.parametrize(
    ("name", "role"),
    [(name, role) for name in MATRIX for role in ROLES if may_change_things(MATRIX[name], role)],
)
def test_who_may_reach_each_url(client, targets, name, role):
    check_role(client, targets, name, role)


@pytest.mark.parametrize("name", list(MATRIX))
def test_everyone_else_is_refused(client, targets, name):
    for role in ROLES:
        if not may_change_things(MATRIX[name], role):
            check_role(client, targets, name, role)


@pytest.mark.parametrize(
    "name",
    ["console:place", "console:organisation_edit", "console:membership_end", "console:person_row"],
)
def test_console_objects_of_another_system_are_not_found(client, targets, name):
    """An ICB admin cannot reach another system's records by putting their ids under their
    own system's address."""
    world = targets.world
    foreign_place = services.place_create(actor=None, system=world.other_system, name="Far Away")
    foreign_org = services.organisation_create(
        actor=None,
        system=world.other_system,
        name="Far Trust",
        sector=Sector.ACUTE_TRUST,
        legal_form="nhs_trust",
    )
    foreign_person = services.membership_create(
        actor=None,
        user=world.outsider,
        system=world.other_system,
        role="place_member",
        place=foreign_place,
    )
    pk = {
        "console:place": foreign_place.pk,
        "console:organisation_edit": foreign_org.pk,
        "console:membership_end": foreign_person.pk,
        "console:person_row": world.outsider.pk,
    }[name]
    client.force_login(world.icb_admin)
    url = reverse(name, kwargs={"system_slug": world.system.slug, "pk": pk})
    statuses = {client.get(url).status_code, client.post(url).status_code}
    assert statuses <= {404, 405} and 404 in statuses, statuses


def test_the_django_admin_holds_raw_data_for_superusers_and_the_catalogue_for_icb_admins(
    client, world
):
    from tests.factories import UserFactory

    client.force_login(world.member_a)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

    client.force_login(world.icb_admin)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:governance_governanceoption_changelist")).status_code == 200
    assert client.get(reverse("admin:governance_suggestedrating_changelist")).status_code == 200
    assert client.get(reverse("admin:partners_organisation_changelist")).status_code == 403
    assert client.get(reverse("admin:partners_user_changelist")).status_code == 403

    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:partners_organisation_changelist")).status_code == 200


def test_the_shared_catalogue_is_read_by_icb_admins_and_edited_only_nationally(client, world):
    """Every system reads the same catalogue, so one system's ICB admin may not change it; the
    national catalogue editors (and superusers) may."""
    from partners.permissions import (
        CATALOGUE_EDITORS_GROUP,
        catalogue_access_sync_for_user,
        catalogue_editors_group,
    )
    from tests.factories import UserFactory, make_framework

    option = make_framework(slug="shared").options.get(number=1)
    change = reverse("admin:governance_governanceoption_change", args=[option.pk])
    add = reverse("admin:governance_governanceoption_add")
    for admin in (world.icb_admin, world.other_icb_admin):
        client.force_login(admin)
        page = client.get(change)
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        assert client.post(change, {"name": "Changed by one system"}).status_code == 403
        assert client.get(add).status_code == 403
    option.refresh_from_db()
    assert option.name != "Changed by one system"

    # Permissions an admin was once given on their own to change it are taken away.
    world.icb_admin.user_permissions.add(*catalogue_editors_group().permissions.all())
    catalogue_access_sync_for_user(user=world.icb_admin)
    assert not world.icb_admin.has_perm("governance.change_governanceoption")

    editor = UserFactory(is_staff=True)
    editor.groups.add(catalogue_editors_group())
    assert CATALOGUE_EDITORS_GROUP in editor.groups.values_list("name", flat=True)
    client.force_login(editor)
    page = client.get(change)
    assert page.status_code == 200 and 'name="_save"' in page.content.decode()
    assert client.get(add).status_code == 200
    assert client.get(reverse("admin:partners_organisation_changelist")).status_code == 403
    assert catalogue_access_sync_for_user(user=editor) is False  # not an ICB admin
    editor.refresh_from_db()
    assert editor.is_staff  # the national group keeps its members in the Django admin


def test_an_icb_admin_who_steps_down_loses_the_catalogue(world):
    from partners import services
    from partners.models import Membership

    membership = Membership.objects.current().get(user=world.icb_admin)
    services.membership_end(actor=None, membership=membership)
    world.icb_admin.refresh_from_db()
    assert not world.icb_admin.is_staff
    assert not world.icb_admin.has_perm("governance.view_governanceoption")
