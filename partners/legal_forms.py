"""What kind of body an organisation is in law, and what follows from that.

Whether an organisation is a statutory body is never typed in: it follows from its legal form.
ICBs, NHS trusts, NHS foundation trusts and councils are statutory bodies; a GP practice, a
primary care network, a GP federation, a charity, a local Healthwatch or an independent
company is not, whatever services it provides. The facts below are what the design check and
the delegation rules read:

- `statutory`: a statutory body, which may sit as a voting member of a joint committee and hold
  a lead provider contract (the 2021 design framework: "lead providers will need to be
  statutory organisations"; a joint committee is one "of the ICS NHS body and one or more
  statutory provider(s)");
- `statutory_provider`: an NHS trust or foundation trust, the statutory providers a joint
  committee needs at least one of;
- `may_hold_nhs_functions`: a body the ICB may delegate its functions to under the Health and
  Care Act 2022 (another NHS body or a local authority);
- `local_authority` and `public_health`: a council, and a council with a director of public
  health (a county or unitary council; district councils have none)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class LegalForm(models.TextChoices):
    ICB = "icb", "Integrated care board"
    NHS_TRUST = "nhs_trust", "NHS trust"
    NHS_FOUNDATION_TRUST = "nhs_foundation_trust", "NHS foundation trust"
    COUNTY_COUNCIL = "county_council", "County council"
    UNITARY_COUNCIL = "unitary_council", "Unitary, metropolitan or London borough council"
    DISTRICT_COUNCIL = "district_council", "District council"
    OTHER_STATUTORY = "other_statutory", "Another statutory body"
    GP_PRACTICE = "gp_practice", "GP practice (a partnership or company)"
    PRIMARY_CARE_NETWORK = "primary_care_network", "Primary care network (not a legal body)"
    GP_FEDERATION = "gp_federation", "GP federation (a company owned by practices)"
    VCSE = "vcse", "Charity, community interest company or voluntary organisation"
    HEALTHWATCH = "healthwatch", "Local Healthwatch (an organisation the council commissions)"
    INDEPENDENT_PROVIDER = "independent_provider", "Independent provider (a company)"
    OTHER = "other", "Another kind of organisation"


@dataclass(frozen=True)
class LegalFormFacts:
    statutory: bool = False
    statutory_provider: bool = False
    may_hold_nhs_functions: bool = False
    local_authority: bool = False
    public_health: bool = False
    nhs_body: bool = False


_NHS_PROVIDER = LegalFormFacts(
    statutory=True, statutory_provider=True, may_hold_nhs_functions=True, nhs_body=True
)
_SOCIAL_CARE_COUNCIL = LegalFormFacts(
    statutory=True, may_hold_nhs_functions=True, local_authority=True, public_health=True
)

FACTS: dict[str, LegalFormFacts] = {
    LegalForm.ICB: LegalFormFacts(statutory=True, may_hold_nhs_functions=True, nhs_body=True),
    LegalForm.NHS_TRUST: _NHS_PROVIDER,
    LegalForm.NHS_FOUNDATION_TRUST: _NHS_PROVIDER,
    LegalForm.COUNTY_COUNCIL: _SOCIAL_CARE_COUNCIL,
    LegalForm.UNITARY_COUNCIL: _SOCIAL_CARE_COUNCIL,
    LegalForm.DISTRICT_COUNCIL: LegalFormFacts(
        statutory=True, may_hold_nhs_functions=True, local_authority=True
    ),
    LegalForm.OTHER_STATUTORY: LegalFormFacts(statutory=True),
    LegalForm.GP_PRACTICE: LegalFormFacts(),
    LegalForm.PRIMARY_CARE_NETWORK: LegalFormFacts(),
    LegalForm.GP_FEDERATION: LegalFormFacts(),
    LegalForm.VCSE: LegalFormFacts(),
    LegalForm.HEALTHWATCH: LegalFormFacts(),
    LegalForm.INDEPENDENT_PROVIDER: LegalFormFacts(),
    LegalForm.OTHER: LegalFormFacts(),
}

STATUTORY_FORMS = frozenset(form for form, facts in FACTS.items() if facts.statutory)


def facts_of(legal_form: str) -> LegalFormFacts:
    return FACTS.get(legal_form, LegalFormFacts())


# The legal form an organisation of a sector usually has, for data loads and the add form's
# first guess: NHS providers by whether "foundation" is in the name, councils by "county".
_USUAL_FORM = {
    "icb": LegalForm.ICB,
    "district_council": LegalForm.DISTRICT_COUNCIL,
    "primary_care_network": LegalForm.PRIMARY_CARE_NETWORK,
    "gp_practice": LegalForm.GP_PRACTICE,
    "gp_federation": LegalForm.GP_FEDERATION,
    "vcfse": LegalForm.VCSE,
    "healthwatch": LegalForm.HEALTHWATCH,
    "hospice": LegalForm.VCSE,
    "other": LegalForm.OTHER,
}
NHS_PROVIDER_SECTORS = frozenset(
    {"acute_trust", "community_trust", "mental_health_trust", "combined_trust", "ambulance_trust"}
)


def usual_legal_form(sector: str, name: str = "") -> str:
    """The legal form an organisation of `sector` called `name` most likely has."""
    lowered = name.casefold()
    if sector in NHS_PROVIDER_SECTORS:
        return LegalForm.NHS_FOUNDATION_TRUST if "foundation" in lowered else LegalForm.NHS_TRUST
    if sector == "upper_tier_council":
        return LegalForm.COUNTY_COUNCIL if "county" in lowered else LegalForm.UNITARY_COUNCIL
    return _USUAL_FORM.get(sector, LegalForm.OTHER)
