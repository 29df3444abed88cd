"""Test data. factory_boy factories build rows directly; the `make_*` helpers go through
the services. One module a domain; everything is importable from `tests.factories`."""

from tests.factories.delegations import (
    DelegateRoleFactory,
    DelegationFactory,
    MatterCategoryFactory,
    SchemeFactory,
)
from tests.factories.governance import (
    complete_response,
    make_framework,
    make_response,
    make_round,
    round_with_progress,
)
from tests.factories.partners import (
    FIRST_NAMES,
    LAST_NAMES,
    PASSWORD,
    AuthenticatorAppFactory,
    OrganisationAliasFactory,
    OrganisationFactory,
    PlaceFactory,
    PlacePartnerFactory,
    SystemFactory,
    UserFactory,
    current_code,
    make_member,
    membership_of,
    partner_in,
)
from tests.factories.structures import (
    CommitteeFactory,
    CommitteeMemberFactory,
    TermsOfReferenceFactory,
)

__all__ = [
    "FIRST_NAMES",
    "LAST_NAMES",
    "PASSWORD",
    "AuthenticatorAppFactory",
    "CommitteeFactory",
    "CommitteeMemberFactory",
    "DelegateRoleFactory",
    "DelegationFactory",
    "MatterCategoryFactory",
    "OrganisationAliasFactory",
    "OrganisationFactory",
    "PlaceFactory",
    "PlacePartnerFactory",
    "SchemeFactory",
    "SystemFactory",
    "TermsOfReferenceFactory",
    "UserFactory",
    "complete_response",
    "current_code",
    "make_framework",
    "make_member",
    "make_response",
    "make_round",
    "membership_of",
    "partner_in",
    "round_with_progress",
]
