"""Two-factor sign-in in a real browser: an ICB admin sets up an authenticator app at their
first sign-in, keeps their backup codes, and reaches the console; the pages are accessible."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, AuthenticatorAppFactory, current_code

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def type_password(page: Page, live_server, user) -> None:
    page.goto(live_server.url + reverse("login"))
    page.locator("input[name=username]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_icb_admin_sets_up_an_app_at_first_sign_in(page: Page, live_server, world) -> None:
    type_password(page, live_server, world.icb_admin)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.locator("svg.app-qr-code")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("That code did not match")
    assert_accessible(page)

    app = TOTPDevice.objects.get(user=world.icb_admin)
    page.get_by_label("Security code").fill(current_code(app))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your backup codes")
    expect(page.locator(".app-backup-codes li")).to_have_count(10)
    assert_accessible(page)

    page.get_by_role("button", name="I have kept my codes: continue").click()
    page.goto(live_server.url + reverse("console:dashboard", args=[world.system.slug]))
    expect(page.get_by_role("heading", level=1)).to_contain_text(world.system.name)


def test_the_code_page_is_accessible_and_says_what_went_wrong(
    page: Page, live_server, world
) -> None:
    app = AuthenticatorAppFactory(user=world.icb_admin)
    type_password(page, live_server, world.icb_admin)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    assert_accessible(page)
    page.get_by_label("Security code").fill("12")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page)
    TOTPDevice.objects.filter(pk=app.pk).update(throttling_failure_timestamp=None)
    page.get_by_label("Security code").fill(current_code(app))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="Admin console", exact=True)).to_be_visible()
