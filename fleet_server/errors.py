"""The FleetError hierarchy and its one mapping to HTTP responses."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from fleet_server.texts import Text


class FleetError(Exception):
    """A domain error with a message a user can act on; a `code` with `params` lets the console
    word it in the user's language (the English message stays for integrators)."""

    status_code = 400

    def __init__(
        self,
        message: str | Text,
        *,
        field: str | None = None,
        code: str | None = None,
        params: dict[str, Any] | None = None,
        problems: list[dict[str, Any]] | None = None,
    ) -> None:
        if isinstance(message, Text):
            code, params, message = message.code, message.wire_params(), message.message
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
        self.params = params or {}
        # Several refusals at once, each with its field, code, params and message (as a 422's).
        self.problems = problems


class NotFound(FleetError):
    """The thing asked for does not exist."""

    status_code = 404


class Conflict(FleetError):
    """The request is valid but clashes with the current state of the fleet."""

    status_code = 409


class Invalid(FleetError):
    """The request names something impossible or malformed."""

    status_code = 422

    @classmethod
    def of(
        cls,
        exc: ValidationError,
        *,
        prefix: str = "",
        field: str | None = None,
        members: Collection[str] = (),
    ) -> Invalid:
        """A refusal of data checked inside the service (a template's mission, a schedule's rule)
        with each problem's field under `prefix`, the body's field the data came in; `members`
        are the tags of a union the data is one of."""
        found = problems_of(exc.errors(), prefix, members)
        return cls(problems_text(found), field=field, problems=found)


class TooLarge(FleetError):
    """The request's content is larger than the server takes."""

    status_code = 413


class UnsupportedMediaType(FleetError):
    """The request's content is of a type the route does not take."""

    status_code = 415


class Unauthorized(FleetError):
    """The caller is not known: no credentials, or ones that are wrong, expired or revoked."""

    status_code = 401

    def __init__(self, message: str | Text, *, scheme: str = "Bearer") -> None:
        super().__init__(message)
        self.scheme = scheme  # the authentication scheme the route takes


class Forbidden(FleetError):
    """The caller is known but its role may not do this."""

    status_code = 403


class BrokerNotUpdated(FleetError):
    """A change was stored but the MQTT broker could not be made to follow it."""

    status_code = 502


class TooManyRequests(FleetError):
    """The caller must wait before trying again (say, after many failed logins)."""

    status_code = 429

    def __init__(self, message: str | Text, *, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    text = ""
    for part in parts:
        text += f"[{part}]" if part.isdigit() else (f".{part}" if text else part)
    return text or "request"


def _readable(text: str) -> str:
    """Text that encodes as UTF-8: a lone surrogate from the request is shown escaped."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


async def _fleet_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, FleetError)
    body: dict[str, Any] = {"detail": _readable(exc.message)}
    if exc.field:
        body["field"] = _readable(exc.field)
    if exc.code:
        body["code"] = exc.code
        body["params"] = _params(exc.params)
    if exc.problems is not None:
        body["problems"] = exc.problems
    headers: dict[str, str] = {}
    if isinstance(exc, Unauthorized):
        # RFC 7235: a 401 says which scheme would be accepted.
        headers["WWW-Authenticate"] = exc.scheme
    if isinstance(exc, TooManyRequests):
        # RFC 9110: whole seconds; rounded up, so a client that waits that long is let in.
        headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after_s)))
    return JSONResponse(status_code=exc.status_code, content=body, headers=headers)


def _branch(loc: tuple[Any, ...]) -> tuple[str, int]:
    """Which member of a union body an error belongs to, and how many loc parts name it."""
    if len(loc) > 1 and str(loc[1]).startswith("tagged-union["):
        return str(loc[1]), 3 if len(loc) > 2 else 2
    if len(loc) > 1 and str(loc[1])[:1].isupper():
        return str(loc[1]), 2
    return "", 1


def _relevant(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For a body that may take several shapes, the errors of the shape it was meant to be.

    A shape whose only complaint is a missing identifying field (`template`) or no usable
    `kind` was not the one meant; its errors only confuse. Branch names are dropped from locs.
    """
    branches: dict[str, list[dict[str, Any]]] = {}
    for error in errors:
        name, depth = _branch(tuple(error["loc"]))
        loc = ("body", *error["loc"][depth:])
        if error["type"].startswith("union_tag"):
            # The message is about the discriminating field; name it.
            loc = (*loc, str(error.get("ctx", {}).get("discriminator", "kind")).strip("'"))
        branches.setdefault(name, []).append(error | {"loc": loc})
    if len(branches) > 1:
        meant = {
            name: found
            for name, found in branches.items()
            if not all(
                e["type"] == "union_tag_not_found"
                or (e["type"] == "missing" and len(e["loc"]) == 2)
                for e in found
            )
        }
        branches = meant or branches
    return [error for found in branches.values() for error in found]


def _params(values: dict[str, Any]) -> dict[str, Any]:
    """Parameters as JSON: text, numbers and flags as they are, lists and nested sentences
    ({code, params, message}) as JSON too, anything else as its text."""
    return {str(key): _param(value) for key, value in values.items() if value is not None}


def _param(value: Any) -> Any:
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_param(item) for item in value]
    if isinstance(value, dict):
        return _params(value)
    return _readable(str(value))


def problems_of(
    errors: Sequence[Any], prefix: str = "", members: Collection[str] = ()
) -> list[dict[str, Any]]:
    """Validation errors as the console words them: each one's field (under `prefix`; the union
    member a union files its errors under, one of `members`, left out), pydantic's error type as
    the code (validation.less_than_equal) with its limits as parameters, and the English message."""
    found = []
    for error in errors:
        loc = tuple(error["loc"])
        if loc and loc[0] in members:
            loc = loc[1:]
        found.append(
            {
                "field": _readable(prefix + _location(loc)),
                "code": f"validation.{error['type']}",
                "params": _params(error.get("ctx") or {}),
                "message": _readable(error["msg"].removeprefix("Value error, ")),
            }
        )
    return found


def problems_text(problems: list[dict[str, Any]]) -> str:
    """The problems in English, `field: message` each."""
    return "; ".join(f"{p['field']}: {p['message']}" for p in problems)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    found = problems_of(_relevant(list(exc.errors())))
    errors = [f"{p['field']}: {p['message']}" for p in found]
    return JSONResponse(
        status_code=422,
        content={"detail": problems_text(found), "errors": errors, "problems": found},
    )


def install_error_handlers(app: FastAPI) -> None:
    """Map FleetError and request validation errors to JSON responses, once for the app."""
    app.add_exception_handler(FleetError, _fleet_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
