"""A real Mosquitto broker on a free port, started and stopped by the tests."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _MosquittoProcess:
    """A mosquitto process run from a configuration file, its output in a log file."""

    def __init__(self, config: Path, log_path: Path, port: int) -> None:
        binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        if not Path(binary).exists():
            raise RuntimeError("mosquitto is not installed (apt-get install mosquitto)")
        self.binary = binary
        self.host = "127.0.0.1"
        self.port = port
        self._config = config
        self._log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        """The broker's process id."""
        assert self._process is not None
        return self._process.pid

    def start(self) -> None:
        """Start the broker and wait until it accepts connections on its port."""
        log = self._log_path.open("ab")
        self._process = subprocess.Popen(
            [self.binary, "-c", str(self._config)], stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.host, self.port), timeout=0.2):
                    return
            except OSError:
                if self._process.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError(f"mosquitto did not start on port {self.port}: {self.log_text()}")

    def stop(self) -> None:
        """Stop the broker (all clients are disconnected)."""
        if self._process and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def log_text(self) -> str:
        """What the broker has logged."""
        path = self._log_path
        return path.read_text(errors="replace") if path.exists() else ""


class MosquittoBroker(_MosquittoProcess):
    """An anonymous mosquitto of our own on a free port; restartable on the same port."""

    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="mosquitto-"))
        port = free_port()
        config = self._dir / "mosquitto.conf"
        config.write_text(
            f"listener {port} 127.0.0.1\n"
            "allow_anonymous true\n"
            "persistence false\n"
            "max_queued_messages 100000\n"
        )
        super().__init__(config, self._dir / "mosquitto.log", port)

    @property
    def url(self) -> str:
        """mqtt://host:port of this broker."""
        return f"mqtt://{self.host}:{self.port}"

    def cleanup(self) -> None:
        """Stop and remove the config folder."""
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)


def broker_home() -> Path:
    """A fresh folder for a broker configuration that the broker's own user can reach (as root,
    Mosquitto drops to the `mosquitto` user, which must be able to open the files inside)."""
    folder = Path(tempfile.mkdtemp(prefix="fleet-broker-"))
    folder.chmod(0o755)
    return folder


class ConfiguredMosquitto(_MosquittoProcess):
    """Mosquitto started with a configuration `fleet broker config` wrote (TLS, logins, ACL);
    it is ready when its TLS port accepts connections."""

    def __init__(self, config_dir: Path, port: int, local_port: int | None = None) -> None:
        super().__init__(config_dir / "mosquitto.conf", config_dir.parent / "mosquitto.log", port)
        self.config_dir = config_dir
        self.local_port = local_port
