"""A place member's journey in a real browser: sign in through the form (by mouse and by
keyboard alone), see only their own place, and meet no serious accessibility problem."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_sign_in_page_is_accessible(page: Page, live_server) -> None:
    page.goto(live_server.url + reverse("login"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_member_sees_only_their_own_place(page: Page, live_server, world) -> None:
    sign_in(page, live_server, world.member_a)

    expect(page.get_by_role("heading", level=1)).to_have_text("Your places")
    main = page.locator("main")
    expect(main.get_by_role("link", name=world.place_a.name)).to_be_visible()
    expect(main).not_to_contain_text(world.place_b.name)
    assert_accessible(page)

    main.get_by_role("link", name=world.place_a.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world.place_a.name)
    assert page.url == live_server.url + reverse("place_detail", args=[world.place_a.pk])
    assert_accessible(page)

    response = page.goto(live_server.url + reverse("place_detail", args=[world.place_b.pk]))
    assert response is not None
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text(world.place_b.name)

    # Scripts and styles all load under the app's Content-Security-Policy.
    assert [e for e in page.console_errors if "404" not in e] == []  # type: ignore[attr-defined]


def test_wrong_password_shows_the_error(page: Page, live_server, world) -> None:
    sign_in(page, live_server, world.member_a, password=PASSWORD + "-wrong")

    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct e-mail address and password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert page.url.startswith(live_server.url + reverse("login"))
    assert_accessible(page)

    page.goto(live_server.url + reverse("home"))
    assert page.url.startswith(live_server.url + reverse("login")), "should still be signed out"


def test_keyboard_only_sign_in(page: Page, live_server, world) -> None:
    page.goto(live_server.url + reverse("login"))
    focused_name = "() => document.activeElement && document.activeElement.getAttribute('name')"

    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate(focused_name) == "username":
            break
    else:
        pytest.fail("Tab never reached the e-mail address field")

    page.keyboard.type(world.member_a.email)
    page.keyboard.press("Tab")
    assert page.evaluate(focused_name) == "password", "Tab from e-mail should reach password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your places")
    expect(page.locator("main").get_by_role("link", name=world.place_a.name)).to_be_visible()
