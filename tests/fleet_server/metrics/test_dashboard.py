"""The Grafana dashboard in deploy/grafana cannot rot: every metric its queries name is one the
server exposes, and every metric the server exposes is on it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fleet_server.settings import FleetSettings
from tests.fleet_server.metrics.scrape import scrape
from tests.fleet_server.servers import running_server

DASHBOARD = Path(__file__).parents[3] / "deploy" / "grafana" / "fleet-dashboard.json"
METRIC_NAME = re.compile(r"\bfleet_[a-z0-9_]+")
SAMPLE_SUFFIXES = ("", "_total", "_bucket", "_sum", "_count")
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}


@pytest.fixture
def client(settings: FleetSettings) -> Iterator[TestClient]:
    """A server with metrics on."""
    with running_server(settings.model_copy(update={"metrics_enabled": True})) as test_client:
        yield test_client


def _dashboard() -> dict[str, Any]:
    return dict(json.loads(DASHBOARD.read_text(encoding="utf-8")))


def _queries(dashboard: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], str]]:
    """(panel title, the target's datasource, its PromQL) of every query of every panel."""
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            yield panel["title"], target["datasource"], target["expr"]


def _variables(dashboard: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {variable["name"]: variable for variable in dashboard["templating"]["list"]}


def test_every_metric_the_dashboard_queries_is_served_and_every_one_served_is_shown(
    client: TestClient,
) -> None:
    dashboard = _dashboard()
    variables = _variables(dashboard)
    queried = {
        name for _, _, expr in _queries(dashboard) for name in METRIC_NAME.findall(expr)
    } | set(METRIC_NAME.findall(variables["job"]["definition"]))
    metrics = scrape(client)
    # A counter declared without a sample yet (no loop failure so far) is served all the same.
    declared = {f"{name}_total" for name, f in metrics.families.items() if f.type == "counter"}
    served = metrics.names() | declared
    assert sorted(queried - served) == []
    # A histogram is shown by its buckets, a counter by its _total: each family by some sample
    # (the _created time prometheus_client adds to each needs no panel).
    unshown = [
        family
        for family in metrics.families
        if family.startswith("fleet_")
        and not family.endswith("_created")
        and not queried & {family + suffix for suffix in SAMPLE_SUFFIXES}
    ]
    assert unshown == []


def test_every_panel_asks_the_chosen_prometheus(client: TestClient) -> None:
    dashboard = _dashboard()
    assert _variables(dashboard)["datasource"]["type"] == "datasource"
    assert _variables(dashboard)["datasource"]["query"] == "prometheus"
    queries = list(_queries(dashboard))
    assert len(queries) >= 20
    for title, datasource, expr in queries:
        assert datasource == DATASOURCE, title
        assert expr.count("(") == expr.count(")") and expr.count("{") == expr.count("}"), title
        # Every selector keeps to the chosen job, so two servers' figures do not mix.
        assert all('job=~"$job"' in s for s in re.findall(r"\{[^}]*\}", expr)), title
    panels = [p for p in dashboard["panels"] if p["type"] != "row"]
    assert len({p["id"] for p in dashboard["panels"]}) == len(dashboard["panels"])
    assert all(p["targets"] for p in panels)
