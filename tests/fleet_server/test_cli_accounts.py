"""`fleet user` and `fleet apikey`: accounts made from the shell work with the server's checks."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from fleet_server.accounts.accounts import AccountService, Principal
from fleet_server.accounts.models import Role
from fleet_server.cli import app
from fleet_server.errors import Unauthorized
from tests.databases import engine_at_head
from tests.system import script

SECRET = "test-secret-that-is-at-least-32-bytes-long"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'fleet.db'}"


@pytest.fixture
def accounts(sqlite_url: str) -> Iterator[AccountService]:
    """The service on the database the commands write to, as the server would open it."""
    engine = engine_at_head(sqlite_url)
    yield AccountService(engine, SECRET, token_ttl_s=60)
    engine.dispose()


def _fleet(sqlite_url: str, *args: str, stdin: str = "") -> Result:
    return CliRunner().invoke(app, list(args), input=stdin, env={"FLEET_DATABASE_URL": sqlite_url})


def test_user_add_reads_the_password_from_stdin(sqlite_url: str, accounts: AccountService) -> None:
    added = _fleet(sqlite_url, "user", "add", "li.wei", "--role", "operator", stdin="s3cret pw\n")
    assert added.exit_code == 0, added.output
    assert "li.wei" in added.stdout and "operator" in added.stdout
    user = accounts.authenticate("li.wei", "s3cret pw")
    assert user.role == Role.OPERATOR
    listed = _fleet(sqlite_url, "user", "list")
    assert "li.wei" in listed.stdout and "operator" in listed.stdout

    again = _fleet(sqlite_url, "user", "add", "li.wei", "--role", "viewer", stdin="other pw\n")
    assert again.exit_code == 1
    assert "user 'li.wei' already exists" in again.stderr
    assert accounts.authenticate("li.wei", "s3cret pw").role == Role.OPERATOR

    assert _fleet(sqlite_url, "user", "remove", "li.wei").exit_code == 0
    with pytest.raises(Unauthorized):
        accounts.authenticate("li.wei", "s3cret pw")


def test_bad_roles_and_passwords_are_usage_errors(sqlite_url: str) -> None:
    bad_role = _fleet(sqlite_url, "user", "add", "wu", "--role", "boss", stdin="long enough\n")
    assert bad_role.exit_code == 2
    message = " ".join(bad_role.stderr.split())
    assert all(role.value in message for role in Role), message
    short = _fleet(sqlite_url, "user", "add", "wu", "--role", "viewer", stdin="short\n")
    assert short.exit_code == 2 and "password" in short.stderr
    empty = _fleet(sqlite_url, "user", "add", "wu", "--role", "viewer", stdin="")
    assert empty.exit_code == 2 and "no password" in empty.stderr
    key = _fleet(sqlite_url, "apikey", "create", "--role", "root", "--name", "x")
    assert key.exit_code == 2


def test_apikey_create_prints_a_working_key_once(sqlite_url: str, accounts: AccountService) -> None:
    # Run as a user would, so stdout holds exactly what `KEY=$(fleet apikey create ...)` gets.
    created = subprocess.run(
        [script("fleet"), "apikey", "create", "--role", "operator", "--name", "camera-analytics"],
        env={**os.environ, "FLEET_DATABASE_URL": sqlite_url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    assert "will not be shown again" in created.stderr
    principal = accounts.principal_from_api_key(key)
    assert principal == Principal("api_key", "camera-analytics", Role.OPERATOR)

    listed = _fleet(sqlite_url, "apikey", "list")
    assert "camera-analytics" in listed.stdout and key[:8] in listed.stdout
    assert key not in listed.stdout
    [row] = accounts.list_api_keys()
    assert _fleet(sqlite_url, "apikey", "revoke", str(row.id)).exit_code == 0
    with pytest.raises(Unauthorized, match="revoked"):
        accounts.principal_from_api_key(key)
    unknown = _fleet(sqlite_url, "apikey", "revoke", "999")
    assert unknown.exit_code == 1 and "no API key 999" in unknown.stderr


def _run_fleet(sqlite_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`fleet ...` as a separate process, the way an operator runs it."""
    return subprocess.run(
        [script("fleet"), *args],
        env={**os.environ, "FLEET_DATABASE_URL": sqlite_url},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _read_until(fd: int, wanted: str, seen: str = "") -> str:
    """What the process behind a terminal wrote, up to and including `wanted`."""
    while wanted not in seen:
        ready, _, _ = select.select([fd], [], [], 120)
        assert ready, f"no {wanted!r} from the terminal; got {seen!r}"
        chunk = os.read(fd, 1024).decode()
        assert chunk, f"the process ended before {wanted!r}; got {seen!r}"
        seen += chunk
    return seen


def _exit_code(pid: int) -> int:
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _type_hidden(fd: int, text: bytes) -> None:
    """Type at the terminal once the program has turned its echo off (it prints a prompt and
    then asks the terminal not to echo: typed before that, the text would show)."""
    deadline = time.monotonic() + 60
    while termios.tcgetattr(fd)[3] & termios.ECHO:
        assert time.monotonic() < deadline, "the terminal's echo stayed on"
        time.sleep(0.05)
    os.write(fd, text)


def _ended_or_stopped(pid: int, wait_s: float = 30) -> int:
    """The child's exit code; one still waiting for input (a prompt not seen) is killed, not
    waited for without end."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    return _exit_code(pid)


def test_user_passwd_at_a_terminal_asks_twice(sqlite_url: str, accounts: AccountService) -> None:
    accounts.add_user("root", Role.ADMIN, "forgotten password")
    # Everything the child needs is made before the fork: after it, the child only execs.
    program = script("fleet")
    args = [program, "user", "passwd", "root"]
    env = {**os.environ, "FLEET_DATABASE_URL": sqlite_url}
    pid, terminal = pty.fork()
    if pid == 0:  # the child: `fleet user passwd root` on the terminal
        try:
            os.execve(program, args, env)
        finally:
            os._exit(127)
    seen = ""
    try:
        seen = _read_until(terminal, "Password:")
        _type_hidden(terminal, b"new admin password\n")
        seen = _read_until(terminal, "Repeat for confirmation:", seen)
        _type_hidden(terminal, b"new admin password\n")
        seen = _read_until(terminal, "password of user root changed", seen)
    finally:
        code = _ended_or_stopped(pid)
        os.close(terminal)
    assert code == 0, seen
    assert "new admin password" not in seen  # hidden while typed
    assert accounts.authenticate("root", "new admin password").role == Role.ADMIN
    with pytest.raises(Unauthorized):
        accounts.authenticate("root", "forgotten password")


def test_user_passwd_generate_prints_a_password_that_works(
    sqlite_url: str, accounts: AccountService
) -> None:
    accounts.add_user("root", Role.ADMIN, "forgotten password")
    changed = _run_fleet(sqlite_url, "user", "passwd", "root", "--generate")
    assert changed.returncode == 0, changed.stderr
    password = changed.stdout.strip()
    assert len(password) >= 16 and "changed" in changed.stderr
    assert accounts.authenticate("root", password).name == "root"
    with pytest.raises(Unauthorized):
        accounts.authenticate("root", "forgotten password")

    piped = _run_fleet(sqlite_url, "user", "passwd", "root", stdin="piped password\n")
    assert piped.returncode == 0, piped.stderr
    assert accounts.authenticate("root", "piped password").name == "root"
    short = _run_fleet(sqlite_url, "user", "passwd", "root", stdin="short\n")
    assert short.returncode == 2 and "password" in short.stderr
    assert accounts.authenticate("root", "piped password").name == "root"
    unknown = _run_fleet(sqlite_url, "user", "passwd", "nobody", "--generate")
    assert unknown.returncode == 1 and "no user 'nobody'" in unknown.stderr
