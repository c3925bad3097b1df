"""One signed-in person's browser for the browser tests: in English so the test can read
it, JavaScript off (every page must work without it), and a record of every host a page
asked for, so that closing it proves no request left the app."""

from pathlib import Path
from typing import Any

from django.conf import settings

from sipakatau.accounts.models import User
from tests.browser.axe import AxeChecker
from tests.factories import signed_in_client

PHONE = {"width": 360, "height": 740}
OFFICE_PC = {"width": 1280, "height": 900}


class SignedInBrowser:
    def __init__(
        self,
        browser: Any,
        live_server: Any,
        user: User,
        artifacts: Path,
        *,
        prefix: str,
        viewport: dict[str, int] = PHONE,
    ) -> None:
        self.server = live_server.url
        self.artifacts = artifacts
        self.prefix = prefix
        self.width = viewport["width"]
        self.context = browser.new_context(
            viewport=viewport, device_scale_factor=1, java_script_enabled=False
        )
        client = signed_in_client(user)
        cookies = [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": self.server,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": self.server},
        ]
        self.context.add_cookies(cookies)
        # Every page photographed is also checked with axe-core (see axe.py).
        self.axe = AxeChecker(browser, cookies, viewport)
        self.page = self.context.new_page()
        self.hosts: set[str] = set()
        self.page.on("request", lambda request: self.hosts.add(request.url.split("/")[2]))

    def go(self, path: str) -> Any:
        self.page.goto(f"{self.server}{path}")
        return self.page

    def click(self, selector: str) -> None:
        with self.page.expect_navigation():
            self.page.locator(selector).first.click()

    def text(self, selector: str = "main") -> str:
        return str(self.page.locator(selector).inner_text())

    def shot(self, name: str) -> Path:
        """A full-page screenshot, after checking nothing is wider than the screen."""
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.width, f"{name} is {width} px wide: {self._too_wide()}"
        small = self._small_primary_actions()
        assert not small, f"{name}: primary actions under 44 x 44 px: {small}"
        path = self.artifacts / f"{self.prefix}-{name}-{self.width}.png"
        self.page.screenshot(path=str(path), full_page=True)
        if self.page.url.startswith(self.server) and "pdf" not in self.page.url:
            problems = self.axe.check(self.page.url)
            assert not problems, f"{name}: {problems}"
        return path

    def _too_wide(self) -> list[str]:
        """The first elements that reach past the screen's right edge, to say what to fix."""
        return list(
            self.page.evaluate(
                """(w) => [...document.querySelectorAll("body *")]
                .filter((e) => e.getBoundingClientRect().right > w + 1)
                .filter((e) => !e.closest("nav ul"))
                .slice(0, 4)
                .map((e) => `${e.tagName}.${e.className} ${(e.textContent || "").slice(0, 30)}`)""",
                self.width,
            )
        )

    def _small_primary_actions(self) -> list[str]:
        """Buttons and button-styled links smaller than 44 x 44 CSS px (the issue's rule
        for primary actions; axe-core checks 24 x 24 for every other control)."""
        return list(
            self.page.evaluate(
                """() => [...document.querySelectorAll("main button, main a.button")]
                .filter((e) => e.offsetParent !== null)
                .map((e) => [e, e.getBoundingClientRect()])
                .filter(([e, r]) => r.height < 43.5 || r.width < 43.5)
                .slice(0, 4)
                .map(([e, r]) => `${(e.textContent || "").trim().slice(0, 30)}`
                    + ` ${Math.round(r.width)}x${Math.round(r.height)}`)"""
            )
        )

    def close(self) -> None:
        assert self.hosts == {self.server.split("/")[2]}, self.hosts
        self.axe.close()
        self.context.close()
