"""Energy figures: checked on creation, scaled, varied per robot, read-only once made."""

from __future__ import annotations

import math
import random

import pytest

from simulation.energy import EnergyFigures

FIGURES = EnergyFigures(
    drive_per_km=4.0,
    idle_per_min=0.1,
    charge_per_min=1.0,
    work_per_min={"announce": 0.05, "dock": 0.3},
)


def figures_of(figures: EnergyFigures) -> list[float]:
    return [
        figures.drive_per_km,
        figures.idle_per_min,
        figures.charge_per_min,
        *(figures.work(k) for k in sorted(figures.work_per_min)),
    ]


def test_an_action_without_a_figure_adds_no_load() -> None:
    assert FIGURES.work("dock") == 0.3
    assert FIGURES.work("dwell") == 0.0
    assert FIGURES.charge_per_hour == pytest.approx(60)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"drive_per_km": -1.0}, "drive_per_km"),
        ({"idle_per_min": math.nan}, "idle_per_min"),
        ({"work_per_min": {"announce": math.inf}}, "work_per_min['announce']"),
        ({"charge_per_min": 0.0}, "charge_per_min"),
    ],
)
def test_a_bad_figure_is_named(change: dict[str, object], named: str) -> None:
    values: dict[str, object] = {"drive_per_km": 1.0, "idle_per_min": 0.1, "charge_per_min": 1.0}
    with pytest.raises(ValueError, match=named.replace("[", r"\[")):
        EnergyFigures(**(values | change))  # type: ignore[arg-type]


def test_scaled_changes_consumption_not_charging() -> None:
    thirsty = FIGURES.scaled(1.5)
    assert thirsty.drive_per_km == pytest.approx(6.0)
    assert thirsty.idle_per_min == pytest.approx(0.15)
    assert thirsty.work("dock") == pytest.approx(0.45)
    assert thirsty.charge_per_min == FIGURES.charge_per_min
    with pytest.raises(ValueError, match="factor"):
        FIGURES.scaled(0)


def test_charge_rate_per_hour() -> None:
    assert FIGURES.with_charge_per_hour(90).charge_per_min == pytest.approx(1.5)


def test_variation_draws_each_figure_within_the_spread_reproducibly() -> None:
    robots = [FIGURES.varied(random.Random(f"seed/{n}"), 0.2) for n in range(50)]
    again = FIGURES.varied(random.Random("seed/0"), 0.2)
    assert again == robots[0]
    base = figures_of(FIGURES)
    ratios = [[v / b for v, b in zip(figures_of(r), base, strict=True)] for r in robots]
    assert all(0.8 <= ratio <= 1.2 for row in ratios for ratio in row)
    # Figures vary independently: a robot that drives thirstily need not idle thirstily.
    assert any(abs(row[0] - row[1]) > 0.1 for row in ratios)
    assert len({row[0] for row in ratios}) == len(ratios)
    assert FIGURES.varied(random.Random(1), 0.0) == FIGURES
    with pytest.raises(ValueError, match="spread"):
        FIGURES.varied(random.Random(1), 1.0)


def test_equal_figures_hash_alike() -> None:
    same = EnergyFigures(
        drive_per_km=4.0,
        idle_per_min=0.1,
        charge_per_min=1.0,
        work_per_min={"dock": 0.3, "announce": 0.05},
    )
    assert same == FIGURES and hash(same) == hash(FIGURES)
    assert len({FIGURES, same, FIGURES.scaled(2)}) == 2


def test_figures_cannot_be_changed_through_their_actions_table() -> None:
    table = {"announce": 0.05}
    figures = EnergyFigures(drive_per_km=1, idle_per_min=0.1, charge_per_min=1, work_per_min=table)
    table["announce"] = 9.0
    assert figures.work("announce") == 0.05
    with pytest.raises(TypeError):
        figures.work_per_min["announce"] = 9.0  # type: ignore[index]
