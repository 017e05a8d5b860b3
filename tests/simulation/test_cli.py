"""`fleet-sim`: errors name what is wrong; a real run brings robots online and stops cleanly."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from fleet_protocol.topics import Subtopic
from simulation.cli import main
from tests.broker import MosquittoBroker
from tests.wire import WireRecorder, match

DEMO = Path(__file__).resolve().parents[2] / "missions" / "sites" / "longgang-demo.yaml"


def fails_with(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the CLI expecting a usage error; its message."""
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    return capsys.readouterr().err


def test_missing_site_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = fails_with(["--site", str(tmp_path / "nosuch.yaml")], capsys)
    assert "nosuch.yaml" in err
    assert "cannot read" in err


def test_invalid_site_is_named_with_the_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad-site.yaml"
    bad.write_text("id: s\nname: S\nnodes: [{id: a, x: 0, y: 0}]\nedges: [{start: a, end: zz}]\n")
    err = fails_with(["--site", str(bad)], capsys)
    assert "bad-site.yaml" in err
    assert "unknown node 'zz'" in err


def test_unknown_kind_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    err = fails_with(["--site", str(DEMO), "--kinds", "patrol_dog,robodog"], capsys)
    assert "robodog" in err
    assert "patrol_dog, sanitation, service" in err


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--robots", "0"], "'0' must be at least 1"),
        (["--speed-factor", "-2"], "'-2' must be greater than 0"),
        (["--mqtt", "tcp://host"], "scheme must be mqtt or mqtts"),
        (["--manufacturer", "a/b"], "manufacturer"),
        (["--energy-variation", "1"], "'1' must be at least 0 and below 1"),
        (["--energy-variation", "lots"], "'lots' is not a number"),
        (["--charge-rate", "0"], "'0' must be greater than 0"),
    ],
)
def test_bad_options_are_named(
    argv: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert named in fails_with(["--site", str(DEMO), *argv], capsys)


def test_help_names_the_energy_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--help"])
    assert caught.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--energy-variation SPREAD" in text
    assert "1 ± SPREAD (default 0.2; 0: the kind's figures)" in text
    assert "--charge-rate PERCENT_PER_HOUR" in text


def test_runs_robots_online_until_sigint(broker: MosquittoBroker, wire: WireRecorder) -> None:
    command = [
        sys.executable,
        "-c",
        "from simulation.cli import main; main()",
        *("--mqtt", broker.url, "--site", str(DEMO), "--robots", "3"),
        *("--speed-factor", "10", "--state-interval", "1", "--manufacturer", "CliSim"),
        *("--energy-variation", "0", "--charge-rate", "90"),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    serials = ["dog-01", "sweeper-01", "guide-01"]
    try:
        for serial in serials:
            online = wire.wait_for(
                match(
                    Subtopic.CONNECTION,
                    serial_number=serial,
                    manufacturer="CliSim",
                    where=lambda body: body["connectionState"] == "ONLINE",
                ),
                timeout=20,
                what=f"{serial} ONLINE",
            )
            assert online.retain
            wire.wait_for(match(Subtopic.FACTSHEET, serial_number=serial), what="factsheet")
            wire.wait_for(match(Subtopic.STATE, serial_number=serial), what="state")
        mark = wire.mark()
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    for serial in serials:
        wire.wait_for(
            match(
                Subtopic.CONNECTION,
                serial_number=serial,
                where=lambda body: body["connectionState"] == "OFFLINE",
            ),
            since=mark,
            what=f"{serial} OFFLINE",
        )
        assert serial in out
    # Without variation each robot lists its kind's figures, at the chosen charge rate.
    assert "drive 4.00 %/km, idle 0.120 %/min, charge 90 %/h" in out
    assert "fleet-sim: stopped" in out


def test_a_credentials_file_line_that_is_not_serial_and_password_is_named_by_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    creds = tmp_path / "robots.txt"
    creds.write_text("# fleet robot add --save-credentials\ndog-01 s3cret\ndog-02 s3cret extra\n")
    creds.chmod(0o600)
    err = fails_with(["--site", str(DEMO), "--credentials", str(creds)], capsys)
    assert "robots.txt, line 3: expected 'serial password'" in err
    assert "s3cret" not in err


def test_a_robot_without_a_password_in_the_credentials_file_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    creds = tmp_path / "robots.txt"
    creds.write_text("dog-01 s3cret\n")
    creds.chmod(0o600)
    argv = ["--site", str(DEMO), "--robots", "3", "--credentials", str(creds)]
    err = fails_with(argv, capsys)
    assert "no broker password for sweeper-01, guide-01" in err


def test_a_ca_file_needs_an_mqtts_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ca = tmp_path / "ca.crt"
    ca.write_text("not used")
    err = fails_with(["--site", str(DEMO), "--mqtt-ca-file", str(ca)], capsys)
    assert "is not mqtts://" in err
