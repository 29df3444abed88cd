"""The national data set's schemes of delegation: the default matter tree in every system,
and for every active organisation a scheme in force whose lines delegate to the bodies of
its places (or its individual director there) and to its own roles in value bands,
reserving the rest to its board."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from functools import partial

from delegations.models import DelegateRole, Delegation, SchemeOfDelegation, SchemeStatus
from demo.build.delegations import default_matter_trees_bulk
from demo.build.rows import bulk_insert
from demo.national.world import World
from governance.structures.models import Committee, CommitteeKind
from partners.legal_forms import LegalForm
from partners.models import Organisation, Place, board_of

ORGANISATION_ROLES = {
    "large": ("Chief Executive", "Director of Finance", "Chief Operating Officer"),
    "small": ("Chief Executive", "Practice Manager"),
}


def generate_matters(world: World) -> None:
    roots, leaves = default_matter_trees_bulk(world.systems)
    for matter in leaves:
        world.leaves_by_system.setdefault(matter.system_id, []).append(matter)
    world.counts["matter_categories"] = len(roots) + len(leaves)


def _body_it_may_delegate_to(
    organisation: Organisation, bodies: list[Committee], parties: dict[int, set[int]]
) -> Committee | None:
    """The place's body that the organisation's scheme may delegate to, as the framework's
    options allow (governance.structures.options): the ICB to its committee, a joint committee
    to which it is a party or a lead provider it contracts with; another organisation to a
    joint committee it is a party to, or to its own lead provider board. A partnership board
    holds no delegated authority."""
    is_icb = organisation.legal_form == LegalForm.ICB
    for kind in (
        CommitteeKind.ICB_COMMITTEE,
        CommitteeKind.JOINT_COMMITTEE,
        CommitteeKind.LEAD_PROVIDER_BOARD,
    ):
        for body in bodies:
            if body.kind != kind:
                continue
            if kind == CommitteeKind.ICB_COMMITTEE and is_icb:
                return body
            if kind == CommitteeKind.JOINT_COMMITTEE and organisation.pk in parties.get(
                body.pk, set()
            ):
                return body
            if kind == CommitteeKind.LEAD_PROVIDER_BOARD and (
                is_icb or body.accountable_to_organisation_id == organisation.pk
            ):
                return body
    return None


def generate_schemes(world: World) -> None:
    rng = world.rng
    today = world.now.date()
    committees, directors, leaves_by_system = (
        world.committees,
        world.directors,
        world.leaves_by_system,
    )
    places_of: dict[int, list[Place]] = {}
    for place in world.places:
        for organisation in world.partners_by_place.get(place.pk, []):
            places_of.setdefault(organisation.pk, []).append(place)
    bodies_of_place: dict[int, list[Committee]] = {}
    for committee in committees:  # the bodies a scheme delegates to: not sub-committees
        if committee.kind != CommitteeKind.SUB_COMMITTEE:
            bodies_of_place.setdefault(committee.place_id, []).append(committee)
    active = [o for o in world.organisations if o.is_active]
    roles = list(directors)
    for organisation in active:
        size = "large" if organisation.is_statutory else "small"
        roles += [
            DelegateRole(organisation=organisation, title=t) for t in ORGANISATION_ROLES[size]
        ]
    roles = bulk_insert(DelegateRole, roles)
    roles_of: dict[int, list[DelegateRole]] = {}
    director_of: dict[tuple[int, int], DelegateRole] = {}
    for role in roles:
        if role.place_id:
            director_of[(role.organisation_id, role.place_id)] = role
        else:
            roles_of.setdefault(role.organisation_id, []).append(role)
    world.counts["delegate_roles"] = len(roles)

    schemes = bulk_insert(
        SchemeOfDelegation,
        [
            SchemeOfDelegation(
                organisation=organisation,
                number=1,
                status=SchemeStatus.IN_FORCE,
                effective_from=today - timedelta(days=rng.randint(30, 900)),
                approved_by=board_of(organisation.name),
            )
            for organisation in active
        ],
    )
    lines: list[Delegation] = []
    ladders = [
        (Decimal(a), Decimal(b))
        for a, b in (
            ("100000", "1000000"),
            ("250000", "2000000"),
            ("500000", "5000000"),
            ("50000", "500000"),
        )
    ]
    for scheme, organisation in zip(schemes, active, strict=True):
        matters = leaves_by_system[organisation.system_id]
        own_roles = roles_of.get(organisation.pk, [])
        statutory = organisation.is_statutory
        for n, matter in enumerate(rng.sample(matters, rng.randint(3, 5) if statutory else 3)):
            low, high = rng.choice(ladders)
            ref = f"{n + 1}"
            # Every line below is of this matter in this scheme.
            matter_line = partial(Delegation, scheme_id=scheme.pk, matter_id=matter.pk)
            # Below `low`: the bodies of each of its places (or its own director there).
            for place in places_of.get(organisation.pk, [])[:3]:
                director = director_of.get((organisation.pk, place.pk))
                body = _body_it_may_delegate_to(
                    organisation, bodies_of_place.get(place.pk, []), world.parties
                )
                if director is None and body is None:
                    continue
                line = matter_line(
                    limit_to=low,
                    place_id=place.pk,
                    reference=f"{ref}.{place.pk}",
                )
                if director is not None:
                    line.delegate_role_id = director.pk
                else:
                    line.delegate_committee_id = body.pk  # type: ignore[union-attr]
                lines.append(line)
            # From `low` to `high`: one of its own roles, everywhere.
            if own_roles:
                lines.append(
                    matter_line(
                        limit_from=low,
                        limit_to=high,
                        delegate_role_id=rng.choice(own_roles).pk,
                        reference=f"{ref}.r",
                    )
                )
            # Above `high`: the board keeps it.
            lines.append(
                matter_line(
                    reserved=True,
                    limit_from=high,
                    reference=f"{ref}.b",
                    conditions="Reserved to the board.",
                )
            )
    bulk_insert(Delegation, lines)
    world.counts["schemes_of_delegation"] = len(schemes)
    world.counts["delegation_lines"] = len(lines)
