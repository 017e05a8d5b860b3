"""MQTT passwords: made at random, stored as Mosquitto's own PBKDF2-SHA512 hashes ("$7$").

Mosquitto 2.0 reads `username:$7$<iterations>$<base64 salt>$<base64 hash>` lines from its
password file; keeping that hash in the database lets the file be rewritten at any time without
a plaintext password anywhere.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

HASH_PREFIX = "$7$"
SALT_BYTES = 12  # what mosquitto_passwd uses
# Mosquitto's own default. The passwords are 256-bit random secrets made here, never chosen by
# people, so stretching adds no protection against guessing; it would only cost the broker CPU,
# which re-checks every connected client's password on each reload (after every robot add or
# revoke): at 100,000 iterations (0.14 s a hash here) a thousand robots would stall it for minutes.
ITERATIONS = 101
PASSWORD_BYTES = 32


def new_password() -> str:
    """A random password: 43 URL- and shell-safe characters (256 bits)."""
    return secrets.token_urlsafe(PASSWORD_BYTES)


def hash_password(password: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """The password's Mosquitto `$7$` hash (PBKDF2-HMAC-SHA512, 64-byte key)."""
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    key = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)
    return f"{HASH_PREFIX}{iterations}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether the password matches a `$7$` hash (False for anything that is not one)."""
    parts = stored.split("$")
    if len(parts) != 5 or parts[0] != "" or parts[1] != "7" or not parts[2].isdigit():
        return False
    try:
        salt = base64.b64decode(parts[3], validate=True)
        expected = base64.b64decode(parts[4], validate=True)
    except ValueError:
        return False
    key = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, int(parts[2]))
    return hmac.compare_digest(key, expected)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
