"""The console's actions that cannot be taken back (ending a role, deactivating a person,
resetting their two-factor sign-in, deleting an organisation, removing a place's partner, a
line of a scheme of delegation, a matter or a review choice of a feedback summary) are
confirmed on a page of their own: the row links to it, GET changes nothing, its warning button
posts the change, Cancel goes back; everyone else is kept out as from the action itself."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from delegations.models import Delegation, MatterCategory, SchemeOfDelegation, SchemeStatus
from governance.consultation.models import RedactionDecision, RedactionKind
from partners.models import AuditEvent, Membership, Organisation, PlacePartner
from tests.console.support import url
from tests.factories import (
    DelegationFactory,
    MatterCategoryFactory,
    OrganisationFactory,
    PlaceFactory,
    PlacePartnerFactory,
    SchemeFactory,
    contract_matters,
    joint_committee_of,
    make_member,
    make_round,
    membership_of,
)

pytestmark = pytest.mark.django_db


def confirmations(world: Any, organisation: Organisation) -> dict[str, list[Any]]:
    """Each confirmation page's URL name and its arguments after the system slug."""
    return {
        "membership_end": [membership_of(world.member_a, world.place_a).pk],
        "person_deactivate": [world.member_b.pk],
        "person_two_factor_reset": [world.member_b.pk],
        "organisation_delete": [organisation.pk],
    }


def nothing_changed(world: Any, organisation: Organisation) -> None:
    world.member_a.refresh_from_db()
    world.member_b.refresh_from_db()
    assert world.member_a.is_active and world.member_b.is_active
    assert Membership.objects.current().filter(user=world.member_a).exists()
    assert Organisation.objects.filter(pk=organisation.pk).exists()


@pytest.mark.parametrize(
    "name",
    ["membership_end", "person_deactivate", "person_two_factor_reset", "organisation_delete"],
)
def test_the_confirmation_page_changes_nothing(admin_client, world, organisation, name):
    target = url(name, world, *confirmations(world, organisation)[name])
    audited = AuditEvent.objects.count()
    response = admin_client.get(target)
    html = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-button nhsuk-button--warning" in html
    assert f'<form action="{target}" method="post"' in html
    assert ">Cancel</a>" in html
    nothing_changed(world, organisation)
    assert AuditEvent.objects.count() == audited


@pytest.mark.parametrize("who", ["member_a", "lead_a", "advisory", "other_icb_admin", "outsider"])
@pytest.mark.parametrize(
    "name",
    ["membership_end", "person_deactivate", "person_two_factor_reset", "organisation_delete"],
)
def test_nobody_else_may_confirm_or_post(client, world, organisation, name, who):
    client.force_login(getattr(world, who))
    target = url(name, world, *confirmations(world, organisation)[name])
    assert client.get(target).status_code == 404
    assert client.post(target).status_code == 404
    nothing_changed(world, organisation)


@pytest.mark.parametrize(
    "name",
    ["membership_end", "person_deactivate", "person_two_factor_reset", "organisation_delete"],
)
def test_anonymous_people_are_sent_to_sign_in(client, world, organisation, name):
    target = url(name, world, *confirmations(world, organisation)[name])
    for method in (client.get, client.post):
        response = method(target)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    nothing_changed(world, organisation)


def test_objects_of_another_system_have_no_confirmation_page(admin_client, world):
    other_place = PlaceFactory(system=world.other_system)
    other_person = make_member(place=other_place)
    other_organisation = OrganisationFactory(system=world.other_system)
    for target in [
        url("membership_end", world, membership_of(other_person, other_place).pk),
        url("person_deactivate", world, other_person.pk),
        url("person_two_factor_reset", world, other_person.pk),
        url("organisation_delete", world, other_organisation.pk),
    ]:
        assert admin_client.get(target).status_code == 404, target


def test_ending_a_role_is_confirmed_then_done(admin_client, world):
    membership = membership_of(world.member_a, world.place_a)
    end_url = url("membership_end", world, membership.pk)
    people = admin_client.get(url("people", world)).content.decode()
    assert f'href="{end_url}"' in people
    assert f'action="{end_url}"' not in people  # the row links, it does not post

    confirm = admin_client.get(end_url).content.decode()
    assert f"Remove {world.member_a} as place member of Ashford?" in confirm
    assert f"{world.member_a} will no longer hold this role" in confirm
    assert f'href="{url("people", world)}">Cancel</a>' in confirm
    assert Membership.objects.get(pk=membership.pk).is_current

    done = admin_client.post(end_url, follow=True)
    assert done.redirect_chain[-1][0] == url("people", world)
    assert f"Removed {world.member_a} as place member of Ashford." in done.content.decode()
    assert not Membership.objects.get(pk=membership.pk).is_current


def test_an_ended_role_has_no_confirmation_page(admin_client, world):
    membership = membership_of(world.member_a, world.place_a)
    admin_client.post(url("membership_end", world, membership.pk))
    assert admin_client.get(url("membership_end", world, membership.pk)).status_code == 404


def test_deactivating_a_person_is_confirmed_then_done(admin_client, world):
    deactivate_url = url("person_deactivate", world, world.member_b.pk)
    assert f'href="{deactivate_url}"' in admin_client.get(url("people", world)).content.decode()
    confirm = admin_client.get(deactivate_url).content.decode()
    assert f"Deactivate {world.member_b}?" in confirm
    assert "will no longer be able to sign in" in confirm
    assert ">Deactivate</button>" in confirm

    done = admin_client.post(deactivate_url, follow=True)
    assert f"Deactivated {world.member_b}: they can no longer sign in." in done.content.decode()
    world.member_b.refresh_from_db()
    assert not world.member_b.is_active


def test_a_refused_deactivation_after_confirming_says_why(admin_client, world):
    done = admin_client.post(url("person_deactivate", world, world.lead_a.pk), follow=True)
    assert done.redirect_chain[-1][0] == url("people", world)
    assert "is the only place lead of Ashford" in done.content.decode()
    world.lead_a.refresh_from_db()
    assert world.lead_a.is_active


def test_resetting_two_factor_sign_in_is_confirmed_first(admin_client, world):
    reset_url = url("person_two_factor_reset", world, world.member_b.pk)
    confirm = admin_client.get(reset_url).content.decode()
    assert f"Reset the two-factor sign-in of {world.member_b}?" in confirm
    assert "Do this only if they have lost their phone and their backup codes." in confirm
    assert ">Reset two-factor sign-in</button>" in confirm


def test_deleting_an_organisation_is_confirmed_then_done(admin_client, world, organisation):
    delete_url = url("organisation_delete", world, organisation.pk)
    listing = admin_client.get(url("organisations", world)).content.decode()
    assert f'href="{delete_url}"' in listing and "hx-confirm" not in listing
    confirm = admin_client.get(delete_url).content.decode()
    assert "Delete Ashford Borough Council?" in confirm
    assert "This cannot be undone." in confirm
    assert ">Delete organisation</button>" in confirm
    assert Organisation.objects.filter(pk=organisation.pk).exists()

    done = admin_client.post(delete_url, follow=True)
    assert done.redirect_chain[-1][0] == url("organisations", world)
    assert "Deleted organisation Ashford Borough Council." in done.content.decode()
    assert not Organisation.objects.filter(pk=organisation.pk).exists()


# Removing a place's partner, a line, a matter, a review choice ------------------------------


@dataclass
class Removals:
    """What each removal acts on: Ashford Borough Council as a partner of Ashford, a line of
    its draft scheme, a matter no line uses, and a review choice of a round's summary."""

    world: Any
    partner: PlacePartner
    line: Delegation
    matter: MatterCategory
    round: Any
    decision: RedactionDecision

    def targets(self) -> dict[str, str]:
        """Each confirmation page's address."""
        return {
            "place_partner_remove": url(
                "place_partner_remove", self.world, self.world.place_a.pk, self.partner.pk
            ),
            "line_remove": url("line_remove", self.world, self.line.pk),
            "matter_remove": url("matter_remove", self.world, self.matter.pk),
            "redaction_remove": url(
                "redaction_remove", self.world, self.round.pk, self.decision.pk
            ),
        }

    def nothing_removed(self) -> None:
        assert PlacePartner.objects.filter(pk=self.partner.pk).exists()
        assert Delegation.objects.filter(pk=self.line.pk).exists()
        assert MatterCategory.objects.filter(pk=self.matter.pk).exists()
        assert RedactionDecision.objects.filter(pk=self.decision.pk).exists()


REMOVALS = ["place_partner_remove", "line_remove", "matter_remove", "redaction_remove"]


@pytest.fixture
def removals(world, organisation) -> Removals:
    partner = PlacePartnerFactory(place=world.place_a, organisation=organisation)
    _, award = contract_matters(world.system)
    line = DelegationFactory(
        scheme=SchemeFactory(organisation=organisation, status=SchemeStatus.DRAFT, number=1),
        matter=award,
        delegate_committee=joint_committee_of(world.place_a, organisation),
        limit_to=Decimal("250000"),
    )
    consultation = make_round(system=world.system)
    return Removals(
        world=world,
        partner=partner,
        line=line,
        matter=MatterCategoryFactory(system=world.system, name="Estates", code="estates"),
        round=consultation,
        decision=RedactionDecision.objects.create(
            round=consultation,
            kind=RedactionKind.REDACT,
            phrase="old mill",
            note="Everyone there knows where it is",
            created_by=world.icb_admin,
        ),
    )


@pytest.mark.parametrize("name", REMOVALS)
def test_a_removals_confirmation_page_changes_nothing(admin_client, removals, name):
    target = removals.targets()[name]
    audited = AuditEvent.objects.count()
    response = admin_client.get(target)
    html = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-button nhsuk-button--warning" in html
    assert f'<form action="{target}" method="post"' in html
    assert ">Cancel</a>" in html
    removals.nothing_removed()
    assert AuditEvent.objects.count() == audited


@pytest.mark.parametrize("who", ["member_a", "lead_a", "advisory", "other_icb_admin", "outsider"])
@pytest.mark.parametrize("name", REMOVALS)
def test_nobody_else_may_confirm_or_post_a_removal(client, world, removals, name, who):
    client.force_login(getattr(world, who))
    target = removals.targets()[name]
    assert client.get(target).status_code == 404
    assert client.post(target).status_code == 404
    removals.nothing_removed()
    assert not AuditEvent.objects.filter(actor=getattr(world, who)).exists()


@pytest.mark.parametrize("name", REMOVALS)
def test_anonymous_people_are_sent_to_sign_in_from_a_removal(client, removals, name):
    target = removals.targets()[name]
    for method in (client.get, client.post):
        response = method(target)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    removals.nothing_removed()


def test_removals_of_another_system_have_no_confirmation_page(admin_client, world, removals):
    other_place = PlaceFactory(system=world.other_system)
    foreign_partner = PlacePartnerFactory(place=other_place)
    foreign_line = DelegationFactory(
        scheme=SchemeFactory(
            organisation=OrganisationFactory(system=world.other_system),
            status=SchemeStatus.DRAFT,
        )
    )
    foreign_matter = MatterCategoryFactory(system=world.other_system)
    framework = removals.round.framework
    foreign_round = make_round(system=world.other_system, framework=framework, title="Elsewhere")
    foreign_decision = RedactionDecision.objects.create(
        round=foreign_round, kind=RedactionKind.REDACT, phrase="old mill"
    )
    another_round = make_round(system=world.system, framework=framework, title="Another round")
    for target in [
        url("place_partner_remove", world, world.place_a.pk, foreign_partner.pk),
        url("place_partner_remove", world, other_place.pk, foreign_partner.pk),
        # A partner of this system, under another of its places.
        url("place_partner_remove", world, world.place_b.pk, removals.partner.pk),
        url("line_remove", world, foreign_line.pk),
        url("matter_remove", world, foreign_matter.pk),
        url("redaction_remove", world, foreign_round.pk, foreign_decision.pk),
        # A review choice of this system, under another of its rounds.
        url("redaction_remove", world, another_round.pk, removals.decision.pk),
    ]:
        assert admin_client.get(target).status_code == 404, target
        assert admin_client.post(target).status_code == 404, target
    removals.nothing_removed()
    assert PlacePartner.objects.filter(pk=foreign_partner.pk).exists()
    assert Delegation.objects.filter(pk=foreign_line.pk).exists()
    assert MatterCategory.objects.filter(pk=foreign_matter.pk).exists()
    assert RedactionDecision.objects.filter(pk=foreign_decision.pk).exists()


def test_removing_a_partner_is_confirmed_then_done(admin_client, world, removals):
    place_url = url("place", world, world.place_a.pk)
    remove_url = removals.targets()["place_partner_remove"]
    page = admin_client.get(place_url).content.decode()
    assert f'href="{remove_url}"' in page
    assert f'action="{remove_url}"' not in page  # the row links, it does not post

    confirm = admin_client.get(remove_url).content.decode()
    assert "Remove Ashford Borough Council from Ashford?" in confirm
    assert "will no longer be listed as a partner of Ashford" in confirm
    assert "Its schemes of delegation are kept." in confirm
    assert ">Remove partner</button>" in confirm
    assert f'href="{place_url}">Cancel</a>' in confirm
    assert PlacePartner.objects.filter(pk=removals.partner.pk).exists()

    done = admin_client.post(remove_url, follow=True)
    assert done.redirect_chain[-1][0] == place_url
    assert "Removed Ashford Borough Council from Ashford." in done.content.decode()
    assert not PlacePartner.objects.filter(pk=removals.partner.pk).exists()
    assert SchemeOfDelegation.objects.filter(pk=removals.line.scheme.pk).exists()  # kept


def test_a_refused_partner_removal_after_confirming_says_why(
    admin_client, world, organisation, removals
):
    make_member(place=world.place_a, organisation=organisation)
    remove_url = removals.targets()["place_partner_remove"]
    assert admin_client.get(remove_url).status_code == 200
    done = admin_client.post(remove_url, follow=True)
    assert done.redirect_chain[-1][0] == url("place", world, world.place_a.pk)
    assert "still has representatives in Ashford" in done.content.decode()
    assert PlacePartner.objects.filter(pk=removals.partner.pk).exists()


def test_removing_a_line_is_confirmed_then_done(admin_client, world, removals):
    line = removals.line
    scheme_url = url("scheme", world, line.scheme.pk)
    remove_url = removals.targets()["line_remove"]
    page = admin_client.get(scheme_url).content.decode()
    assert f'href="{remove_url}"' in page
    assert f'action="{remove_url}"' not in page

    confirm = admin_client.get(remove_url).content.decode()
    assert "Remove the line for Contract award, up to and including £250,000?" in confirm
    assert (
        "The line will be deleted from the draft of version 1 of Ashford Borough "
        "Council&#x27;s scheme of delegation: the draft will no longer say who decides "
        "Contract award, up to and including £250,000. This cannot be undone."
    ) in confirm
    assert ">Remove line</button>" in confirm
    assert f'href="{scheme_url}">Cancel</a>' in confirm
    assert Delegation.objects.filter(pk=line.pk).exists()

    done = admin_client.post(remove_url, follow=True)
    assert done.redirect_chain[-1][0] == scheme_url
    assert "Removed the line for Contract award." in done.content.decode()
    assert not Delegation.objects.filter(pk=line.pk).exists()


def test_a_line_of_a_scheme_in_force_has_no_confirmation_page(admin_client, world, removals):
    scheme = removals.line.scheme
    scheme.status = SchemeStatus.IN_FORCE
    scheme.save()
    remove_url = removals.targets()["line_remove"]
    shown = admin_client.get(remove_url, follow=True)
    assert shown.redirect_chain[-1][0] == url("scheme", world, scheme.pk)
    assert "start a new version" in shown.content.decode().lower()
    assert "Remove line</button>" not in shown.content.decode()
    admin_client.post(remove_url)
    assert Delegation.objects.filter(pk=removals.line.pk).exists()


def test_removing_a_matter_is_confirmed_then_done(admin_client, world, removals):
    matters_url = url("matters", world)
    remove_url = removals.targets()["matter_remove"]
    page = admin_client.get(matters_url).content.decode()
    assert f'href="{remove_url}"' in page
    assert f'action="{remove_url}"' not in page

    confirm = admin_client.get(remove_url).content.decode()
    assert "Remove the matter Estates?" in confirm
    assert "will be deleted from the matter categories of" in confirm
    assert ">Remove matter</button>" in confirm
    assert f'href="{matters_url}">Cancel</a>' in confirm
    assert MatterCategory.objects.filter(pk=removals.matter.pk).exists()

    done = admin_client.post(remove_url, follow=True)
    assert done.redirect_chain[-1][0] == matters_url
    assert "Removed the matter Estates." in done.content.decode()
    assert not MatterCategory.objects.filter(pk=removals.matter.pk).exists()


def test_a_refused_matter_removal_after_confirming_says_why(admin_client, world, removals):
    MatterCategoryFactory(system=world.system, name="Buildings", parent=removals.matter)
    remove_url = removals.targets()["matter_remove"]
    assert admin_client.get(remove_url).status_code == 200
    done = admin_client.post(remove_url, follow=True)
    assert done.redirect_chain[-1][0] == url("matters", world)
    assert "Estates has matters beneath it" in done.content.decode()
    assert MatterCategory.objects.filter(pk=removals.matter.pk).exists()


def test_removing_a_review_choice_is_confirmed_then_done(admin_client, world, removals):
    review_url = url("summary_review", world, removals.round.pk)
    remove_url = removals.targets()["redaction_remove"]
    confirm = admin_client.get(remove_url, {"show": "removed", "page": "2"}).content.decode()
    assert "Remove “old mill” from the redactions?" in confirm
    assert "is no longer redacted by hand" in confirm
    assert ">Remove redaction</button>" in confirm
    # Cancel, and the button, return the reviewer to the filter and page they were on.
    assert f'href="{review_url}?show=removed&amp;page=2">Cancel</a>' in confirm
    assert '<input type="hidden" name="show" value="removed">' in confirm
    assert '<input type="hidden" name="page" value="2">' in confirm
    assert RedactionDecision.objects.filter(pk=removals.decision.pk).exists()

    response = admin_client.post(remove_url, {"show": "removed", "page": "2"})
    assert response.status_code == 302
    assert response["Location"] == f"{review_url}?show=removed&page=2"
    assert not RedactionDecision.objects.filter(pk=removals.decision.pk).exists()
    page = admin_client.get(review_url).content.decode()
    assert "“old mill” is no longer redacted by hand." in page


def test_removing_a_kept_phrase_says_it_is_removed_again(admin_client, removals):
    kept = RedactionDecision.objects.create(
        round=removals.round, kind=RedactionKind.KEEP, phrase="Ashford", note="A reason"
    )
    remove_url = url("redaction_remove", removals.world, removals.round.pk, kept.pk)
    confirm = admin_client.get(remove_url).content.decode()
    assert "Remove “Ashford” from the kept phrases?" in confirm
    assert "is removed again wherever it was found" in confirm
    assert ">Remove from kept phrases</button>" in confirm
    admin_client.post(remove_url)
    assert not RedactionDecision.objects.filter(pk=kept.pk).exists()
