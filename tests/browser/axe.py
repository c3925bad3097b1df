"""axe-core over the page a browser test is looking at: 0 critical and 0 serious
violations. axe-core comes as a local file with axe-playwright-python (nothing is
fetched). The tests' own pages run without JavaScript, where axe cannot run, so the page
is opened again in a JavaScript-enabled context with the same cookies."""

from typing import Any

BLOCKING = {"critical", "serious"}
# Off by default in axe-core: every control at least 24 x 24 CSS px, or spaced as if it
# were (WCAG 2.2, 2.5.8); links inside a sentence are exempt. Its violations are serious.
OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}


def blocking_violations(page: Any) -> list[str]:
    """The critical and serious violations of ``page`` (JavaScript must be on)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(str(node["target"][0]) for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


class AxeChecker:
    """Re-opens a URL in a JavaScript-enabled twin of a test's browser context."""

    def __init__(self, browser: Any, cookies: list[dict[str, Any]], viewport: dict[str, int]):
        self.context = browser.new_context(viewport=viewport)
        self.context.add_cookies(cookies)
        self.page = self.context.new_page()

    def check(self, url: str) -> list[str]:
        self.page.goto(url)
        return blocking_violations(self.page)

    def close(self) -> None:
        self.context.close()
