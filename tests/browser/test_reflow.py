"""Every page a person reaches reflows (WCAG 1.4.10): at a desktop's 1280 pixels, a phone's
390 and the 320 of a small phone or a 400% zoom, nothing makes the page scroll sideways, and
axe-core finds no serious accessibility problem and no content outside a landmark.

One signed-in browser page per role visits that role's pages with realistic data: long
organisation names and e-mail addresses, a released feedback summary, an open round, a place's
committees, terms of reference and schemes of delegation. Each page is loaded once and looked
at in each width in turn (the layout follows the width without a reload); every failure is
collected and named by its page and width."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.scene import ROLES, build_scene

pytestmark = pytest.mark.browser

WIDTHS = [(1280, 800), (390, 844), (320, 640)]
# The innermost elements whose box or content (a long word in a narrow cell) reaches past
# the window, and are not inside a box that scrolls: what a failure names to be fixed.
OVERFLOWING = """() => {
    const limit = window.innerWidth + 1;
    const scrolls = (element) => {
        for (let e = element.parentElement; e && e !== document.body; e = e.parentElement) {
            if (getComputedStyle(e).overflowX !== "visible") return true;
        }
        return false;
    };
    const reach = (element) => {
        const box = element.getBoundingClientRect();
        return box.width <= 1 ? 0 : Math.max(box.right, box.left + element.scrollWidth);
    };
    const found = [];
    for (const element of document.body.querySelectorAll("*")) {
        const right = reach(element);
        if (right <= limit || element.closest(".nhsuk-u-visually-hidden") || scrolls(element)) continue;
        if ([...element.children].some((child) => reach(child) > limit)) continue;
        const classes = typeof element.className === "string" ? element.className.trim() : "";
        const name = element.tagName.toLowerCase() + (classes ? "." + classes.split(/\\s+/).join(".") : "");
        const text = (element.textContent || "").trim().slice(0, 30);
        found.push(`${name} “${text}” (to ${Math.round(right)} px)`);
    }
    return found.slice(0, 5);
}"""

NEXT_FRAMES = (
    "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
)

REGION_RULE = """async () => {
    const results = await axe.run(document, {runOnly: {type: "rule", values: ["region"]}});
    return results.violations.flatMap((v) => v.nodes.map((n) => n.target.join(" "))).slice(0, 5);
}"""


def reflow_problems(page: Page) -> list[str]:
    problems = []
    scroll_width, window_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    if scroll_width > window_width:
        problems.append(
            f"scrolls sideways ({scroll_width} px wide in {window_width}): "
            + ", ".join(page.evaluate(OVERFLOWING))
        )
    try:
        assert_accessible(page)
    except pytest.fail.Exception as failure:
        problems.append(str(failure))
    outside = page.evaluate(REGION_RULE)
    if outside:
        problems.append(f"content outside a landmark: {', '.join(outside)}")
    return problems


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_reflows_at_every_width(
    page: Page, live_server: Any, world: World, role: str
) -> None:
    scene = build_scene(world)
    user_of, pages_of = ROLES[role]
    sign_in(page, live_server, user_of(world))
    failures: list[str] = []
    for name, url in pages_of(scene):
        page.set_viewport_size({"width": WIDTHS[0][0], "height": WIDTHS[0][1]})
        response = page.goto(live_server.url + url)
        assert response is not None and response.status == 200, f"{name}: {url}"
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            # The header moves links that no longer fit into its menu in the next frame.
            page.evaluate(NEXT_FRAMES)
            failures.extend(f"{name} at {width} px: {p}" for p in reflow_problems(page))
    assert not failures, f"{role}: pages that do not reflow:\n\n" + "\n\n".join(failures)
    assert page.console_errors == []  # type: ignore[attr-defined]
