"""Reading GET /metrics in tests: the samples, and sums over those whose labels match."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families


@dataclass(frozen=True)
class Sample:
    """One line of the exposition."""

    name: str
    labels: dict[str, str]
    value: float


class Scrape:
    """What one GET /metrics returned."""

    def __init__(self, text: str) -> None:
        self.families = {family.name: family for family in text_string_to_metric_families(text)}
        self.samples = [
            Sample(s.name, dict(s.labels), s.value)
            for family in self.families.values()
            for s in family.samples
        ]

    def names(self) -> set[str]:
        """Every sample name (a histogram's _bucket, _count and _sum each)."""
        return {sample.name for sample in self.samples}

    def total(self, name: str, **labels: str) -> float:
        """The sum of the samples of this name whose labels include these."""
        return sum(
            s.value
            for s in self.samples
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
        )


def scrape(client: TestClient) -> Scrape:
    """GET /metrics with the client's credentials."""
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    return Scrape(response.text)
