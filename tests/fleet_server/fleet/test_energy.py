"""The energy learner: it finds a robot's real figures from its states despite a coarse gauge,
gaps, battery swaps and glitches; new robots start from their kind's figures; what it learned
survives a restart on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from fleet_protocol.kinds import RobotKind
from fleet_server.fleet.energy import EnergyRates
from fleet_server.fleet.energy_fit import LinearFit, non_negative_solve
from fleet_server.fleet.energy_model import EnergyModel
from fleet_server.fleet.energy_store import EnergyStore
from fleet_server.fleet.models.robot import Robot
from fleet_server.missions.allocation import BatteryModel
from fleet_server.wiring import battery_model
from tests.fleet_server.fleet.energy_world import START, SyntheticRobot, Truth, working_day

SETTINGS = EnergyRates(drive_per_km=6.0, idle_per_min=0.1, charge_per_min=1.0)
DOG = Truth(drive_per_km=4.0, idle_per_min=0.12, charge_per_min=1.1, work_per_min={"announce": 0.3})
THIRSTY_DOG = Truth(drive_per_km=7.0, idle_per_min=0.2, charge_per_min=0.8)
SPEED = 1.5  # m/s, the synthetic robots' driving speed
SWEEPER = Truth(drive_per_km=4.5, idle_per_min=0.2, charge_per_min=1.0, work_per_min={"clean": 0.6})
SWEEPER_SPEED = 0.8


class Clock:
    """The model's clock, following the synthetic robots' time."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def _model(store: EnergyStore | None = None) -> tuple[EnergyModel, Clock]:
    clock = Clock()
    return EnergyModel(SETTINGS, store, clock=clock, write_interval_s=30), clock


def _error(learned: float, true: float) -> float:
    return abs(learned - true) / true


def test_learns_a_robots_figures_through_a_coarse_gauge_gaps_and_battery_swaps() -> None:
    model, clock = _model()
    robot = SyntheticRobot(model, "dog-01", DOG, resolution=1.0, state_every_s=5.0)
    working_day(robot, hours=24)
    clock.now = robot.now
    energy = model.public(robot.robot)
    assert _error(energy.drive.percent_per_km, DOG.all_in_per_km(SPEED)) < 0.03
    assert _error(energy.idle.percent_per_min, DOG.idle_per_min) < 0.10
    assert _error(energy.charge.percent_per_min, DOG.charge_per_min) < 0.05
    assert _error(energy.work["announce"].percent_per_min, 0.3) < 0.20
    assert energy.work["dwell"].percent_per_min < 0.03  # waiting adds nothing to standing
    assert energy.drive.source == energy.idle.source == energy.charge.source == "learned"
    assert energy.drive.km > 10 and energy.idle.minutes > 60 and energy.charge.minutes > 30
    # Its speed too, from its poses (the line's turns cost it a little).
    assert energy.drive.speed_m_s is not None and _error(energy.drive.speed_m_s, SPEED) < 0.03


def test_two_robots_of_a_kind_learn_their_own_figures() -> None:
    model, clock = _model()
    frugal = SyntheticRobot(model, "dog-01", DOG, seed=1)
    thirsty = SyntheticRobot(model, "dog-02", THIRSTY_DOG, seed=2)
    working_day(frugal, hours=12)
    working_day(thirsty, hours=12)
    clock.now = max(frugal.now, thirsty.now)
    for synthetic, truth in ((frugal, DOG), (thirsty, THIRSTY_DOG)):
        rates = model.rates(synthetic.robot)
        assert _error(rates.drive_per_km, truth.all_in_per_km(SPEED)) < 0.05
        assert _error(rates.idle_per_min, truth.idle_per_min) < 0.15


def test_a_battery_swap_and_a_glitch_of_the_gauge_are_not_learned() -> None:
    model, clock = _model()
    robot = SyntheticRobot(model, "dog-01", DOG, resolution=0.1)
    working_day(robot, hours=6, glitches=False)
    before = model.rates(robot.robot)
    for _ in range(20):
        robot.stand(60)
        robot.swap_battery(100.0)  # a fresh battery each time: rises the learner must skip
        robot.stand(60)
        robot.level -= 25  # the gauge drops a quarter at once (a recalibration)
    clock.now = robot.now
    after = model.rates(robot.robot)
    assert _error(after.idle_per_min, before.idle_per_min) < 0.10
    assert _error(after.idle_per_min, DOG.idle_per_min) < 0.10


def test_a_new_robot_starts_from_its_kinds_learned_figures_else_the_settings() -> None:
    model, clock = _model()
    working_day(SyntheticRobot(model, "dog-01", DOG, seed=1), hours=12)
    working_day(SyntheticRobot(model, "dog-02", THIRSTY_DOG, seed=2), hours=12)
    clock.now += timedelta(days=1)
    newcomer = Robot(serial_number="dog-03", manufacturer="Synth", kind=RobotKind.PATROL_DOG)
    energy = model.public(newcomer)
    low, high = DOG.all_in_per_km(SPEED), THIRSTY_DOG.all_in_per_km(SPEED)
    assert low * 0.95 < energy.drive.percent_per_km < high * 1.05
    assert energy.drive.source == energy.idle.source == energy.charge.source == "kind"
    assert energy.drive.km == 0.0
    # Its drives are timed at its kind's learned speed, as the others' are.
    assert energy.drive.speed_m_s is not None and _error(energy.drive.speed_m_s, SPEED) < 0.03
    sweeper = Robot(serial_number="sweeper-01", manufacturer="Synth", kind=RobotKind.SANITATION)
    figures = model.public(sweeper)
    assert figures.drive.speed_m_s is None  # no sweeper has driven
    assert figures.drive.percent_per_km == SETTINGS.drive_per_km
    assert figures.idle.source == figures.drive.source == "settings"


def test_the_prediction_of_a_days_work_comes_true() -> None:
    model, clock = _model()
    robot = SyntheticRobot(model, "dog-01", DOG, resolution=1.0)
    working_day(robot, hours=12)
    clock.now = robot.now
    rates = model.rates(robot.robot)
    battery = BatteryModel(
        percent_per_km=rates.drive_per_km,
        reserve_percent=10.0,
        idle_percent_per_min=rates.idle_per_min,
        work_percent_per_min=dict(rates.work_per_min),
        charge_percent_per_min=rates.charge_per_min,
    )
    robot.charge(until=99)
    robot.used = 0.0
    robot.drive(3000, speed=SPEED)
    robot.stand(120, actions=("announce",))
    robot.stand(600)
    predicted = battery.used_for(3000, {"announce": 2.0}, idle_minutes=12.0)
    assert _error(predicted, robot.used) < 0.05
    assert battery.needed_for(3000, {"announce": 2.0}, 12.0) == pytest.approx(predicted + 10.0)
    minutes = battery.minutes_to_charge(20.0, 80.0)
    assert _error(minutes, 60.0 / DOG.charge_per_min) < 0.05


def test_a_cleanings_estimate_carries_the_deck_at_the_learned_speed() -> None:
    model, clock = _model()
    robot = SyntheticRobot(model, "sweeper-01", SWEEPER, kind=RobotKind.SANITATION)
    assert model.public(robot.robot).drive.speed_m_s is None  # nothing driven yet
    rng = robot.rng
    end = robot.now + timedelta(hours=10)
    while robot.now < end:
        if robot.level < 30:
            robot.charge(until=95)
        robot.drive(rng.uniform(200, 600), speed=SWEEPER_SPEED, actions=("clean",))
        robot.drive(rng.uniform(50, 300), speed=SWEEPER_SPEED)
        robot.stand(rng.uniform(30, 300))
    clock.now = robot.now
    energy = model.public(robot.robot)
    assert energy.drive.speed_m_s is not None
    assert _error(energy.drive.speed_m_s, SWEEPER_SPEED) < 0.03
    assert _error(energy.work["clean"].percent_per_min, 0.6) < 0.15

    battery = battery_model(model.rates(robot.robot), reserve_percent=10.0)
    robot.charge(until=99)
    robot.used = 0.0
    robot.drive(2000, speed=SWEEPER_SPEED, actions=("clean",))
    predicted = battery.with_deck().used_for(2000)
    assert _error(predicted, robot.used) < 0.05
    # Counted as a plain drive, the same lanes would be estimated at well under half.
    assert battery.used_for(2000) < 0.5 * robot.used
    # Before the speed is learned a cleaning is estimated as a drive (its floor catches it).
    assert BatteryModel(6.0, 10.0, work_percent_per_min={"clean": 0.6}).with_deck().needed(
        1000
    ) == pytest.approx(16.0)


def test_the_battery_model_keeps_its_old_meaning() -> None:
    battery = BatteryModel(percent_per_km=6.0, reserve_percent=10.0)
    assert battery.needed(500) == pytest.approx(13.0)
    assert battery.needed_for(500) == pytest.approx(13.0)
    assert battery.used_for(0, {"clean": 10.0}, idle_minutes=5.0) == 0.0
    assert battery.minutes_to_charge(20, 80) == float("inf")
    assert battery.minutes_to_charge(90, 80) == 0.0


def test_the_fit_stays_non_negative_and_follows_its_prior_without_data() -> None:
    fit = LinearFit()
    for _ in range(50):
        # Standing costs 0.1 %/min and a "dwell" only looks like it costs less than nothing.
        fit.add({"idle": 10.0, "work:dwell": 5.0}, 0.9, 1.0, 1.0)
        fit.add({"idle": 10.0}, 1.0, 1.0, 1.0)
    theta = fit.solve({"drive": 6.0, "idle": 0.5}, prior_count=3.0)
    assert theta["work:dwell"] == 0.0
    assert theta["idle"] == pytest.approx(0.1, rel=0.1)
    assert theta["drive"] == pytest.approx(6.0)
    assert non_negative_solve(["a"], {("a", "a"): 2.0}, {"a": -1.0}) == {"a": 0.0}


def test_what_was_learned_survives_a_restart(engine: Engine) -> None:
    model, clock = _model(EnergyStore(engine))
    robot = SyntheticRobot(model, "dog-01", DOG)
    working_day(robot, hours=8)
    clock.now = robot.now
    learned = model.public(robot.robot)
    assert model.take_due() != []  # written at most every 30 s: a row is due now
    clock.now += timedelta(seconds=5)
    working_day(robot, hours=0.1, glitches=False)
    assert model.take_due() == []  # not again within 30 s
    restored_clock = Clock()
    assert asyncio.run(model.flush(everything=True)) == 1
    again = EnergyModel(SETTINGS, EnergyStore(engine), clock=restored_clock)
    again.load()
    restored_clock.now = clock.now
    before, after = model.public(robot.robot), again.public(robot.robot)
    assert after.drive.km == before.drive.km and after.idle.minutes == before.idle.minutes
    for figure in ("drive_per_km", "idle_per_min", "charge_per_min"):
        restored = getattr(again.rates(robot.robot), figure)
        assert restored == pytest.approx(getattr(model.rates(robot.robot), figure), rel=0.01)
    assert again.public(robot.robot).drive.source == "learned"
    assert again.public(robot.robot).drive.speed_m_s == before.drive.speed_m_s
    assert _error(again.rates(robot.robot).drive_per_km, learned.drive.percent_per_km) < 0.02
    row = EnergyStore(engine).load()[0]
    assert row.serial_number == "dog-01" and row.kind == "patrol_dog"
    assert row.figures["drive_per_km"] == pytest.approx(model.rates(robot.robot).drive_per_km)
