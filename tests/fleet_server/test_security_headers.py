"""Every answer carries the security headers: a Content-Security-Policy without inline script,
no framing, no MIME sniffing, no referrer; API answers are never cached."""

from __future__ import annotations

from fastapi.testclient import TestClient

from fleet_server.security_headers import CONSOLE_POLICY, DOCS_POLICY
from tests.fleet_server.callers import without_credentials


def _directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_the_console_policy_allows_only_its_own_scripts_and_no_framing() -> None:
    policy = _directives(CONSOLE_POLICY)
    assert policy["script-src"] == "'self'", "no inline script, no other origin"
    assert policy["style-src"] == "'self'", "no inline style"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in CONSOLE_POLICY and "'unsafe-eval'" not in CONSOLE_POLICY
    docs = _directives(DOCS_POLICY)
    assert docs["frame-ancestors"] == "'none'" and docs["object-src"] == "'none'"


def test_every_kind_of_answer_carries_the_headers(client: TestClient) -> None:
    with without_credentials(client):
        answers = {
            "console page": client.get("/"),
            "console script": client.get("/console/js/main.js"),
            "health": client.get("/api/v1/health"),
            "refused": client.get("/api/v1/missions"),
            "not found": client.get("/api/v1/nothing-here"),
        }
    answers["invalid"] = client.get("/api/v1/missions/0")
    answers["too large"] = client.post(
        "/api/v1/incidents", content=b" " * (2 * 1024 * 1024), headers={"content-type": "x/y"}
    )
    assert [a.status_code for a in answers.values()] == [200, 200, 200, 401, 404, 422, 413]
    for what, answer in answers.items():
        assert answer.headers["content-security-policy"] == CONSOLE_POLICY, what
        assert answer.headers["x-content-type-options"] == "nosniff", what
        assert answer.headers["x-frame-options"] == "DENY", what
        assert answer.headers["referrer-policy"] == "no-referrer", what
    # The console revalidates its files; the API's answers (tokens, records) are never stored.
    assert answers["console script"].headers["cache-control"] == "no-cache"
    for what in ("health", "refused", "invalid"):
        assert answers[what].headers["cache-control"] == "no-store", what


def test_the_api_documentation_gets_the_policy_its_pages_need(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert docs.headers["content-security-policy"] == DOCS_POLICY
    assert docs.headers["x-frame-options"] == "DENY"
    assert client.get("/openapi.json").headers["content-security-policy"] == CONSOLE_POLICY
