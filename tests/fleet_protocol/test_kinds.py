"""Tests of fleet_protocol.kinds: the action vocabulary of our robot kinds."""

from __future__ import annotations

import pytest

from fleet_protocol.factsheet import ActionScope
from fleet_protocol.kinds import (
    CANCEL_ORDER,
    FACTSHEET_REQUEST,
    KIND_ACTIONS,
    STANDARD_ACTIONS,
    START_PAUSE,
    STATE_REQUEST,
    STOP_PAUSE,
    RobotKind,
    kind_from_series,
)


def test_standard_actions_are_the_spec_instant_actions() -> None:
    assert [a.action_type for a in STANDARD_ACTIONS] == [
        CANCEL_ORDER,
        START_PAUSE,
        STOP_PAUSE,
        STATE_REQUEST,
        FACTSHEET_REQUEST,
    ]
    assert (CANCEL_ORDER, START_PAUSE, STOP_PAUSE) == ("cancelOrder", "startPause", "stopPause")
    assert (STATE_REQUEST, FACTSHEET_REQUEST) == ("stateRequest", "factsheetRequest")
    for action in STANDARD_ACTIONS:
        assert action.action_scopes == [ActionScope.INSTANT]


def test_every_kind_has_an_entry() -> None:
    assert set(KIND_ACTIONS) == set(RobotKind)
    assert KIND_ACTIONS[RobotKind.OTHER] == ()


@pytest.mark.parametrize("kind", list(RobotKind))
def test_action_types_are_unique_and_do_not_shadow_standard_ones(kind: RobotKind) -> None:
    types = [a.action_type for a in KIND_ACTIONS[kind]]
    assert len(types) == len(set(types))
    assert not set(types) & {a.action_type for a in STANDARD_ACTIONS}


def test_the_kinds_declare_their_work() -> None:
    def types(kind: RobotKind) -> set[str]:
        return {a.action_type for a in KIND_ACTIONS[kind]}

    assert {"announce", "capturePhoto", "dock", "charge"} <= types(RobotKind.PATROL_DOG)
    assert {"clean", "dock", "charge"} <= types(RobotKind.SANITATION)
    assert {"announce", "greet", "handover"} <= types(RobotKind.SERVICE)
    assert "clean" not in types(RobotKind.PATROL_DOG)


def test_announce_takes_text_language_and_repeat() -> None:
    announce = next(a for a in KIND_ACTIONS[RobotKind.PATROL_DOG] if a.action_type == "announce")
    params = {p.key: p for p in announce.action_parameters or []}
    assert set(params) == {"text", "language", "repeat"}
    assert params["text"].is_optional is False
    assert params["repeat"].is_optional is True
    assert ActionScope.INSTANT in announce.action_scopes


def test_clean_may_run_along_edges() -> None:
    clean = next(a for a in KIND_ACTIONS[RobotKind.SANITATION] if a.action_type == "clean")
    assert ActionScope.EDGE in clean.action_scopes


@pytest.mark.parametrize(
    ("series", "kind"),
    [
        ("patrol_dog", RobotKind.PATROL_DOG),
        ("sanitation", RobotKind.SANITATION),
        ("service", RobotKind.SERVICE),
        ("other", RobotKind.OTHER),
        ("AcmeForklift X2", RobotKind.OTHER),
        ("", RobotKind.OTHER),
    ],
)
def test_kind_from_series(series: str, kind: RobotKind) -> None:
    assert kind_from_series(series) is kind
