"""The broker's files on disk: written atomically, secrets mode 0600 and owned by the user the
broker runs as; a running Mosquitto is told to reload them with SIGHUP to its pid file's pid."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import getpass
import os
import pwd
import secrets
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fleet_server.broker.config import CONF_FILE, PID_FILE

LOCK_FILE = ".fleet-broker.lock"
SECRET_MODE = 0o600
# Regenerated files keep their group's read access if an administrator gave it (so a broker
# running in that group can read them), never anything for others.
KEPT_MODE_BITS = 0o640


class BrokerFilesError(Exception):
    """The broker's files could not be written or the broker not reloaded; says why."""


@dataclass(frozen=True)
class FileOwner:
    """Who must own the files the broker reads and writes."""

    name: str
    uid: int
    gid: int


def broker_owner(user: str | None) -> FileOwner:
    """Who the broker runs as and so must own its files: as root, `user` (default `mosquitto`,
    whom Mosquitto drops to when started as root); otherwise the caller, since only root may
    give files away. BrokerFilesError names an impossible request."""
    me = getpass.getuser()
    if os.geteuid() == 0:
        name = user or "mosquitto"
    elif user in (None, me):
        name = me
    else:
        raise BrokerFilesError(
            f"only root can hand the broker's files to user {user!r}; run this as root, "
            f"or leave --broker-user out to run the broker as {me}"
        )
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise BrokerFilesError(
            f"no system user {name!r} for the broker to run as: create it or name another "
            "with --broker-user"
        ) from None
    return FileOwner(name, entry.pw_uid, entry.pw_gid)


def write_file(
    path: Path, text: str, *, mode: int = SECRET_MODE, owner: FileOwner | None = None
) -> None:
    """Replace the file at once with the text (readers never see half a file)."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(fd, mode)  # whatever the umask
        if owner is not None:
            os.fchown(fd, owner.uid, owner.gid)
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            fd = -1
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise


def rewrite_file(path: Path, text: str) -> None:
    """Replace a secret file the broker reads, keeping its owner (when we may) and its mode
    (at most 0640), so that the broker can still read it."""
    try:
        existing = path.stat()
    except FileNotFoundError:
        write_file(path, text)
        return
    owner = None
    if os.geteuid() == 0:
        owner = FileOwner(str(existing.st_uid), existing.st_uid, existing.st_gid)
    elif existing.st_uid != os.geteuid():
        # Our copy would be ours, mode 0600: the broker's user could no longer read it.
        raise BrokerFilesError(
            f"{path} belongs to user id {existing.st_uid}: rewrite it as that user (the one "
            "the broker runs as) or as root"
        )
    write_file(path, text, mode=(existing.st_mode & KEPT_MODE_BITS) | SECRET_MODE, owner=owner)


def make_dir(path: Path, mode: int, owner: FileOwner | None = None) -> None:
    """A directory with this mode (and owner), made if missing."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, mode)
    if owner is not None:
        os.chown(path, owner.uid, owner.gid)


def check_config_dir(directory: Path) -> None:
    """BrokerFilesError unless the directory holds a configuration `fleet broker config` wrote."""
    if not (directory / CONF_FILE).is_file():
        raise BrokerFilesError(
            f"{directory} holds no {CONF_FILE}: write the broker's configuration there first "
            f"(fleet broker config -o {directory})"
        )


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold the directory's lock: one writer at a time (the server and `fleet robot` commands
    may regenerate the files at once; the last writer must have read the database last)."""
    fd = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, SECRET_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def reload_broker(directory: Path) -> tuple[bool, str]:
    """SIGHUP to the Mosquitto whose pid is in the directory's pid file: (reloaded, what
    happened). A broker that is not running is no error: it reads the files when it starts.
    BrokerFilesError when a running broker cannot be signalled."""
    pid_file = directory / PID_FILE
    try:
        pid = int(pid_file.read_text().strip())
    except FileNotFoundError:
        return False, f"the broker is not running (no {pid_file}); it reads the files on start"
    except ValueError:
        raise BrokerFilesError(f"{pid_file} does not hold a process id") from None
    if not _is_mosquitto(pid):
        return False, f"the broker is not running (pid {pid} in {pid_file} is not mosquitto)"
    try:
        os.kill(pid, signal.SIGHUP)
    except ProcessLookupError:
        return False, f"the broker is not running (no process {pid}); it reads the files on start"
    except PermissionError:
        raise BrokerFilesError(
            f"not allowed to signal the broker (pid {pid}) to reload: run this as the user "
            "the broker runs as, or as root; until it reloads, the broker uses its old files"
        ) from None
    return True, f"broker (pid {pid}) told to reload"


def _is_mosquitto(pid: int) -> bool:
    """Whether the process looks like a Mosquitto broker (a stale pid file's pid may have been
    reused by anything); True where /proc cannot tell."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return not Path("/proc/self").exists() and _exists(pid)
    except OSError:
        return True
    program = command.split(b"\0", 1)[0]
    return os.path.basename(program).startswith(b"mosquitto")


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    return True
