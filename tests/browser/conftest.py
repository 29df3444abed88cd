"""Browser tests: Playwright drives Debian's headless Chromium against pytest-django's
live_server. Without /usr/bin/chromium they skip locally and fail under CI (tests/services.py).

The app's Content-Security-Policy stays in force in the browser: axe-core is served to the
page from a same-origin URL intercepted with `page.route`, so no inline script is needed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from partners.two_factor import two_factor_required
from tests.factories import PASSWORD, AuthenticatorAppFactory, current_code
from tests.services import CHROMIUM, CHROMIUM_ARGS, chromium_available, require

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from partners.models import User

AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
# A same-origin path that never reaches Django: the browser context answers it with axe-core.
AXE_URL_PATH = "/__browser-tests__/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 15_000
# Assertions wait as long as actions do: a loaded two-core machine can take more than
# Playwright's default 5 s to autosave and re-render.
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    require(chromium_available(), f"headless Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread, which makes Django's ORM
    # refuse to run from test code ("async unsafe"). The tests never run the ORM
    # concurrently with the loop, so lift the guard while the browser is up.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A fresh page in its own context (no cookies carried over between tests). Console
    errors, such as a script refused by the CSP, are collected on `page.console_errors`."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    context.route(
        f"**{AXE_URL_PATH}",
        lambda route: route.fulfill(
            status=200, content_type="application/javascript", path=str(AXE_JS)
        ),
    )
    new_page = context.new_page()
    errors: list[str] = []
    new_page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    new_page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A request the app refused (a 4xx or 5xx that htmx silently does not swap) is an error too.
    new_page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} {response.request.method} {response.url}")
            if response.status >= 400 and response.request.method == "POST"
            else None
        ),
    )
    new_page.console_errors = errors  # type: ignore[attr-defined]
    try:
        yield new_page
    finally:
        context.close()


def sign_in(page: Page, live_server: Any, user: User, password: str = PASSWORD) -> None:
    """Sign in through the real sign-in form, as a person would; someone who must use
    two-factor sign-in has an authenticator app and types the code it shows."""
    app = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if app is None and two_factor_required(user=user):
        app = AuthenticatorAppFactory(user=user)
    page.goto(live_server.url + reverse("login"))
    page.locator("input[name=username]").fill(user.email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if app is not None and reverse("two_factor_verify") in page.url:
        page.get_by_label("Security code").fill(current_code(app))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()


def assert_accessible(page: Page) -> None:
    """Run axe-core (WCAG 2.2 AA rule set) on the current page and fail on any serious or
    critical violation."""
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core is missing: expected it at {AXE_JS}")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL_PATH)
    results = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
            }));
        }""",
        WCAG_TAGS,
    )
    blocking = [v for v in results if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        pytest.fail(
            f"axe-core found {len(blocking)} serious or critical WCAG 2.2 AA violation(s) "
            f"on {page.url}:\n" + json.dumps(blocking, indent=2)
        )


def mark_document(page: Page) -> None:
    """A flag that survives in-place swaps but not a page load. Set once the page has loaded
    and htmx has taken it over: a click before then would send a form the plain way and
    reload the page, which is not what a person sees."""
    page.wait_for_function("() => document.readyState === 'complete' && !!window.htmx")
    page.evaluate("() => { window.__sameDocument = true; }")


def assert_same_document(page: Page) -> None:
    assert page.evaluate("() => window.__sameDocument === true"), "the page reloaded"
