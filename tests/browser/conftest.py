"""Browser fixtures: Playwright driving Debian's Chromium against pytest-django's live server,
with screenshots under test-output/screenshots/ and every console error collected.

Every Content-Security-Policy violation is collected too (the `securitypolicyviolation` event
of every document, and Chromium's "Refused to …" console lines), and a test that caused any
fails when its sessions close: no page may need what the policy forbids.

Without Chromium the browser tests skip on a developer's machine and fail under CI=true
(`.ci/run` installs it with apt-get).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI, ROOT

CHROMIUM = os.environ.get("ATELIER_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-output" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(f"{message}; CI=true: browser tests must run")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync loop
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


# Reports each violation of the page's Content-Security-Policy to the test (before any of the
# page's own scripts run, in every document the context opens).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__atelierCspViolation({
    page: document.location.href, directive: event.effectiveDirective,
    blocked: event.blockedURI, source: event.sourceFile, line: event.lineNumber,
    sample: event.sample});
});
"""
CSP_CONSOLE = ("Content Security Policy", "Content-Security-Policy", "Refused to")


class Session:
    """One signed-out browser context with its console errors, its Content-Security-Policy
    violations and a screenshot helper."""

    def __init__(self, browser: Any, base_url: str, *, width: int = 1280, height: int = 900):
        self.context = browser.new_context(base_url=base_url, accept_downloads=True,
                                           viewport={"width": width, "height": height})
        self.context.set_default_timeout(20_000)
        self.violations: list[Any] = []
        self.context.expose_function("__atelierCspViolation",
                                     lambda violation: self.violations.append(violation))
        self.context.add_init_script(REPORT_CSP_VIOLATIONS)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)
        if any(marker in message.text for marker in CSP_CONSOLE):
            self.violations.append(message.text)

    def sign_in(self, email: str, password: str) -> None:
        self.page.goto("/login/")
        self.page.get_by_label("E-mail").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def overflows(self) -> bool:
        """Wider than the viewport: a phone would have to scroll sideways."""
        return self.page.evaluate(
            "document.documentElement.scrollWidth > window.innerWidth + 1")


@pytest.fixture
def session(chromium: Any, live_server: Any) -> Iterator[Any]:
    opened: list[Session] = []

    def open_session(**size: int) -> Session:
        opened.append(Session(chromium, live_server.url, **size))
        return opened[-1]

    yield open_session
    violations = []
    for item in opened:
        item.page.wait_for_timeout(100)  # a violation's report is still on its way
        item.context.close()
        violations += item.violations
    assert violations == [], "Content-Security-Policy violations"
