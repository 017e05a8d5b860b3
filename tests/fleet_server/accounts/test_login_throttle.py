"""Login throttling: repeated failures for a user name or from a client address make logins
wait and then refuse them for a while (429 with Retry-After), without checking a password."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from fastapi.testclient import TestClient

from fleet_server.accounts.login_throttle import Limits, LoginThrottle, ThrottleRules
from fleet_server.accounts.models import Role
from fleet_server.errors import TooManyRequests
from fleet_server.settings import FleetSettings
from tests.clock import ManualClock
from tests.fleet_server.callers import without_credentials
from tests.fleet_server.servers import running_server

START = datetime(2025, 6, 1, 9, 0, tzinfo=timezone.utc)
RULES = ThrottleRules(
    per_name=Limits(free_failures=3, lockout_failures=6),
    per_address=Limits(free_failures=10, lockout_failures=20),
    lockout_s=600.0,
    window_s=900.0,
)
PASSWORD = "correct horse battery"


def _fail(throttle: LoginThrottle, name: str = "li.wei", address: str = "10.0.0.1") -> None:
    throttle.begin(name, address)
    throttle.failed()


def _wait(throttle: LoginThrottle, name: str = "li.wei", address: str = "10.0.0.1") -> float:
    return throttle.retry_after_s(name, address)


def test_failures_make_the_next_attempt_wait_twice_as_long_then_lock_the_name_out() -> None:
    clock = ManualClock(START)
    throttle = LoginThrottle(RULES, clock)
    for _ in range(3):
        _fail(throttle)
        assert _wait(throttle) == 0.0, "the first failures cost nothing"
    waits = []
    for _ in range(2):
        _fail(throttle)
        waits.append(_wait(throttle))
        clock.advance(waits[-1])
    assert waits == [1.0, 2.0]
    _fail(throttle)
    assert _wait(throttle) == 600.0, "the sixth failure locks the name out"
    clock.advance(599)
    assert _wait(throttle) == pytest.approx(1.0)
    assert _wait(throttle, name="someone.else") == 0.0, "other names from the address may try"
    with pytest.raises(TooManyRequests, match="try again in 1 s") as refused:
        throttle.begin("li.wei", "10.0.0.1")
    assert refused.value.retry_after_s == pytest.approx(1.0)
    clock.advance(1)
    assert _wait(throttle) == 0.0
    assert throttle.stats.failed == 6 and throttle.stats.refused == 1


def test_a_success_clears_the_name_and_quiet_names_are_forgotten() -> None:
    clock = ManualClock(START)
    throttle = LoginThrottle(RULES, clock)
    for _ in range(4):
        _fail(throttle)
    clock.advance(1)
    throttle.begin("li.wei", "10.0.0.1")
    throttle.succeeded("li.wei", "10.0.0.1")
    for _ in range(3):
        _fail(throttle)
        assert _wait(throttle) == 0.0, "after a success the name starts afresh"
    clock.advance(RULES.window_s)
    for _ in range(3):
        _fail(throttle)
    assert _wait(throttle) == 0.0, "failures older than the window were forgotten"


def test_one_address_guessing_many_names_is_throttled_too() -> None:
    clock = ManualClock(START)
    throttle = LoginThrottle(RULES, clock)
    for number in range(10):
        _fail(throttle, name=f"user-{number}")
    assert _wait(throttle, name="user-10") == 0.0
    _fail(throttle, name="user-10")
    assert _wait(throttle, name="user-11") == 1.0
    assert _wait(throttle, name="user-11", address="10.0.0.2") == 0.0
    # The refusal names the address, not the name, and carries both for the console.
    with pytest.raises(TooManyRequests) as refused:
        throttle.begin("user-11", "10.0.0.1")
    assert refused.value.message == "too many failed logins from 10.0.0.1: try again in 1 s"
    assert (refused.value.code, refused.value.params) == (
        "login.throttled_address",
        {"address": "10.0.0.1", "seconds": 1},
    )


def test_parallel_attempts_cannot_all_start_before_the_first_fails() -> None:
    throttle = LoginThrottle(RULES, ManualClock(START))
    for _ in range(4):
        throttle.begin("li.wei", "10.0.0.1")  # four guesses in flight, none answered yet
    with pytest.raises(TooManyRequests):
        throttle.begin("li.wei", "10.0.0.1")


@pytest.fixture
def server(settings: FleetSettings) -> Iterator[TestClient]:
    """A server with a user, its login throttle on a hand-moved clock."""
    rules = {"login_free_failures": 3, "login_lockout_failures": 6, "login_lockout_s": 600}
    with running_server(settings.model_copy(update=rules)) as client:
        fleet = client.app.state.fleet  # type: ignore[attr-defined]
        fleet.accounts.add_user("li.wei", Role.OPERATOR, PASSWORD)
        fleet.logins.clock = ManualClock(START)
        with without_credentials(client):
            yield client


def _log_in(client: TestClient, password: str) -> tuple[int, str | None]:
    response = client.post("/api/v1/auth/token", data={"username": "li.wei", "password": password})
    return response.status_code, response.headers.get("retry-after")


def test_the_right_password_is_refused_while_locked_out_and_works_after(
    server: TestClient,
) -> None:
    clock = server.app.state.fleet.logins.clock  # type: ignore[attr-defined]
    assert [_log_in(server, "wrong")[0] for _ in range(4)] == [401] * 4
    # Refused before the password is looked at: the right one fares no better.
    assert _log_in(server, PASSWORD) == (429, "1")
    clock.advance(1)
    assert _log_in(server, "wrong") == (401, None)
    assert _log_in(server, "wrong") == (429, "2")
    clock.advance(2)
    assert _log_in(server, "wrong") == (401, None)
    refused = server.post("/api/v1/auth/token", data={"username": "li.wei", "password": PASSWORD})
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "600"
    assert refused.json() == {
        "detail": "too many failed logins for user 'li.wei': try again in 600 s",
        "code": "login.throttled_user",
        "params": {"name": "li.wei", "seconds": 600},
    }
    clock.advance(599)
    assert _log_in(server, PASSWORD) == (429, "1")
    clock.advance(1)
    assert _log_in(server, PASSWORD) == (200, None)
    assert server.get("/api/v1/health").json()["logins"] == {"failed": 6, "refused": 4}
