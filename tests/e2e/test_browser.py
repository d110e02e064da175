"""In a real browser: sign in, switch to Arabic (right-to-left), and check accessibility with axe-core.

Drives Debian's Chromium through Playwright; axe-core comes from npm (package.json).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sportello.config import TestingConfig
from sportello.demo import DEMO_PASSWORD, USERS, serve_demo

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The app on a free local port, on its own SQLite file with the demo data, CSRF on."""
    config = type("E2EConfig", (TestingConfig,), {"WTF_CSRF_ENABLED": True})
    with serve_demo(tmp_path_factory.mktemp("e2e") / "e2e.sqlite", config) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: run `make test`, which installs it"
    assert AXE.exists(), "axe-core is missing: run `make test`, which runs `npm ci`"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_login_switch_to_arabic_and_accessibility(live_server, browser):
    # axe is injected as a script; the app's own policy forbids injected scripts, so bypass it here.
    context = browser.new_context(bypass_csp=True, locale="it-IT")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    assert page.locator("html").get_attribute("lang") == "it"
    assert _serious_violations(page) == []

    operator_email = next(email for role, _, email, _, _ in USERS if role.value == "operator")
    page.fill("input[name=email]", operator_email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    assert page.locator("h1").count() == 1
    assert _serious_violations(page) == []

    # Switch the interface to Arabic from the language menu.
    page.click("#language-menu")
    page.click("button[name=language][value=ar]")
    page.wait_for_load_state()
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl"
    assert html.get_attribute("lang") == "ar"
    assert page.locator("link[href*='bootstrap.rtl.min.css']").count() == 1
    # The navigation starts on the right in right-to-left layout.
    brand = page.locator(".navbar-brand").bounding_box()
    assert brand["x"] > page.viewport_size["width"] / 2
    assert _serious_violations(page) == []
    context.close()


def test_case_page_add_an_intervention_and_accessibility(live_server, browser):
    context = browser.new_context(bypass_csp=True, locale="it-IT")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    operator_email = next(email for role, _, email, _, _ in USERS if role.value == "operator")
    page.fill("input[name=email]", operator_email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")

    # From the day's appointments to the case.
    page.locator("#section-appointments ~ ul a").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").count() == 1
    assert _serious_violations(page) == []

    page.locator("#timeline summary").click()
    page.fill("#timeline textarea[name=note]", "Telefonata di verifica dal browser")
    page.fill("#timeline input[name=minutes]", "12")
    page.locator("#timeline details button[type=submit]").click()
    page.wait_for_load_state()
    assert "Telefonata di verifica dal browser" in page.locator("#timeline").inner_text()

    # A bad value keeps what was typed and shows the message at the field.
    page.locator("#timeline summary").click()
    page.fill("#timeline textarea[name=note]", "Da non perdere")
    page.fill("#timeline input[name=minutes]", "5000")
    page.locator("#timeline details button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#timeline textarea[name=note]").input_value() == "Da non perdere"
    assert page.locator("#intervention-minutes-error").is_visible()
    assert _serious_violations(page) == []
    context.close()


def test_a_mediator_logs_a_session_on_a_phone(live_server, browser):
    """The demo mediator (Arabic interface) logs yesterday's session from the home page, on a
    phone-sized screen: a wrong end time first, then the right one."""
    context = browser.new_context(
        bypass_csp=True, locale="ar", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{live_server}/login")
    mediator_email = next(email for role, _, email, _, _ in USERS if role.value == "mediator")
    page.fill("input[name=email]", mediator_email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    assert page.locator("html").get_attribute("dir") == "rtl"

    to_log = page.locator("#section-to_log ~ ul a")
    assert to_log.count() == 1
    to_log.first.click()
    page.wait_for_load_state()
    assert "/session" in page.url
    assert _serious_violations(page) == []
    # The form fits the phone's width: nothing to scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.fill("input[name=starts_at]", "10:00")
    page.fill("input[name=ends_at]", "09:30")
    page.select_option("select[name=outcome]", "completed")
    page.fill("textarea[name=note]", "Spiegati gli orari del consultorio")
    page.locator(".session-log form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#ends_at-error").is_visible()
    assert page.locator("textarea[name=note]").input_value() == "Spiegati gli orari del consultorio"

    page.fill("input[name=ends_at]", "11:15")
    page.locator(".session-log form button[type=submit]").click()
    page.wait_for_url(f"{live_server}/")
    assert page.locator("#section-to_log ~ ul a").count() == 0
    context.close()
