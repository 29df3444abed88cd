"""The rules for changing partners, places, people and memberships. Views, the console, the
Django admin, management commands and tasks all call these; none of them saves these models
directly. Every function is keyword-only, validates, saves atomically, writes its audit row
and queues side effects only once the transaction has committed.

Two rooms: `places` (places, partner organisations and their aliases, partners in a place)
and `people` (memberships, invitations, people leaving). Both are listed here so that
callers can say `services.place_create` without knowing which room holds it."""

from partners.services.people import (
    RoleTerms,
    account_change_check,
    account_change_refusal,
    invitation_accept,
    invitation_find,
    invitation_mark_sent,
    invitation_resend,
    invitations_retry_unsent,
    membership_create,
    membership_end,
    membership_offer_answer,
    membership_offer_create,
    membership_update,
    person_deactivate_in_system,
    person_invitation_resend,
    person_invite,
    person_two_factor_reset,
    user_deactivate,
)
from partners.services.places import (
    organisation_alias_add,
    organisation_alias_remove,
    organisation_create,
    organisation_delete,
    organisation_update,
    place_create,
    place_partner_add,
    place_partner_remove,
    place_update,
    system_update,
)

__all__ = [
    "RoleTerms",
    "account_change_check",
    "account_change_refusal",
    "invitation_accept",
    "invitation_find",
    "invitation_mark_sent",
    "invitation_resend",
    "invitations_retry_unsent",
    "membership_create",
    "membership_end",
    "membership_offer_answer",
    "membership_offer_create",
    "membership_update",
    "organisation_alias_add",
    "organisation_alias_remove",
    "organisation_create",
    "organisation_delete",
    "organisation_update",
    "person_deactivate_in_system",
    "person_invitation_resend",
    "person_invite",
    "person_two_factor_reset",
    "place_create",
    "place_partner_add",
    "place_partner_remove",
    "place_update",
    "system_update",
    "user_deactivate",
]
