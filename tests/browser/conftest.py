"""Browser tests drive Debian's Chromium (never a downloaded browser) through Playwright."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API keeps an event loop in the test thread; the ORM calls made by the
# test itself (creating people) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `bash .ci/system-packages`.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A page 360 px wide, like a cheap Android phone, that records every host it calls."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1)
    page = context.new_page()
    page.requested_hosts = set()
    page.requested_urls = []
    page.on("request", lambda request: page.requested_hosts.add(request.url.split("/")[2]))
    page.on("request", lambda request: page.requested_urls.append(request.url))
    yield page
    context.close()


class NeutralSite:
    """An everyday page on another origin (127.0.0.2), where the quick exit leads in tests,
    so that no browser test ever reaches the internet. It notes what each request sent."""

    def __init__(self) -> None:
        import http.server
        import threading

        self.seen: list[dict[str, str]] = []
        seen = self.seen

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
                body = (
                    b"<!doctype html><html><head><title>Cuaca</title>"
                    b'<link rel="icon" href="data:,"></head>'
                    b"<body><h1>Prakiraan cuaca</h1><p>Cerah berawan.</p></body></html>"
                )
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Handler)
        self.host = f"127.0.0.2:{self.server.server_address[1]}"
        self.url = f"http://{self.host}/cuaca/prakiraan"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def neutral_site() -> Iterator[NeutralSite]:
    site = NeutralSite()
    yield site
    site.close()


@pytest.fixture(autouse=True)
def _quick_exit_stays_on_this_machine(neutral_site: NeutralSite, settings: Any) -> None:
    """Every browser test's quick exit leads to the local neutral page, never the real one."""
    settings.QUICK_EXIT_URL = neutral_site.url
    neutral_site.seen.clear()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
