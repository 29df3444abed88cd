"""Who may reach the console: every console URL, and objects of other systems."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from partners.models import (
    AuditEvent,
    Membership,
    Organisation,
    OrganisationAlias,
)
from tests.console.support import url
from tests.factories import (
    OrganisationAliasFactory,
    OrganisationFactory,
    PlaceFactory,
    PlacePartnerFactory,
    make_member,
    make_round,
    membership_of,
)

pytestmark = pytest.mark.django_db


def _targets(world: Any, organisation: Organisation) -> dict[str, list[Any]]:
    """Arguments after the system slug for every console URL."""
    alias = organisation.aliases.get()
    partner = PlacePartnerFactory(place=world.place_a, organisation=organisation)
    membership = membership_of(world.member_a, world.place_a)
    consultation = make_round(system=world.system)
    return {
        "dashboard": [],
        "audit": [],
        "system_edit": [],
        "places": [],
        "place_add": [],
        "place": [world.place_a.pk],
        "place_row": [world.place_a.pk],
        "place_edit": [world.place_a.pk],
        "place_active": [world.place_a.pk],
        "place_partner_add": [world.place_a.pk],
        "place_partner_remove": [world.place_a.pk, partner.pk],
        "organisations": [],
        "organisation_add": [],
        "organisation_row": [organisation.pk],
        "organisation_edit": [organisation.pk],
        "organisation_active": [organisation.pk],
        "organisation_delete": [organisation.pk],
        "organisation_alias_add": [organisation.pk],
        "organisation_alias_remove": [organisation.pk, alias.pk],
        "people": [],
        "person_invite": [],
        "person_row": [world.member_a.pk],
        "person_membership_add": [world.member_a.pk],
        "person_resend_invitation": [world.member_a.pk],
        "person_deactivate": [world.member_a.pk],
        "person_two_factor_reset": [world.member_a.pk],
        "membership": [membership.pk],
        "membership_edit": [membership.pk],
        "membership_end": [membership.pk],
        "rounds": [],
        "round_add": [],
        "round": [consultation.pk],
        "round_progress": [consultation.pk],
        "round_edit": [consultation.pk],
        "round_extend": [consultation.pk],
        "round_close": [consultation.pk],
    }


POST_ONLY = {
    "place_active",
    "place_partner_add",
    "organisation_active",
    "organisation_alias_add",
    "organisation_alias_remove",
    "person_resend_invitation",
}
# Ending a role, deactivating a person, resetting their two-factor sign-in, deleting an
# organisation and removing a place's partner answer GET too (the page confirming them):
# test_confirmations.py checks everyone's GET and POST of those.
ALL_NAMES = [
    "dashboard",
    "audit",
    "system_edit",
    "places",
    "place_add",
    "place",
    "place_row",
    "place_edit",
    "place_active",
    "place_partner_add",
    "place_partner_remove",
    "organisations",
    "organisation_add",
    "organisation_row",
    "organisation_edit",
    "organisation_active",
    "organisation_delete",
    "organisation_alias_add",
    "organisation_alias_remove",
    "people",
    "person_invite",
    "person_row",
    "person_membership_add",
    "person_resend_invitation",
    "person_deactivate",
    "person_two_factor_reset",
    "membership",
    "membership_edit",
    "membership_end",
    "rounds",
    "round_add",
    "round",
    "round_progress",
    "round_edit",
    "round_extend",
    "round_close",
]


# The feedback summary's pages, the delegation pages and the console's front door have their
# own access tests (tests/governance/consultation/test_views_feedback.py,
# test_summary_release.py, tests/console/test_review_page.py, tests/console/test_landing.py,
# tests/delegations/test_views.py).
TESTED_WITH_THEIR_PAGES = {
    "landing",
    "summary",
    "summary_progress",
    "summary_compile",
    "summary_approve",
    "summary_release",
    "summary_withdraw",
    "summary_download",
    "summary_review",
    "redaction_add",
    "redaction_keep",
    "redaction_remove",
    "schemes",
    "scheme_add",
    "scheme",
    "scheme_edit",
    "scheme_in_force",
    "scheme_download",
    "scheme_upload",
    "line_add",
    "line_edit",
    "line_remove",
    "scheme_template",
    "matters",
    "matter_add",
    "matter_edit",
    "matter_remove",
    "delegate_roles",
    "delegate_role_add",
    "delegate_role_edit",
}


def test_every_console_url_is_covered(world, organisation):
    from console.urls import urlpatterns

    names = {p.name for p in urlpatterns}
    assert names >= TESTED_WITH_THEIR_PAGES
    assert names - TESTED_WITH_THEIR_PAGES == set(ALL_NAMES) == set(_targets(world, organisation))
    assert len(urlpatterns) == len(names)  # one namespace: every name once


# Who may reach the console ----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(set(ALL_NAMES) - POST_ONLY))
def test_icb_admin_of_the_system_may_open_every_page(
    admin_client, world, organisation, name, htmx_headers
):
    target = url(name, world, *_targets(world, organisation)[name])
    assert admin_client.get(target, **htmx_headers).status_code == 200


@pytest.mark.parametrize("name", ALL_NAMES)
def test_anonymous_people_are_sent_to_sign_in(client, world, organisation, name):
    target = url(name, world, *_targets(world, organisation)[name])
    method = client.post if name in POST_ONLY else client.get
    response = method(target)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["member_a", "lead_a", "advisory", "other_icb_admin", "outsider"])
@pytest.mark.parametrize("name", ALL_NAMES)
def test_nobody_else_may_reach_the_console(client, world, organisation, name, who):
    client.force_login(getattr(world, who))
    target = url(name, world, *_targets(world, organisation)[name])
    method = client.post if name in POST_ONLY else client.get
    assert method(target).status_code == 404
    assert not AuditEvent.objects.filter(actor=getattr(world, who)).exists()


def test_objects_of_another_system_are_not_found(admin_client, world, htmx_headers):
    other_place = PlaceFactory(system=world.other_system)
    other_organisation = OrganisationFactory(system=world.other_system)
    other_alias = OrganisationAliasFactory(organisation=other_organisation)
    other_person = make_member(place=other_place)
    other_membership = membership_of(other_person, other_place)
    foreign_partner = PlacePartnerFactory(place=other_place)
    for target in [
        url("place", world, other_place.pk),
        url("place_edit", world, other_place.pk),
        url("organisation_edit", world, other_organisation.pk),
        url("person_row", world, other_person.pk),
        url("membership_edit", world, other_membership.pk),
    ]:
        assert admin_client.get(target, **htmx_headers).status_code == 404, target
    for target in [
        url("place_active", world, other_place.pk),
        url("organisation_delete", world, other_organisation.pk),
        url("organisation_alias_remove", world, other_organisation.pk, other_alias.pk),
        url("place_partner_remove", world, world.place_a.pk, foreign_partner.pk),
        url("person_deactivate", world, other_person.pk),
        url("person_two_factor_reset", world, other_person.pk),
        url("membership_end", world, other_membership.pk),
    ]:
        assert admin_client.post(target, **htmx_headers).status_code == 404, target
    assert Organisation.objects.filter(pk=other_organisation.pk).exists()
    assert OrganisationAlias.objects.filter(pk=other_alias.pk).exists()
    assert Membership.objects.get(pk=other_membership.pk).is_current


def test_the_alias_must_belong_to_the_organisation_in_the_url(admin_client, world, organisation):
    second = OrganisationFactory(system=world.system)
    assert (
        admin_client.post(
            url("organisation_alias_remove", world, second.pk, organisation.aliases.get().pk)
        ).status_code
        == 404
    )
