"""Parsing of MQTT broker URLs (mqtt://user:pass@host:port, mqtts:// for TLS), and TLS settings."""

from __future__ import annotations

import functools
import ssl
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}
HIDDEN = "***"


@dataclass(frozen=True)
class BrokerAddress:
    """Where a broker is and how to log in."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None
    tls: bool = False

    @property
    def display(self) -> str:
        """The address for logs and messages: the password never appears."""
        scheme = "mqtts" if self.tls else "mqtt"
        user = f"{self.username}@" if self.username else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{user}{host}:{self.port}"

    def with_login(self, username: str | None, password: str | None) -> BrokerAddress:
        """The same broker with a login given apart from the URL (so that it need not be in
        a process list); ValueError if the URL already carries one."""
        if username is None and password is None:
            return self
        if self.username is not None or self.password is not None:
            raise ValueError(
                f"MQTT URL {self.display} already has a user name or password; "
                "give the login either in the URL or separately, not both"
            )
        if username is None:
            raise ValueError("an MQTT password was given without a user name")
        return replace(self, username=username, password=password)


def redact_url(url: str) -> str:
    """The URL with any password in it replaced by ***, for logs and error messages."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    # Up to the last "@": a password may hold "/", "?" or "#", which would end a URL's host.
    login, at, host = rest.rpartition("@")
    if not at or ":" not in login:
        return url
    user = login.split(":", 1)[0]
    return f"{scheme}://{user}:{HIDDEN}@{host}"


def parse_broker_url(url: str) -> BrokerAddress:
    """Parse mqtt[s]://[user[:password]@]host[:port]; ValueError says what is wrong (without
    repeating the password)."""
    shown = redact_url(url)
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS:
        raise ValueError(f"MQTT URL {shown!r}: scheme must be mqtt or mqtts")
    if not parts.hostname:
        raise ValueError(f"MQTT URL {shown!r} has no host")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise ValueError(f"MQTT URL {shown!r} has an invalid port") from None
    return BrokerAddress(
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        tls=parts.scheme == "mqtts",
    )


@functools.lru_cache(maxsize=8)
def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    """A client TLS context: TLS 1.2 or newer, the broker's certificate checked against the CA
    file (the system's CAs without one) and its host name checked against the certificate.

    One per CA file, shared: a simulator's hundreds of agents do not each read it again.
    """
    context = ssl.create_default_context(
        ssl.Purpose.SERVER_AUTH, cafile=str(ca_file) if ca_file is not None else None
    )
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def check_ca_file(ca_file: Path | None, url: str) -> None:
    """ValueError unless a CA file, when given, exists and goes with an mqtts:// URL."""
    if ca_file is None:
        return
    if not parse_broker_url(url).tls:
        raise ValueError(
            f"a CA file ({ca_file}) is given but the MQTT URL {redact_url(url)!r} is not mqtts://"
        )
    if not ca_file.is_file():
        raise ValueError(f"CA file {ca_file} does not exist or is not a file")
