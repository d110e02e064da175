"""The pages each role of the demo desk reaches from its home page: none fails, and every label,
help text and message points at one element of its page only (a label whose id is shared names
the wrong control, or none, for a screen reader and for a click)."""

from __future__ import annotations

import re

from sportello.demo import DEMO_PASSWORD, USERS
from tests.conftest import shared_label_targets

# Not pages: files, and what ends the session.
NOT_PAGES = ("/logout", "/static/", ".pdf", ".xlsx", "/download", "/qr")
# Pages of one kind visited (e.g. two case pages), and pages in all, per role.
PER_KIND = 2
PER_ROLE = 120


def _crawl(client) -> tuple[int, dict[str, dict[str, int]], list[str]]:
    seen: set[str] = set()
    kinds: dict[str, int] = {}
    queue, shared, failed = ["/"], {}, []
    while queue and len(seen) < PER_ROLE:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code >= 500:
            failed.append(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        if found := shared_label_targets(response):
            shared[path] = found
        for link in re.findall(r'href="(/[^"#]*)"', response.get_data(as_text=True)):
            link = link.replace("&amp;", "&")
            kind = re.sub(r"\d+", "N", link.split("?")[0])
            if link in seen or any(part in link for part in NOT_PAGES) or kinds.get(kind, 0) >= PER_KIND:
                continue
            kinds[kind] = kinds.get(kind, 0) + 1
            queue.append(link)
    return len(seen), shared, failed


def test_the_demo_pages_of_every_role_have_one_control_per_label(app, db, client):
    seeded = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert seeded.exit_code == 0, seeded.output
    for role, _, email, _, _ in USERS:
        client.post("/logout")
        assert client.post("/login", data={"email": email, "password": DEMO_PASSWORD}).status_code == 302
        visited, shared, failed = _crawl(client)
        assert visited >= 20, role
        assert failed == [], role
        assert shared == {}, role
