"""CI: the wheel as an integrator gets it, installed and run outside the checkout.

Builds the sdist and the wheel from it, checks the wheel holds the console's assets, the schema
revisions and the missions/ data, installs it in a fresh virtual environment in a temporary folder
and, from there, runs `fleet demo` (embedded broker on a free port): banner, health, the demo
site, the templates, the console page, a clean stop on SIGINT; `fleet db current` then finds the
database it made at head. Then the agent's small install: the wheel without its dependencies plus
the agent's few packages; `robot-agent --help` works and the agent imports no server library.
Exits non-zero at the first failure, with what the failing command printed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
DEMO_SITE = "longgang-demo"
# What `pip install` of the agent alone needs on a robot computer (README, "On a robot").
AGENT_PACKAGES = ["pydantic", "pydantic-settings", "aiomqtt", "paho-mqtt"]
# The server's libraries the agent must never pull in (DESIGN.md, the rule of direction).
SERVER_ONLY = ["fastapi", "sqlalchemy", "sqlmodel", "numpy", "uvicorn"]
# Source folders whose every file the wheel must carry, as package data.
PACKAGE_DATA = [
    "fleet_server/console/assets",
    "fleet_server/migrations",
    "missions/sites",
    "missions/templates",
]
# pip's notes about this machine's unused local package folders, not about our install.
PIP_NOISE = "is neither a file nor a directory"

T = TypeVar("T")


class SmokeFailure(Exception):
    """A check failed; the message says which and what was seen."""


STARTED = time.monotonic()


def step(title: str) -> None:
    print(f"-- {time.monotonic() - STARTED:4.0f} s  {title}", flush=True)


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a command to its end; its output, or SmokeFailure with the output if it fails."""
    done = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
    )
    output = "\n".join(line for line in done.stdout.splitlines() if PIP_NOISE not in line)
    if done.returncode != 0:
        raise SmokeFailure(f"{' '.join(command)} exited {done.returncode}:\n{output}")
    return output


def source_copy(target: Path) -> Path:
    """The checkout's files as a clone has them, plus new ones not ignored, copied to target."""
    # A build in the checkout itself would read a stale *.egg-info/SOURCES.txt or build/ left by
    # an earlier build, and could ship files that the packaging rules no longer name.
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def build_wheel(work: Path) -> Path:
    """The sdist built from a copy of the checkout, and the wheel built from that sdist."""
    source = source_copy(work / "source")
    dist = work / "dist"
    run([sys.executable, "-m", "build", "--outdir", str(dist), str(source)], cwd=work)
    (wheel,) = dist.glob("*.whl")
    return wheel


def check_wheel_contents(wheel: Path) -> None:
    """Every file of the package-data folders is in the wheel."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    expected = {
        path.relative_to(ROOT).as_posix()
        for folder in PACKAGE_DATA
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    missing = sorted(expected - names)
    if missing:
        raise SmokeFailure(f"{wheel.name} lacks {len(missing)} data files: {missing[:10]}")
    print(f"   {wheel.name}: {len(expected)} data files present")


def fresh_venv(folder: Path) -> dict[str, str]:
    """A new virtual environment; the environment variables that run its commands."""
    run([sys.executable, "-m", "venv", str(folder)], cwd=folder.parent)
    env = {
        key: value
        for key, value in os.environ.items()
        # Nothing from the checkout's environment: no PYTHONPATH, no FLEET_/AGENT_ settings.
        if not key.startswith(("FLEET_", "AGENT_", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"))
    }
    env["VIRTUAL_ENV"] = str(folder)
    env["PATH"] = f"{folder / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def pip_install(venv: Path, env: dict[str, str], cwd: Path, *arguments: str) -> None:
    # No byte-code: each installed module is imported once or never here.
    python = str(venv / "bin" / "python")
    run([python, "-m", "pip", "install", "-q", "--no-compile", *arguments], cwd, env)


def installed_in(venv: Path, env: dict[str, str], cwd: Path, modules: list[str]) -> None:
    """Each module is imported from the virtual environment, not from the checkout."""
    code = (
        "import importlib, sys\n"
        "for name in sys.argv[1:]:\n"
        "    print(name, importlib.import_module(name).__file__)\n"
    )
    output = run([str(venv / "bin" / "python"), "-c", code, *modules], cwd, env)
    for line in output.splitlines():
        name, _, origin = line.partition(" ")
        if not Path(origin).resolve().is_relative_to(venv.resolve()):
            raise SmokeFailure(f"{name} is imported from {origin}, outside {venv}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Callable[[], T | None], timeout: float, what: str) -> T:
    """The first true result of check within the timeout, or SmokeFailure naming what."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise SmokeFailure(f"no {what} within {timeout:.0f} s")


def get_json(url: str, key: str | None = None) -> Any:
    request = urllib.request.Request(url, headers={"X-API-Key": key} if key else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def get_text(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode("utf-8"))


class Demo:
    """`fleet demo` running in the background, its output collected line by line."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def output(self) -> str:
        return "".join(self.lines)

    def banner_field(self, label: str) -> str | None:
        found = re.search(rf"^  {label}:\s+(\S+)", self.output(), re.MULTILINE)
        if found is None and self.process.poll() is not None:
            raise SmokeFailure(f"fleet demo exited {self.process.returncode} before its banner")
        return found.group(1) if found else None

    def interrupt(self, timeout: float) -> int:
        """Ctrl-C, as a person stops the demo; its exit code."""
        self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise SmokeFailure(f"fleet demo still running {timeout:.0f} s after SIGINT") from None
        self._reader.join(timeout=5)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def check_demo(venv: Path, env: dict[str, str], cwd: Path) -> None:
    """The demo from the installed wheel: banner, API, demo site, templates, console, Ctrl-C."""
    port = free_port()
    demo = Demo(
        [str(venv / "bin" / "fleet"), "demo", "--port", str(port), "--per-kind", "1"], cwd, env
    )
    try:
        console = wait_for(lambda: demo.banner_field("Console"), 60, "banner")
        key = wait_for(lambda: demo.banner_field("Operator key"), 5, "operator key in the banner")
        api = f"{console.rstrip('/')}/api/v1"
        health = wait_for(
            lambda: (h := get_json(f"{api}/health"))["mqtt_connected"] and h,
            20,
            "health with the broker connected",
        )
        sites = [site["id"] for site in get_json(f"{api}/sites", key)]
        if DEMO_SITE not in sites:
            raise SmokeFailure(f"GET /sites lists {sites}, not {DEMO_SITE}")
        templates = [template["id"] for template in get_json(f"{api}/templates", key)]
        if not templates:
            raise SmokeFailure("GET /templates lists no template")
        page = get_text(console)
        if 'src="/console/js/main.js"' not in page:
            raise SmokeFailure(f"GET / is not the console's page: {page[:200]}")
        get_text(f"{console.rstrip('/')}/console/js/main.js")
        print(
            f"   {console}: health {health['status']}, broker connected, sites {sites}, "
            f"{len(templates)} templates, console page and script served"
        )
        code = demo.interrupt(timeout=30)
        output = demo.output()
        if code != 0 or "Traceback" in output:
            raise SmokeFailure(f"fleet demo ended with {code} after SIGINT:\n{output}")
        print("   stopped on SIGINT, exit code 0")
    except BaseException:
        demo.kill()
        print(demo.output(), file=sys.stderr)
        raise


def check_agent_install(wheel: Path, work: Path) -> str:
    """The wheel without dependencies plus the agent's packages runs the agent, serverless."""
    venv = work / "agent-venv"
    env = fresh_venv(venv)
    pip_install(venv, env, work, "--no-deps", str(wheel))
    pip_install(venv, env, work, *AGENT_PACKAGES)
    run([str(venv / "bin" / "robot-agent"), "--help"], work, env)
    installed_in(venv, env, work, ["robot_agent.agent"])
    code = (
        "import sys\n"
        "import robot_agent.agent, robot_agent.cli\n"
        "loaded = {name.partition('.')[0] for name in sys.modules}\n"
        "print(' '.join(sorted(loaded & set(sys.argv[1:]))))\n"
    )
    pulled = run([str(venv / "bin" / "python"), "-c", code, *SERVER_ONLY], work, env).strip()
    if pulled:
        raise SmokeFailure(f"importing the agent pulls in {pulled}")
    return f"robot-agent --help works; the agent imports none of {', '.join(SERVER_ONLY)}"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="wheel-smoke-") as folder:
        # The checkout is not importable from here: no package folders beside the commands.
        work = Path(folder)
        try:
            step("build the sdist and the wheel from it")
            wheel = build_wheel(work)
            check_wheel_contents(wheel)
            with ThreadPoolExecutor(max_workers=1) as background:
                # The agent's own environment is made meanwhile: pip mostly waits on the disk.
                agent = background.submit(check_agent_install, wheel, work)
                step(f"install {wheel.name} in a fresh virtual environment in {work}")
                venv = work / "server-venv"
                env = fresh_venv(venv)
                pip_install(venv, env, work, str(wheel))
                installed_in(venv, env, work, ["fleet_server", "missions", "simulation"])
                step("fleet demo from the installed wheel")
                check_demo(venv, env, work)
                step("the demo's database, made by the revisions the wheel ships")
                current = run([str(venv / "bin" / "fleet"), "db", "current"], work, env).strip()
                if not current.endswith("(head)"):
                    raise SmokeFailure(f"fleet db current after the demo: {current}")
                print(f"   {current}")
                step("the agent's small install from the wheel (made meanwhile)")
                print(f"   {agent.result()}")
        except SmokeFailure as failure:
            print(f"wheel smoke test FAILED: {failure}", file=sys.stderr)
            return 1
    print(f"wheel smoke test: ok ({time.monotonic() - STARTED:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
