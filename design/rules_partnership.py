"""The place partnership itself (Appendix A of the 2021 framework): who must be a partner,
and the director of public health at the table. Each rule cites the framework's passage for
the option whose membership rules name it (the partnership option's "minimum_partnership")."""

from __future__ import annotations

from design.check_items import FAIL, PASS, CheckItem, Design, Fix
from governance.structures.models import CommitteeKind, CommitteeMember
from partners.models import Organisation, Sector

MINIMUM_PARTNERSHIP = "minimum_partnership"

# Words in a seat's title that make it a representative of people who use care and support.
_VOICE_WORDS = ("patient", "service user", "lived experience", "carer", "people who use")


def _primary_care(o: Organisation) -> bool:
    return o.sector in {Sector.PRIMARY_CARE_NETWORK, Sector.GP_FEDERATION, Sector.GP_PRACTICE}


def _council_with_public_health(o: Organisation) -> bool:
    return o.legal_facts.public_health


def _acute(o: Organisation) -> bool:
    return o.sector == Sector.ACUTE_TRUST


def _community(o: Organisation) -> bool:
    return o.sector in {Sector.COMMUNITY_TRUST, Sector.COMBINED_TRUST}


def _mental_health(o: Organisation) -> bool:
    return o.sector in {Sector.MENTAL_HEALTH_TRUST, Sector.COMBINED_TRUST}


def _voice_of_people(o: Organisation) -> bool:
    return o.sector in {Sector.HEALTHWATCH, Sector.VCFSE}


# What the partnership needs at least, each with the test a partner must pass.
MINIMUM_MEMBERSHIP = (
    (
        "primary care provider leadership (a primary care network, GP federation or practice)",
        _primary_care,
    ),
    (
        "a local authority with a director of public health (a county or unitary council)",
        _council_with_public_health,
    ),
    ("an acute provider", _acute),
    ("a community services provider (a community or combined trust)", _community),
    ("a mental health provider (a mental health or combined trust)", _mental_health),
)
VOICE = (
    "representatives of people who use care and support (Healthwatch, a voluntary or "
    "community organisation, or a patient representative's seat)"
)


def _has_voice_seat(design: Design) -> bool:
    return any(
        any(word in seat.role_title.casefold() for word in _VOICE_WORDS)
        for committee in design.active
        for seat in design.members(committee)
    )


def membership(design: Design) -> list[CheckItem]:
    option = design.option_with_rule(MINIMUM_PARTNERSHIP)
    source = (option.sources or {}).get("membership", "") if option else ""
    missing = [label for label, test in MINIMUM_MEMBERSHIP if not any(map(test, design.partners))]
    if not any(map(_voice_of_people, design.partners)) and not _has_voice_seat(design):
        missing.append(VOICE)
    title = "Minimum partnership membership"
    if missing:
        detail = (
            f"The partnership has no {missing[0]}. Add one as a partner of the place."
            if len(missing) == 1
            else "The partnership is missing: " + "; ".join(missing) + ". Add them as partners."
        )
        fix = Fix("console:place", (design.place.system.slug, design.place.pk), "place-partners")
        return [CheckItem("membership", title, FAIL, detail, fix, source=source)]
    return [
        CheckItem(
            "membership",
            title,
            PASS,
            "Primary care, a council with public health duties, acute, community and mental "
            "health providers and a voice for the people who use services are all partners.",
            source=source,
        )
    ]


def _is_public_health_seat(seat: CommitteeMember) -> bool:
    return (
        "public health" in seat.role_title.casefold()
        and seat.organisation.legal_facts.public_health
    )


def public_health_seat(design: Design) -> list[CheckItem]:
    """Appendix A names directors of public health among the partnership's minimum members, so
    one of the place's bodies seats the council's director of public health."""
    option = design.option_with_rule(MINIMUM_PARTNERSHIP)
    source = (option.sources or {}).get("membership", "") if option else ""
    title = "Director of public health at the table"
    for committee in design.active:
        if any(_is_public_health_seat(seat) for seat in design.members(committee)):
            return [
                CheckItem(
                    "public_health_seat",
                    title,
                    PASS,
                    f"{committee.name} seats the director of public health.",
                    subject=committee.name,
                    source=source,
                )
            ]
    boards = [c for c in design.active if c.kind == CommitteeKind.PARTNERSHIP_BOARD]
    target = boards[0] if boards else (design.active[0] if design.active else None)
    if target is None:
        detail = "The place has no bodies yet, so no seat for the director of public health."
        fix = Fix("committees:list", (design.place.pk,))
    else:
        detail = (
            f"None of the place's bodies seats the director of public health of a county or "
            f"unitary council. Add the seat to {target.name}."
        )
        fix = Fix("committees:member_add", (design.place.pk, target.pk))
    return [
        CheckItem(
            "public_health_seat", title, FAIL, detail, fix, target.name if target else "", source
        )
    ]
