"""Whatever people type into the sign-in, place, organisation, people and role forms and
the console's searches comes back as text.

Property-based: hypothesis writes the text, the real views take it, and every example runs in
a transaction that is rolled back, so examples never meet each other's records."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from hypothesis import assume, given
from hypothesis import strategies as st

from partners.models import Organisation, Place, Role, Sector, User
from tests.conftest import World
from tests.factories import (
    PASSWORD,
    AuthenticatorAppFactory,
    OrganisationFactory,
    membership_of,
)
from tests.hostile import (
    assert_no_injected_markup,
    hostile_text,
    rolled_back,
)
from tests.properties.text_checks import (
    HX,
    assert_audit_log_shows_as_text,
    assert_shows_as_text,
    console,
    examples,
    page,
    posted,
)
from tests.reach import Reach, reaching

pytestmark = pytest.mark.django_db


# Signing in ----------------------------------------------------------------------------------


def test_any_email_typed_at_sign_in_comes_back_as_text_beside_the_error(
    client: Client, world: World
) -> None:
    @reaching(examples, given(email=hostile_text, password=hostile_text))
    def check(reach: Reach, email: str, password: str) -> None:
        with rolled_back():
            response = posted(
                client, reverse("login"), {"username": email, "password": password, "next": email}
            )
            reach.assertion()
            assert response.status_code == 200
            html = response.content.decode()
            assert "There is a problem" in html
            assert_shows_as_text(html, email)

    check()


def test_any_address_typed_to_reset_a_password_comes_back_as_text(
    client: Client, world: World
) -> None:
    @reaching(examples, given(email=hostile_text))
    def check(reach: Reach, email: str) -> None:
        with rolled_back():
            response = posted(client, reverse("password_reset"), {"email": email})
            reach.assertion()
            if response.status_code == 200:
                assert_shows_as_text(response.content.decode(), email)
            else:  # an address in the right shape: nothing to show back
                assert response.status_code == 302

    check()


def test_any_security_code_typed_comes_back_as_text_beside_the_error(
    client: Client, world: World
) -> None:
    @reaching(examples, given(token=hostile_text))
    def check(reach: Reach, token: str) -> None:
        with rolled_back():
            # The code asked for after the password.
            AuthenticatorAppFactory(user=world.icb_admin)
            signed_in = client.post(
                reverse("login"), {"username": world.icb_admin.email, "password": PASSWORD}
            )
            assert signed_in.status_code == 302
            response = posted(client, reverse("two_factor_verify"), {"token": token})
            if response.status_code == 200:
                reach.assertion()
                assert_shows_as_text(response.content.decode(), token)

            # The code that confirms a new authenticator app.
            client.logout()
            client.post(reverse("login"), {"username": world.member_a.email, "password": PASSWORD})
            assert page(client, reverse("two_factor_setup"))
            response = posted(client, reverse("two_factor_setup"), {"token": token})
            if response.status_code == 200:
                assert_shows_as_text(response.content.decode(), token)

    check()


# Places --------------------------------------------------------------------------------------


def _place_pages(client: Client, world: World, place: Place) -> list[tuple[str, bool]]:
    """Every console page and partial that shows a place, and the place's own page, each
    with whether it shows the local authority footprint too."""
    return [
        (page(client, console("places", world)), True),
        (page(client, console("places", world), **HX), True),
        (page(client, console("place_row", world, place.pk), **HX), True),
        (page(client, console("place_edit", world, place.pk)), True),
        (page(client, console("place_edit", world, place.pk), **HX), True),
        (page(client, console("place", world, place.pk)), False),
        (page(client, reverse("place_detail", args=[place.pk])), True),
    ]


def test_any_place_name_and_footprint_show_as_text_on_the_console_pages(
    client: Client, world: World
) -> None:
    @reaching(
        examples,
        given(name=hostile_text, footprint=hostile_text, new_name=hostile_text, htmx=st.booleans()),
    )
    def check(reach: Reach, name: str, footprint: str, new_name: str, htmx: bool) -> None:
        headers = HX if htmx else {}
        with rolled_back():
            client.force_login(world.icb_admin)
            typed = {"new-place-name": name, "new-place-local_authority_footprint": footprint}
            for error_headers in ({}, HX):
                refused = posted(
                    client,
                    console("place_add", world),
                    {**typed, "new-place-population": "many"},
                    **error_headers,
                )
                assert refused.status_code == 200
                assert_shows_as_text(refused.content.decode(), name, footprint)

            known = set(Place.objects.values_list("pk", flat=True))
            added = posted(client, console("place_add", world), typed, **headers)
            place = Place.objects.exclude(pk__in=known).first()
            if place is None:  # refused by the service: the form shows why, with the text
                assert_shows_as_text(added.content.decode(), name, footprint)
            assume(place is not None)  # a refused one is dropped: hypothesis draws another
            assert place is not None
            reach.assertion()
            if htmx:
                assert_shows_as_text(added.content.decode(), place.name)
            for html, shows_footprint in _place_pages(client, world, place):
                assert_shows_as_text(html, place.name)
                if shows_footprint:
                    assert_shows_as_text(html, place.local_authority_footprint)
            people = page(
                client, console("place", world, place.pk), **HX, HTTP_HX_TARGET="place-people"
            )
            assert_no_injected_markup(people)

            prefix = f"place-{place.pk}"
            edited = posted(
                client,
                console("place_edit", world, place.pk),
                {f"{prefix}-name": new_name, f"{prefix}-local_authority_footprint": name},
                **headers,
            )
            place.refresh_from_db()
            if htmx:
                assert_shows_as_text(edited.content.decode(), place.name)
            assert_shows_as_text(
                page(client, console("place_row", world, place.pk), **HX), place.name
            )
            assert_audit_log_shows_as_text(client, world)

    check()


# Organisations and their aliases --------------------------------------------------------------


def _organisation_pages(client: Client, world: World, organisation: Organisation) -> list[str]:
    return [
        page(client, console("organisations", world)),
        page(client, console("organisations", world), **HX),
        page(client, console("organisation_row", world, organisation.pk), **HX),
        page(client, console("organisation_edit", world, organisation.pk)),
        page(client, console("organisation_edit", world, organisation.pk), **HX),
        page(client, console("organisation_alias_add", world, organisation.pk)),
    ]


short_text = hostile_text.map(lambda text: text[:10])


def test_any_organisation_name_code_and_alias_show_as_text_on_the_console_pages(
    client: Client, world: World
) -> None:
    @reaching(
        examples,
        given(
            name=hostile_text,
            ods_code=short_text,
            aliases=st.lists(hostile_text, max_size=3),
            htmx=st.booleans(),
        ),
    )
    def check(reach: Reach, name: str, ods_code: str, aliases: list[str], htmx: bool) -> None:
        headers = HX if htmx else {}
        alias_lines = "\n".join(aliases)
        typed = {
            "new-organisation-name": name,
            "new-organisation-legal_form": "nhs_trust",
            "new-organisation-ods_code": ods_code,
            "new-organisation-aliases": alias_lines,
        }
        with rolled_back():
            client.force_login(world.icb_admin)
            for error_headers in ({}, HX):
                refused = posted(client, console("organisation_add", world), typed, **error_headers)
                assert refused.status_code == 200  # no sector chosen
                assert_shows_as_text(refused.content.decode(), name, ods_code, alias_lines)

            added = posted(
                client,
                console("organisation_add", world),
                {**typed, "new-organisation-sector": Sector.ACUTE_TRUST},
                **headers,
            )
            organisation = Organisation.objects.filter(system=world.system).first()
            if organisation is None:  # refused by the service: the form shows why, with the text
                assert_shows_as_text(added.content.decode(), name, ods_code, alias_lines)
            # The rest is about a stored organisation: hypothesis draws another for a refused one.
            assume(organisation is not None)
            assert organisation is not None
            reach.assertion()
            stored_aliases = list(organisation.aliases.values_list("alias", flat=True))
            if htmx:
                assert_shows_as_text(added.content.decode(), organisation.name, *stored_aliases)
            for html in _organisation_pages(client, world, organisation):
                assert_shows_as_text(html, organisation.name)
            for html in _organisation_pages(client, world, organisation)[:3]:
                assert_shows_as_text(html, organisation.ods_code, *stored_aliases)
            assert_audit_log_shows_as_text(client, world)

    check()


def test_any_alias_shows_as_text_and_comes_back_as_text_when_refused(
    client: Client, world: World
) -> None:
    @reaching(examples, given(alias=hostile_text, htmx=st.booleans()))
    def check(reach: Reach, alias: str, htmx: bool) -> None:
        headers = HX if htmx else {}
        with rolled_back():
            client.force_login(world.icb_admin)
            organisation = OrganisationFactory(system=world.system, name="Ashford Borough Council")
            url = console("organisation_alias_add", world, organisation.pk)
            field = f"alias-{organisation.pk}-alias"
            added = posted(client, url, {field: alias}, **headers)
            stored = list(organisation.aliases.values_list("alias", flat=True))
            reach.assertion()
            if htmx or not stored:
                assert_shows_as_text(added.content.decode(), *(stored or [alias]))
            for html in _organisation_pages(client, world, organisation)[:3]:
                assert_shows_as_text(html, *stored)

            # The same alias again is refused, and the form shows it back beside the reason.
            for error_headers in ({}, HX):
                again = posted(client, url, {field: alias}, **error_headers)
                assert again.status_code == 200
                assert_shows_as_text(again.content.decode(), alias)
            assert_audit_log_shows_as_text(client, world)

    check()


# People and their roles -------------------------------------------------------------------


def test_anything_typed_about_an_invited_person_shows_as_text(
    client: Client, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    @reaching(
        examples,
        given(
            full_name=hostile_text, job_title=hostile_text, email=hostile_text, htmx=st.booleans()
        ),
    )
    def check(reach: Reach, full_name: str, job_title: str, email: str, htmx: bool) -> None:
        headers = HX if htmx else {}
        typed = {
            "invite-full_name": full_name,
            "invite-job_title": job_title,
            "invite-role": Role.PLACE_MEMBER,
            "invite-place": world.place_a.pk,
        }
        with rolled_back():
            client.force_login(world.icb_admin)
            mail.outbox.clear()
            for error_headers in ({}, HX):
                refused = posted(
                    client,
                    console("person_invite", world),
                    {**typed, "invite-email": email},
                    **error_headers,
                )
                if refused.status_code == 200:
                    assert_shows_as_text(refused.content.decode(), full_name, job_title, email)

            address = "new.partner@example.nhs.uk"
            with django_capture_on_commit_callbacks(execute=True):
                invited = posted(
                    client,
                    console("person_invite", world),
                    {**typed, "invite-email": address},
                    **headers,
                )
            person = User.objects.filter(email=address).first()
            if person is None:  # refused by the service: the form shows why, with the text
                assert_shows_as_text(invited.content.decode(), full_name, job_title)
            assume(person is not None)  # a refused one is dropped: hypothesis draws another
            assert person is not None
            reach.assertion()
            texts = (person.full_name, person.job_title)
            if htmx:
                assert_shows_as_text(invited.content.decode(), person.full_name)
            for html in (
                page(client, console("people", world)),
                page(client, console("people", world), **HX),
                page(client, console("person_row", world, person.pk), **HX),
                page(client, console("place", world, world.place_a.pk)),
                page(
                    client,
                    console("place", world, world.place_a.pk),
                    **HX,
                    HTTP_HX_TARGET="place-people",
                ),
            ):
                assert_shows_as_text(html, *texts)
            assert_audit_log_shows_as_text(client, world)

            # The invitation e-mail and the place's own page.
            (invitation,) = mail.outbox
            html_body = next(body for body, kind in invitation.alternatives if kind == "text/html")
            assert_shows_as_text(str(html_body), person.full_name)
            client.force_login(world.member_a)
            assert_shows_as_text(
                page(client, reverse("place_detail", args=[world.place_a.pk])), *texts
            )

    check()


def test_any_role_typed_into_the_role_forms_is_refused_and_shown_as_text(
    client: Client, world: World
) -> None:
    """The role forms have choices only; a value that is none of them (a crafted post) is
    named in the error, as text."""

    @reaching(examples, given(value=hostile_text))
    def check(reach: Reach, value: str) -> None:
        person = world.member_b
        membership = membership_of(person, world.place_b)
        add_prefix, change_prefix = f"person-{person.pk}", f"membership-{membership.pk}"
        with rolled_back():
            client.force_login(world.icb_admin)
            reach.assertion()
            for headers in ({}, HX):
                refused = posted(
                    client,
                    console("person_membership_add", world, person.pk),
                    {
                        f"{add_prefix}-role": value,
                        f"{add_prefix}-place": value,
                        f"{add_prefix}-organisation": value,
                    },
                    **headers,
                )
                assert refused.status_code == 200
                assert_shows_as_text(refused.content.decode(), value)

                refused = posted(
                    client,
                    console("membership_edit", world, membership.pk),
                    {f"{change_prefix}-role": value, f"{change_prefix}-organisation": value},
                    **headers,
                )
                assert refused.status_code == 200
                assert_shows_as_text(refused.content.decode(), value)
            membership.refresh_from_db()
            assert membership.role == Role.PLACE_MEMBER
            assert membership_of(person, world.place_b) == membership

    check()


# Searching the console lists ------------------------------------------------------------------


def test_any_search_typed_into_a_console_list_comes_back_as_text(
    client: Client, world: World
) -> None:
    @reaching(examples, given(search=hostile_text))
    def check(reach: Reach, search: str) -> None:
        with rolled_back():
            client.force_login(world.icb_admin)
            reach.assertion()
            for name in ("places", "organisations", "people", "audit", "rounds"):
                for headers in ({}, HX):
                    html = page(client, console(name, world), {"q": search}, **headers)
                    assert_shows_as_text(html, search)

    check()
