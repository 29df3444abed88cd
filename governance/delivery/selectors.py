"""Reading how a place delivers care for its pages and its governance map: the arrangement
and who holds each function (two queries whatever the number of functions), the archetypes a
place may follow, and the contracting forms a lead provider arrangement may take.

What each kind of holder is called, and which kinds an archetype allows for a function, are
framework data (`GovernanceOption.function_holders`); the words for them are here, once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from governance.catalogue.models import (
    DeliveryModel,
    DeliveryModelKind,
    FrameworkKind,
    GovernanceOption,
    OptionFramework,
)
from governance.delivery.models import DeliveryArrangement, DeliveryFunction, FunctionHolding
from partners.legal_forms import LegalForm
from partners.models import Organisation, Place

# The kinds of holder an archetype's `function_holders` names, in words.
HOLDER_KINDS: dict[str, str] = {
    "icb": "the ICB",
    "place_body": "a body of the place",
    "council": "a council",
    "lead_care_provider": "the lead care provider",
    "gp_practices": "GP practices",
    "vcse": "a voluntary, community or social enterprise organisation",
    "provider": "a provider",
}


def holder_kinds_in_words(kinds: list[str]) -> str:
    words = [HOLDER_KINDS.get(kind, kind.replace("_", " ")) for kind in kinds]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def leads_with_a_care_provider(option: GovernanceOption | None) -> bool:
    """Whether the archetype places any function with a lead care provider (the lead care
    provider/partnership archetype): framework data, not the option's number."""
    if option is None:
        return False
    return any("lead_care_provider" in kinds for kinds in (option.function_holders or {}).values())


@dataclass(frozen=True)
class FunctionRow:
    """One function as the overview lists it: who holds it, and where the archetype places it."""

    function: str
    label: str
    holding: FunctionHolding | None
    allowed: list[str] = field(default_factory=list)

    @property
    def allowed_words(self) -> str:
        return holder_kinds_in_words(self.allowed)


@dataclass(frozen=True)
class PlaceDelivery:
    place: Place
    arrangement: DeliveryArrangement | None
    holdings: dict[str, FunctionHolding]

    @property
    def archetype(self) -> GovernanceOption | None:
        return self.arrangement.archetype if self.arrangement else None

    @property
    def version(self) -> int:
        return self.arrangement.version if self.arrangement else 0

    @property
    def has_lead_provider_terms(self) -> bool:
        """Whether the lead provider arrangement's terms apply: under the lead care provider
        archetype, or once a contracting form is recorded."""
        return leads_with_a_care_provider(self.archetype) or bool(
            self.arrangement and self.arrangement.contracting_form_id
        )

    @property
    def rows(self) -> list[FunctionRow]:
        holders = (self.archetype.function_holders or {}) if self.archetype else {}
        return [
            FunctionRow(value, str(label), self.holdings.get(value), list(holders.get(value, [])))
            for value, label in DeliveryFunction.choices
        ]

    @property
    def is_empty(self) -> bool:
        return self.archetype is None and not self.holdings


def place_delivery(*, place: Place) -> PlaceDelivery:
    """The place's arrangement (none before its first save) and its function holders."""
    arrangement = (
        DeliveryArrangement.objects.filter(place=place)
        .select_related(
            "archetype__framework", "section_75_council", "lead_care_provider", "contracting_form"
        )
        .first()
    )
    holdings = {
        h.function: h
        for h in FunctionHolding.objects.filter(place=place).select_related(
            "holder_organisation", "holder_committee"
        )
    }
    return PlaceDelivery(place, arrangement, holdings)


def holding_of(*, place: Place, function: str) -> FunctionHolding | None:
    return (
        FunctionHolding.objects.filter(place=place, function=function)
        .select_related("holder_organisation", "holder_committee")
        .first()
    )


def archetype_options() -> QuerySet[GovernanceOption]:
    """The options of the newest framework of delivery archetypes, by number."""
    newest = (
        OptionFramework.objects.filter(kind=FrameworkKind.ARCHETYPES)
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    return (
        GovernanceOption.objects.filter(framework__in=newest)
        .select_related("framework")
        .order_by("number")
    )


def contracting_forms() -> QuerySet[DeliveryModel]:
    return DeliveryModel.objects.filter(kind=DeliveryModelKind.INTEGRATION_FORM).order_by(
        "order", "name"
    )


def partner_organisations(place: Place) -> QuerySet[Organisation]:
    return Organisation.objects.filter(place_partnerships__place=place).order_by("name")


def holder_organisations(place: Place) -> QuerySet[Organisation]:
    """Who may hold a function for the place: its partners and the ICB of its system."""
    return (
        Organisation.objects.filter(
            Q(place_partnerships__place=place)
            | Q(system_id=place.system_id, legal_form=LegalForm.ICB)
        )
        .distinct()
        .order_by("name")
    )


# The place's bodies, through the schema's own link to them: this room stands beside the one
# that keeps them (governance.structures), not on it.
Body: Any = FunctionHolding._meta.get_field("holder_committee").related_model


def active_bodies(place: Place) -> QuerySet[Any]:
    return Body.objects.filter(place=place, is_active=True).order_by("name")
