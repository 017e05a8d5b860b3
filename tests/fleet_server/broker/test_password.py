"""MQTT password hashes in Mosquitto's `$7$` format (checked against the real broker in
test_broker_security.py and against mosquitto_passwd here)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from fleet_server.broker.password import hash_password, new_password, verify_password


def test_new_passwords_are_long_random_and_url_safe() -> None:
    passwords = {new_password() for _ in range(50)}
    assert len(passwords) == 50
    assert all(len(p) >= 43 and p.replace("-", "").replace("_", "").isalnum() for p in passwords)


def test_a_hash_verifies_its_password_only() -> None:
    stored = hash_password("s3cret")
    assert stored.startswith("$7$101$")
    assert verify_password("s3cret", stored)
    assert not verify_password("s3cret ", stored)
    assert hash_password("s3cret") != stored  # a fresh salt each time


@pytest.mark.parametrize("stored", ["", "s3cret", "$6$abc$def", "$7$x$AAAA$AAAA", "$7$101$!!$AA"])
def test_anything_but_a_7_hash_never_verifies(stored: str) -> None:
    assert not verify_password("s3cret", stored)


@pytest.mark.skipif(shutil.which("mosquitto_passwd") is None, reason="mosquitto_passwd missing")
def test_hashes_of_mosquitto_passwd_verify_and_ours_have_its_shape(tmp_path: Path) -> None:
    path = tmp_path / "passwd"
    subprocess.run(["mosquitto_passwd", "-c", "-b", str(path), "dog-01", "s3cret"], check=True)
    theirs = path.read_text().strip().split(":", 1)[1]
    assert verify_password("s3cret", theirs)
    assert not verify_password("other", theirs)
    ours = hash_password("s3cret")
    assert [len(part) for part in ours.split("$")] == [len(p) for p in theirs.split("$")]
