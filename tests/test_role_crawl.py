"""Every demo role walks its pages: from its home page, every link and GET form it can
reach on this site, breadth first. Nothing answers 4xx or 5xx (a link to a page the role
may not open is a broken promise), and no Indonesian page carries an English sentence."""

import re
from collections import deque
from pprint import pformat
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from django.test import Client, override_settings

from sipakatau.accounts.models import User
from sipakatau.demo.services import ACCOUNTS, demo_load
from tests.factories import signed_in_client

pytestmark = pytest.mark.django_db

# Pages per role at most: enough to reach every kind of page the demo has, bounded in time.
LIMIT = 120
# Leaving the session or the language, or files that are not pages.
SKIP = re.compile(r"^/(akun/keluar|i18n/|static/)|\.(pdf|xlsx|csv|zip|docx|png|jpg|svg)$")
# Words that only an English sentence has; Indonesian pages may hold names and codes.
ENGLISH = re.compile(
    r"\b(the|your|you|please|this|with|there|which|should|cannot|been|was|were)\b", re.I
)


def _links(page: str, here: str) -> list[str]:
    tree = lxml.html.fromstring(page)
    found = [urljoin(here, href) for href in tree.xpath("//a/@href")]
    for form in tree.xpath("//form"):
        if (form.get("method") or "get").lower() == "get":
            found.append(urljoin(here, form.get("action") or here))
    paths = []
    for url in found:
        parts = urlsplit(url)
        if parts.scheme in {"http", "https", ""} and parts.netloc in {"", "testserver"}:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith("/") and not SKIP.search(parts.path):
                paths.append(path)
    return paths


def _english(page: str) -> list[str]:
    tree = lxml.html.fromstring(page)
    for hidden in tree.xpath("//script|//style|//code|//*[@lang and @lang!='id']"):
        hidden.drop_tree()
    main = tree.xpath("//main") or [tree]
    text = " ".join(main[0].text_content().split())
    return [text[max(0, m.start() - 40) : m.end() + 40] for m in ENGLISH.finditer(text)]


def _crawl(client: Client) -> dict[str, str]:
    problems: dict[str, str] = {}
    seen = {"/beranda/"}
    queue = deque(["/beranda/"])
    while queue and len(seen) <= LIMIT:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code >= 400:
            problems[path] = f"answers {response.status_code}"
            continue
        if response.status_code in {301, 302}:
            target = response["Location"]
            if target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        page = response.content.decode()
        english = _english(page)
        if english:
            problems[path] = f"English on an Indonesian page: {english[:2]}"
        for link in _links(page, path):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return problems


@override_settings(DEMO_MODE=True)
def test_every_demo_role_reaches_only_pages_it_may_open_all_in_indonesian() -> None:
    demo_load()
    problems = {}
    for username, *_rest in ACCOUNTS:
        client = signed_in_client(User.objects.get(username=username))
        client.cookies["django_language"] = "id"
        found = _crawl(client)
        if found:
            problems[username] = found
    assert problems == {}, pformat(problems, width=120)
