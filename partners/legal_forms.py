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
from typing import Any

from django.db import models


@dataclass(frozen=True)
class LegalFormFacts:
    statutory: bool = False
    statutory_provider: bool = False
    may_hold_nhs_functions: bool = False
    local_authority: bool = False
    public_health: bool = False
    nhs_body: bool = False


@dataclass(frozen=True)
class _Form:
    """One legal form: its code, what the pages call it, and what follows from it."""

    value: str
    label: str
    facts: LegalFormFacts = LegalFormFacts()


_NHS_PROVIDER = LegalFormFacts(
    statutory=True, statutory_provider=True, may_hold_nhs_functions=True, nhs_body=True
)
_SOCIAL_CARE_COUNCIL = LegalFormFacts(
    statutory=True, may_hold_nhs_functions=True, local_authority=True, public_health=True
)

# Every legal form, in the order forms offer them.
FORMS = (
    _Form(
        "icb",
        "Integrated care board",
        LegalFormFacts(statutory=True, may_hold_nhs_functions=True, nhs_body=True),
    ),
    _Form("nhs_trust", "NHS trust", _NHS_PROVIDER),
    _Form("nhs_foundation_trust", "NHS foundation trust", _NHS_PROVIDER),
    _Form("county_council", "County council", _SOCIAL_CARE_COUNCIL),
    _Form(
        "unitary_council", "Unitary, metropolitan or London borough council", _SOCIAL_CARE_COUNCIL
    ),
    _Form(
        "district_council",
        "District council",
        LegalFormFacts(statutory=True, may_hold_nhs_functions=True, local_authority=True),
    ),
    _Form("other_statutory", "Another statutory body", LegalFormFacts(statutory=True)),
    _Form("gp_practice", "GP practice (a partnership or company)"),
    _Form("primary_care_network", "Primary care network (not a legal body)"),
    _Form("gp_federation", "GP federation (a company owned by practices)"),
    _Form("vcse", "Charity, community interest company or voluntary organisation"),
    _Form("healthwatch", "Local Healthwatch (an organisation the council commissions)"),
    _Form("independent_provider", "Independent provider (a company)"),
    _Form("other", "Another kind of organisation"),
)

# The choices, built from the table so that a form is written once (LegalForm.ICB == "icb").
# (The stubs know only the class form of TextChoices, hence Any.)
_make_choices: Any = models.TextChoices
LegalForm: Any = _make_choices(
    "LegalForm", [(form.value.upper(), (form.value, form.label)) for form in FORMS]
)
FACTS: dict[str, LegalFormFacts] = {form.value: form.facts for form in FORMS}

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
