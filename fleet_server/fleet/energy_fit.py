"""Robust estimates for the energy model: a non-negative weighted least-squares fit of a few named
figures with exponential forgetting and a prior, and a robust running mean (both pure Python)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# An observation whose residual is beyond this many typical residuals weighs less (Huber).
HUBER_K = 2.5
# Observations needed before residuals are judged (before, the figures may still be far off).
WARM_UP = 8.0
# The typical residual follows the last twenty or so observations (the figures' own forgetting is
# far slower: residuals shrink fast while a robot's figures move from the prior to its own).
SCALE_KEEP = 0.95


def huber_weight(residual: float, scale: float, samples: float) -> float:
    """1 for an ordinary residual, less for one far beyond the typical size `scale`."""
    if samples < WARM_UP or scale <= 0:
        return 1.0
    limit = HUBER_K * scale
    return 1.0 if abs(residual) <= limit else limit / abs(residual)


@dataclass
class LinearFit:
    """The normal equations of y = sum_j theta_j x_j over weighted observations, each older one
    forgotten by a factor per new one; solved for theta >= 0, pulled towards a prior that weighs
    as much as `prior_count` of the fit's own typical observations of each figure."""

    # X'WX by pair of names (each pair once, names in sorted order), X'Wy by name.
    xx: dict[tuple[str, str], float] = field(default_factory=dict)
    xy: dict[str, float] = field(default_factory=dict)
    # Forgotten like the equations: how many observations held each name, and its total amount.
    counts: dict[str, float] = field(default_factory=dict)
    amounts: dict[str, float] = field(default_factory=dict)
    samples: float = 0.0
    scale: float = 0.0  # the typical absolute residual, forgotten the same way

    def add(self, x: Mapping[str, float], y: float, weight: float, forget: float) -> None:
        """Forget a little of the past, then add one observation."""
        self._decay(forget)
        names = sorted(name for name, value in x.items() if value)
        for i, a in enumerate(names):
            self.xy[a] = self.xy.get(a, 0.0) + weight * x[a] * y
            self.counts[a] = self.counts.get(a, 0.0) + weight
            self.amounts[a] = self.amounts.get(a, 0.0) + weight * x[a]
            for b in names[i:]:
                self.xx[(a, b)] = self.xx.get((a, b), 0.0) + weight * x[a] * x[b]
        self.samples += weight

    def note_residual(self, residual: float) -> None:
        """Follow the typical size of the residuals (judged before an observation is added)."""
        self.scale = _follow(self.scale, residual, self.samples)

    def _decay(self, forget: float) -> None:
        for table in (self.xx, self.xy, self.counts, self.amounts):
            for key in table:
                table[key] *= forget  # type: ignore[index]
        self.samples *= forget

    def solve(self, prior: Mapping[str, float], prior_count: float) -> dict[str, float]:
        """The figures: every name of the prior or the data, each >= 0."""
        names = sorted(set(prior) | set(self.xy))
        matrix = {(a, b): self._xx(a, b) for a in names for b in names}
        vector = {a: self.xy.get(a, 0.0) for a in names}
        for a in names:
            # The prior is worth `prior_count` observations of the size this fit usually sees.
            typical = self._xx(a, a) / self.counts[a] if self.counts.get(a) else 1.0
            strength = prior_count * (typical or 1.0)
            matrix[(a, a)] += strength
            vector[a] += strength * prior.get(a, 0.0)
        return non_negative_solve(names, matrix, vector)

    def _xx(self, a: str, b: str) -> float:
        return self.xx.get((a, b) if a <= b else (b, a), 0.0)

    def to_json(self) -> dict[str, Any]:
        """The fit as JSON-ready data (see `from_json`)."""
        return {
            "xx": [[a, b, v] for (a, b), v in sorted(self.xx.items())],
            "xy": dict(sorted(self.xy.items())),
            "counts": dict(sorted(self.counts.items())),
            "amounts": dict(sorted(self.amounts.items())),
            "samples": self.samples,
            "scale": self.scale,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LinearFit:
        """A fit written by `to_json`."""
        return cls(
            xx={(str(a), str(b)): float(v) for a, b, v in data.get("xx", [])},
            xy=_floats(data.get("xy", {})),
            counts=_floats(data.get("counts", {})),
            amounts=_floats(data.get("amounts", {})),
            samples=float(data.get("samples", 0.0)),
            scale=float(data.get("scale", 0.0)),
        )


@dataclass
class RunningMean:
    """A rate averaged over observations weighted by their length, older ones forgotten, a far
    outlier down-weighted (Huber), pulled towards a prior worth `prior_count` observations."""

    total: float = 0.0  # sum of weight x rate x length
    length: float = 0.0  # sum of weight x length
    samples: float = 0.0
    scale: float = 0.0

    def add(self, rate: float, length: float, forget: float, prior: float) -> None:
        """One observation of `rate` over `length` (e.g. minutes)."""
        residual = rate - (self.value(prior, 0.0) if self.samples else rate)
        weight = huber_weight(residual, self.scale, self.samples)
        self.scale = _follow(self.scale, residual, self.samples)
        self.total = forget * self.total + weight * rate * length
        self.length = forget * self.length + weight * length
        self.samples = forget * self.samples + weight

    def value(self, prior: float, prior_count: float) -> float:
        """The mean, with the prior counted as `prior_count` observations of the usual length."""
        typical = self.length / self.samples if self.samples else 1.0
        strength = prior_count * typical
        return (self.total + strength * prior) / (self.length + strength)

    def to_json(self) -> dict[str, float]:
        """The mean as JSON-ready data."""
        return {
            "total": self.total,
            "length": self.length,
            "samples": self.samples,
            "scale": self.scale,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunningMean:
        """A mean written by `to_json`."""
        return cls(**{k: float(data.get(k, 0.0)) for k in ("total", "length", "samples", "scale")})


def _follow(scale: float, residual: float, samples: float) -> float:
    """The typical absolute residual, with one more."""
    if samples < 1:
        return abs(residual)
    return SCALE_KEEP * scale + (1 - SCALE_KEEP) * abs(residual)


def non_negative_solve(
    names: list[str], matrix: Mapping[tuple[str, str], float], vector: Mapping[str, float]
) -> dict[str, float]:
    """theta >= 0 minimising theta'A theta - 2 b'theta for a positive definite A: the unknowns
    that come out negative are held at 0, one at a time, and the rest solved again."""
    free = list(names)
    while free:
        theta = _solve(free, matrix, vector)
        worst = min(free, key=lambda n: theta[n])
        if theta[worst] >= 0:
            return {n: theta.get(n, 0.0) for n in names}
        free.remove(worst)
    return dict.fromkeys(names, 0.0)


def _solve(
    names: list[str], matrix: Mapping[tuple[str, str], float], vector: Mapping[str, float]
) -> dict[str, float]:
    """Gaussian elimination with partial pivoting over the named unknowns (others held at 0)."""
    size = len(names)
    rows = [[matrix[(a, b)] for b in names] + [vector[a]] for a in names]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        if abs(rows[col][col]) < 1e-300:
            continue
        for r in range(col + 1, size):
            factor = rows[r][col] / rows[col][col]
            if factor:
                for c in range(col, size + 1):
                    rows[r][c] -= factor * rows[col][c]
    theta = [0.0] * size
    for r in reversed(range(size)):
        known = sum(rows[r][c] * theta[c] for c in range(r + 1, size))
        diagonal = rows[r][r]
        theta[r] = (rows[r][size] - known) / diagonal if abs(diagonal) > 1e-300 else 0.0
    return {
        name: value if math.isfinite(value) else 0.0
        for name, value in zip(names, theta, strict=True)
    }


def _floats(data: Mapping[str, Any] | Iterable[Any]) -> dict[str, float]:
    return {str(k): float(v) for k, v in dict(data).items()}
