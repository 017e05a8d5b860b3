"""The console's files as the app serves them: the page at /, its modules, nothing from afar."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from fleet_server.app import create_app
from fleet_server.console import ASSETS_DIR
from fleet_server.settings import FleetSettings

IMPORT = re.compile(r"""^import\s[^;]*?from\s+"([^"]+)";""", re.MULTILINE | re.DOTALL)


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The app without its lifespan: static files need neither database nor broker."""
    yield TestClient(create_app(FleetSettings(database_url="sqlite://")))


def _resolve(module: str, target: str) -> str:
    folder = module.rsplit("/", 1)[0]
    parts: list[str] = folder.split("/")
    for part in target.split("/"):
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def test_the_console_page_is_served_at_the_root_and_the_api_docs_stay(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-cache"
    assert '<script type="module" src="/console/js/main.js">' in page.text
    assert '<link rel="stylesheet" href="/console/console.css">' in page.text
    assert client.get("/docs").status_code == 200
    assert client.get("/console/console.css").headers["content-type"].startswith("text/css")


def test_every_module_the_console_imports_is_served_as_javascript(client: TestClient) -> None:
    seen: set[str] = set()
    pending = ["/console/js/main.js"]
    while pending:
        url = pending.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        assert "javascript" in response.headers["content-type"], url
        pending += [_resolve(url, target) for target in IMPORT.findall(response.text)]
    on_disk = {f"/console/{p.relative_to(ASSETS_DIR)}" for p in ASSETS_DIR.rglob("*.js")}
    assert seen == on_disk, "every module is reachable from main.js, and every import exists"


def test_the_console_loads_nothing_from_elsewhere_and_builds_no_markup_from_strings() -> None:
    for path in ASSETS_DIR.rglob("*"):
        if path.suffix not in {".html", ".css", ".js"}:
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href|url\(|import\s*\(?)\s*=?\s*["']?https?://""", text), path
        # Names come from users: text goes in through textContent and text nodes only.
        for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
            assert risky not in text, f"{path.name} uses {risky}"
