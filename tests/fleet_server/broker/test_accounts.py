"""Broker logins in the database and the broker files written from them (SQLite and
PostgreSQL; the files' effect on a real broker is in test_broker_security.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from fleet_protocol.kinds import RobotKind
from fleet_server.broker.accounts import MqttAccounts
from fleet_server.broker.files import BrokerFilesError
from fleet_server.broker.models import MqttAccount
from fleet_server.broker.password import verify_password
from fleet_server.errors import Conflict, Invalid, NotFound
from fleet_server.fleet.models.robot import Robot, RobotCreate


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A folder as `fleet broker config` leaves it, without a running broker."""
    folder = tmp_path / "broker"
    (folder / "run").mkdir(parents=True)
    (folder / "mosquitto.conf").write_text("# written by fleet broker config\n")
    return folder


def _dogs(*serials: str, manufacturer: str = "FleetSim") -> list[RobotCreate]:
    return [
        RobotCreate(serial_number=s, manufacturer=manufacturer, kind=RobotKind.PATROL_DOG)
        for s in serials
    ]


def _stored(engine: Engine, username: str) -> MqttAccount | None:
    with Session(engine) as session:
        return session.get(MqttAccount, username)


def _password_lines(folder: Path) -> dict[str, str]:
    lines = (folder / "passwd").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if not line.startswith("#"))


def test_added_robots_are_registered_with_logins_stored_as_hashes(engine: Engine) -> None:
    accounts = MqttAccounts(engine, interface="uagv", broker_dir=None)
    logins = accounts.add_robots(_dogs("dog-01", "dog-02"))
    assert [login.username for login in logins] == ["dog-01", "dog-02"]
    assert logins[0].password != logins[1].password
    for login in logins:
        account = _stored(engine, login.username)
        assert account is not None and account.active
        assert login.password not in account.password_hash
        assert verify_password(login.password, account.password_hash)
    with Session(engine) as session:
        robot = session.get(Robot, "dog-01")
    assert robot is not None and robot.registered and robot.kind is RobotKind.PATROL_DOG
    listed = accounts.robots()
    assert [(r.serial_number, a is not None and a.active) for r, a in listed] == [
        ("dog-01", True),
        ("dog-02", True),
    ]


def test_a_taken_serial_or_one_the_broker_cannot_hold_adds_nothing(engine: Engine) -> None:
    accounts = MqttAccounts(engine, interface="uagv", broker_dir=None)
    accounts.add_robots(_dogs("dog-01"))
    with pytest.raises(Conflict, match="robot 'dog-01' already exists") as taken:
        accounts.add_robots(_dogs("dog-02", "dog-01"))
    with pytest.raises(Invalid, match="'dog:03' cannot be an MQTT account") as unfit:
        accounts.add_robots(_dogs("dog-03", "dog:03"))
    with pytest.raises(Invalid, match="given twice") as twice:
        accounts.add_robots(_dogs("dog-04", "dog-04"))
    # Each with the code and parameters the console words it by.
    assert [(e.value.code, e.value.params, e.value.field) for e in (taken, unfit, twice)] == [
        ("broker.robot_exists", {"serial": "dog-01"}, "serial_number"),
        ("broker.serial_unfit", {"serial": "dog:03"}, "serial_number"),
        ("broker.serial_twice", {"serial": "dog-04"}, "serial_number"),
    ]
    assert [robot.serial_number for robot, _ in accounts.robots()] == ["dog-01"]


def test_a_new_password_replaces_the_old_and_a_revoked_login_keeps_no_hash(engine: Engine) -> None:
    accounts = MqttAccounts(engine, interface="uagv", broker_dir=None)
    [first] = accounts.add_robots(_dogs("dog-01"))
    second = accounts.issue("dog-01")
    account = _stored(engine, "dog-01")
    assert account is not None
    assert verify_password(second.password, account.password_hash)
    assert not verify_password(first.password, account.password_hash)

    revoked = accounts.revoke("dog-01")
    assert revoked.revoked_at is not None and not revoked.active
    account = _stored(engine, "dog-01")
    assert account is not None and account.password_hash == "" and not account.active
    assert accounts.revoke("dog-01").revoked_at == revoked.revoked_at  # again: no change

    third = accounts.issue("dog-01")  # a revoked robot may be given a login again
    account = _stored(engine, "dog-01")
    assert account is not None and account.active
    assert verify_password(third.password, account.password_hash)


def test_unknown_robots_and_robots_without_a_login(engine: Engine) -> None:
    accounts = MqttAccounts(engine, interface="uagv", broker_dir=None)
    with pytest.raises(NotFound, match="unknown robot 'ghost'") as unknown:
        accounts.issue("ghost")
    with pytest.raises(NotFound, match="robot 'ghost' has no MQTT account") as without:
        accounts.revoke("ghost")
    assert (unknown.value.code, unknown.value.params) == (
        "broker.unknown_robot",
        {"serial": "ghost"},
    )
    assert (without.value.code, without.value.params) == ("broker.no_account", {"serial": "ghost"})


def test_the_server_login_is_made_once_kept_and_renewed_on_request(engine: Engine) -> None:
    accounts = MqttAccounts(engine, interface="uagv", broker_dir=None)
    made = accounts.server_login("fleet-server", renew=False)
    assert made is not None
    assert accounts.server_login("fleet-server", renew=False) is None
    renewed = accounts.server_login("fleet-server", renew=True)
    assert renewed is not None and renewed.password != made.password
    account = _stored(engine, "fleet-server")
    assert account is not None and verify_password(renewed.password, account.password_hash)
    with pytest.raises(Conflict, match="the server's MQTT account is 'fleet-server'"):
        accounts.server_login("other-server", renew=False)
    with pytest.raises(Conflict, match="server's MQTT account name"):
        accounts.add_robots(_dogs("fleet-server"))
    with pytest.raises(Conflict, match="server's MQTT account name"):
        accounts.check_robot_name("fleet-server")


def test_a_robot_name_cannot_become_the_servers(engine: Engine) -> None:
    accounts = MqttAccounts(engine, interface="uagv", broker_dir=None)
    accounts.add_robots(_dogs("fleet-server"))
    with pytest.raises(Conflict, match="is a robot's name"):
        accounts.server_login("fleet-server", renew=False)


def test_the_files_hold_exactly_the_active_logins(engine: Engine, config_dir: Path) -> None:
    accounts = MqttAccounts(engine, interface="uagv", broker_dir=config_dir)
    server = accounts.server_login("fleet-server", renew=False)
    assert server is not None
    accounts.add_robots(_dogs("dog-01", "dog-02", manufacturer="Acme"))
    accounts.revoke("dog-02")
    update = accounts.sync_broker()
    assert update.files_written and not update.reloaded
    assert "not running" in update.note
    stored = _password_lines(config_dir)
    assert sorted(stored) == ["dog-01", "fleet-server"]
    assert verify_password(server.password, stored["fleet-server"])
    acl = (config_dir / "acl").read_text()
    assert "user dog-01" in acl and "topic read uagv/v2/Acme/dog-01/order" in acl
    assert "dog-02" not in acl
    for name in ("passwd", "acl"):
        assert (config_dir / name).stat().st_mode & 0o777 == 0o600


def test_rewritten_files_keep_a_group_read_bit_an_admin_gave_them(
    engine: Engine, config_dir: Path
) -> None:
    accounts = MqttAccounts(engine, interface="uagv", broker_dir=config_dir)
    accounts.add_robots(_dogs("dog-01"))
    accounts.sync_broker()
    os.chmod(config_dir / "passwd", 0o644)  # more than the broker's group needs
    accounts.revoke("dog-01")
    accounts.sync_broker()
    assert (config_dir / "passwd").stat().st_mode & 0o777 == 0o640
    assert "dog-01" not in _password_lines(config_dir)


def test_without_a_config_dir_the_change_is_stored_and_the_answer_says_so(engine: Engine) -> None:
    update = MqttAccounts(engine, interface="uagv", broker_dir=None).sync_broker()
    assert not update.files_written and "FLEET_BROKER_CONFIG_DIR is not set" in update.note


def test_a_folder_without_a_configuration_is_refused(engine: Engine, tmp_path: Path) -> None:
    accounts = MqttAccounts(engine, interface="uagv", broker_dir=tmp_path)
    with pytest.raises(BrokerFilesError, match=r"holds no mosquitto\.conf"):
        accounts.sync_broker()
    assert not (tmp_path / "passwd").exists()


def test_a_pid_file_naming_another_program_is_not_signalled(
    engine: Engine, config_dir: Path
) -> None:
    (config_dir / "run" / "mosquitto.pid").write_text(f"{os.getpid()}\n")
    update = MqttAccounts(engine, interface="uagv", broker_dir=config_dir).sync_broker()
    assert update.files_written and not update.reloaded
    assert "is not mosquitto" in update.note


def test_a_file_of_another_user_is_not_replaced_by_one_the_broker_could_not_read(
    engine: Engine, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts = MqttAccounts(engine, interface="uagv", broker_dir=config_dir)
    accounts.add_robots(_dogs("dog-01"))
    accounts.sync_broker()
    before = (config_dir / "passwd").read_text()
    owner = (config_dir / "passwd").stat().st_uid
    monkeypatch.setattr(os, "geteuid", lambda: owner + 1)  # someone else, not root
    accounts.revoke("dog-01")
    with pytest.raises(BrokerFilesError, match=f"belongs to user id {owner}"):
        accounts.sync_broker()
    assert (config_dir / "passwd").read_text() == before
