"""The place's geography against the framework's tiers: populations of the system, the place
and its neighbourhoods within the source's footprints, and a lead for each neighbourhood.

Every item here is a warning at worst, never a failure: a footprint is what the source finds
typical, not a rule a place breaks. A population nobody has recorded, or a framework with no
tiers, gives no item at all (there is nothing to compare), so the check stays quiet until the
numbers are there. Each item cites the tier's source passage and links to the page that
records the number or the lead."""

from __future__ import annotations

from dataclasses import dataclass

from design.check_items import PASS, WARNING, CheckItem, Design, Fix, names
from governance.catalogue.models import GeographicTier
from partners.models import Neighbourhood

SYSTEM = "system"
PLACE = "place"
NEIGHBOURHOOD = "neighbourhood"


def _people(number: int) -> str:
    return f"{number:,} people"


def typical_range(tier: GeographicTier) -> str:
    """The tier's footprint in words: "typically 250,000 to 500,000 people, and at most
    1,200,000"."""
    if tier.typical_from and tier.typical_to:
        words = f"typically {tier.typical_from:,} to {_people(tier.typical_to)}"
    elif tier.typical_to:
        words = f"typically up to {_people(tier.typical_to)}"
    elif tier.typical_from:
        words = f"typically at least {_people(tier.typical_from)}"
    else:
        words = ""
    if tier.largest:
        words += f"{', and ' if words else ''}at most {_people(tier.largest)}"
    return words


@dataclass(frozen=True)
class Judgement:
    """How a population compares with its tier: PASS within the typical range, otherwise
    WARNING and what to say about it."""

    status: str
    words: str  # "within", "smaller than typical", …


def judge(population: int, tier: GeographicTier) -> Judgement:
    if tier.typical_from and population < tier.typical_from:
        return Judgement(WARNING, "smaller than the typical footprint")
    if tier.largest and population > tier.largest:
        return Judgement(WARNING, "larger than the largest footprint the source allows")
    if tier.typical_to and population > tier.typical_to:
        if tier.largest:
            return Judgement(
                WARNING, "larger than typical, but within the largest footprint the source allows"
            )
        return Judgement(WARNING, "larger than the typical footprint")
    return Judgement(PASS, "within the typical footprint")


def _population_item(
    code: str, title: str, who: str, population: int, tier: GeographicTier, fix: Fix
) -> CheckItem:
    judgement = judge(population, tier)
    detail = (
        f"{who} has {_people(population)}: {judgement.words} of a {tier.name.lower()} "
        f"({typical_range(tier)})."
    )
    if judgement.status != PASS:
        detail += " Check the number recorded; if it is right, say why the footprint suits it."
    return CheckItem(
        code,
        title,
        judgement.status,
        detail,
        None if judgement.status == PASS else fix,
        subject=who,
        source=tier.source,
    )


def _neighbourhood_fix(design: Design, neighbourhood: Neighbourhood) -> Fix:
    return Fix("neighbourhoods:edit", (design.place.pk, neighbourhood.pk))


def populations(design: Design) -> list[CheckItem]:
    """System, place and neighbourhood populations against the tiers' footprints (warnings)."""
    place = design.place
    items: list[CheckItem] = []
    system_tier = design.tiers.get(SYSTEM)
    system = place.system
    if system_tier is not None and system.population:
        items.append(
            _population_item(
                "system_population",
                "The system's population",
                system.name,
                system.population,
                system_tier,
                Fix("console:system_edit", (system.slug,)),
            )
        )
    place_tier = design.tiers.get(PLACE)
    if place_tier is not None and place.population:
        items.append(
            _population_item(
                "place_population",
                "The place's population",
                place.name,
                place.population,
                place_tier,
                Fix("console:place_edit", (system.slug, place.pk)),
            )
        )
    items += _neighbourhood_populations(design)
    return items


def _neighbourhood_populations(design: Design) -> list[CheckItem]:
    place = design.place
    counted = [n for n in design.neighbourhoods if n.population]
    items: list[CheckItem] = []
    tier = design.tiers.get(NEIGHBOURHOOD)
    if tier is not None and counted:
        outside = [n for n in counted if judge(n.population or 0, tier).status != PASS]
        items += [
            _population_item(
                "neighbourhood_population",
                "A neighbourhood's population",
                n.name,
                n.population or 0,
                tier,
                _neighbourhood_fix(design, n),
            )
            for n in outside
        ]
        if not outside:
            items.append(
                CheckItem(
                    "neighbourhood_population",
                    "Neighbourhoods' populations",
                    PASS,
                    f"Each neighbourhood with a population recorded is within the typical "
                    f"footprint of a {tier.name.lower()} ({typical_range(tier)}).",
                    source=tier.source,
                )
            )
    if design.tiers and counted and place.population:
        total = sum(n.population or 0 for n in counted)
        source = tier.source if tier is not None else ""
        title = "Neighbourhoods within the place"
        if total > place.population:
            items.append(
                CheckItem(
                    "neighbourhoods_total",
                    title,
                    WARNING,
                    f"{place.name}'s active neighbourhoods add up to {_people(total)}, more "
                    f"than the {_people(place.population)} recorded for the place. Check "
                    "each neighbourhood's population, and the place's.",
                    Fix("neighbourhoods:list", (place.pk,)),
                    subject=place.name,
                    source=source,
                )
            )
        else:
            items.append(
                CheckItem(
                    "neighbourhoods_total",
                    title,
                    PASS,
                    f"{place.name}'s active neighbourhoods add up to {_people(total)}, within "
                    f"the place's {_people(place.population)}.",
                    source=source,
                )
            )
    return items


def neighbourhood_leads(design: Design) -> list[CheckItem]:
    """Each active neighbourhood names who leads it, and its lead organisation is one of the
    place's partners."""
    if not design.neighbourhoods:
        return []
    tier = design.tiers.get(NEIGHBOURHOOD)
    source = tier.source if tier is not None else ""
    place = design.place
    partners = {o.pk for o in design.partners}
    items: list[CheckItem] = []
    for neighbourhood in design.neighbourhoods:
        fix = _neighbourhood_fix(design, neighbourhood)
        if not neighbourhood.lead_kind:
            items.append(
                CheckItem(
                    "neighbourhood_lead",
                    "Who leads each neighbourhood",
                    WARNING,
                    f"{neighbourhood.name} has no lead recorded. Record who leads its care: a "
                    "primary care network, a provider collaborative, a voluntary or community "
                    "organisation, or the place's integrator.",
                    fix,
                    subject=neighbourhood.name,
                    source=source,
                )
            )
        organisation = neighbourhood.lead_organisation
        if organisation is not None and organisation.pk not in partners:
            items.append(
                CheckItem(
                    "neighbourhood_lead_organisation",
                    "Neighbourhood leads among the partners",
                    WARNING,
                    f"{neighbourhood.name} is led by {organisation.name}, which is not a "
                    f"partner of {place.name}. Add it as a partner of the place, or choose "
                    "one of the place's partners as the lead.",
                    fix,
                    subject=neighbourhood.name,
                    source=source,
                )
            )
    if not items:
        led = [n.name for n in design.neighbourhoods]
        items.append(
            CheckItem(
                "neighbourhood_lead",
                "Who leads each neighbourhood",
                PASS,
                f"Every active neighbourhood has a lead recorded: {names(led)}.",
                source=source,
            )
        )
    return items
