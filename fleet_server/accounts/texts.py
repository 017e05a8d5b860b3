"""The accounts' refusals as phrases: a login refused or throttled, a token or API key that cannot
be used, a user or key that is not there, a password change that cannot be made."""

from __future__ import annotations

from fleet_server.texts import Phrase

LOGIN_REFUSED = Phrase("login.refused", "wrong user name or password")
LOGIN_THROTTLED_USER = Phrase(
    "login.throttled_user", "too many failed logins for user {name!r}: try again in {seconds} s"
)
LOGIN_THROTTLED_ADDRESS = Phrase(
    "login.throttled_address", "too many failed logins from {address}: try again in {seconds} s"
)

ACCOUNT_NOT_FOUND = Phrase("account.not_found", "no user {name!r}")
ACCOUNT_EXISTS = Phrase("account.exists", "user {name!r} already exists")
ACCOUNT_DISABLED = Phrase("account.disabled", "user {name!r} is disabled")
ACCOUNT_LAST_ADMIN = Phrase(
    "account.last_admin", "user {name!r} is the last enabled admin: make another admin first"
)

TOKEN_EXPIRED = Phrase("token.expired", "token expired: log in again")
TOKEN_USER_GONE = Phrase("token.user_gone", "token's user no longer exists")
TOKEN_ROLE_CHANGED = Phrase("token.role_changed", "token's role is out of date: log in again")
TOKEN_PASSWORD_CHANGED = Phrase(
    "token.password_changed",
    "the password was changed since this token was issued: log in again",
)
TOKEN_BAD_SIGNATURE = Phrase("token.bad_signature", "token signature invalid")
TOKEN_CLAIM_MISSING = Phrase("token.claim_missing", "token lacks the {claim!r} claim")
# `problem`: what the token library found wrong, in its English.
TOKEN_INVALID = Phrase("token.invalid", "token invalid: {problem}")
TOKEN_BAD_TIMES = Phrase("token.bad_times", "token invalid: iat and exp must be integers")

API_KEY_NOT_FOUND = Phrase("api_key.not_found", "no API key {key}")
API_KEY_UNKNOWN = Phrase("api_key.unknown", "API key unknown")
API_KEY_REVOKED = Phrase("api_key.revoked", "API key {prefix}... was revoked")

PASSWORD_OF_API_KEY = Phrase(
    "password.api_key", "an API key has no password: an admin creates a new key"
)
PASSWORD_UNCHANGED = Phrase("password.unchanged", "new_password: must differ from the current one")
PASSWORD_WRONG = Phrase("password.wrong", "current_password: wrong password")
