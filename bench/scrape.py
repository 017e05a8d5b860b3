"""Reading a fleet server's GET /metrics in benchmarks: counters, and a histogram's quantiles
over a window (the difference of two scrapes), estimated from its buckets as Prometheus does."""

from __future__ import annotations

import math

import httpx
from prometheus_client.parser import text_string_to_metric_families


class Scrape:
    """One GET /metrics: every sample by name and labels."""

    def __init__(self, text: str) -> None:
        self.samples: list[tuple[str, dict[str, str], float]] = [
            (sample.name, dict(sample.labels), sample.value)
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        ]

    @classmethod
    def of(cls, http: httpx.Client) -> Scrape:
        """Scrape the server (its metrics must be on, FLEET_METRICS_ENABLED=true)."""
        response = http.get("/metrics")
        if response.status_code == 404:
            raise SystemExit(
                "the server's /metrics is off: start it with FLEET_METRICS_ENABLED=true"
            )
        response.raise_for_status()
        return cls(response.text)

    def total(self, name: str, **labels: str) -> float:
        """The sum of the samples of this name whose labels include these."""
        return sum(
            value
            for sample, have, value in self.samples
            if sample == name and all(have.get(k) == v for k, v in labels.items())
        )

    def buckets(self, histogram: str) -> list[tuple[float, float]]:
        """(upper bound, cumulative count) of a histogram without labels, by bound."""
        found = [
            (float(labels["le"]), value)
            for sample, labels, value in self.samples
            if sample == f"{histogram}_bucket"
        ]
        return sorted(found)


def window_quantile(share: float, before: Scrape, after: Scrape, histogram: str) -> float | None:
    """The `share` quantile of what the histogram observed between two scrapes (linear within
    the bucket, as PromQL's histogram_quantile); None if it observed nothing."""
    start = dict(before.buckets(histogram))
    counts = [(bound, value - start.get(bound, 0.0)) for bound, value in after.buckets(histogram)]
    if not counts or counts[-1][1] <= 0:
        return None
    rank = share * counts[-1][1]
    lower, below = 0.0, 0.0
    for bound, cumulative in counts:
        if cumulative >= rank:
            if math.isinf(bound):
                return lower  # past the highest bound: that bound is all that can be said
            inside = cumulative - below
            return lower + (bound - lower) * ((rank - below) / inside if inside else 0.0)
        lower, below = bound, cumulative
    return lower
