"""The FleetError hierarchy and its one mapping to HTTP responses."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


class FleetError(Exception):
    """A domain error with a message a user can act on."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(FleetError):
    """The thing asked for does not exist."""

    status_code = 404


class Conflict(FleetError):
    """The request is valid but clashes with the current state of the fleet."""

    status_code = 409


class Invalid(FleetError):
    """The request names something impossible or malformed."""

    status_code = 422


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    text = ""
    for part in parts:
        text += f"[{part}]" if part.isdigit() else (f".{part}" if text else part)
    return text or "request"


async def _fleet_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, FleetError)
    body: dict[str, Any] = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    return JSONResponse(status_code=exc.status_code, content=body)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [f"{_location(tuple(e['loc']))}: {e['msg']}" for e in exc.errors()]
    return JSONResponse(
        status_code=422,
        content={"detail": "; ".join(problems), "errors": [str(p) for p in problems]},
    )


def install_error_handlers(app: FastAPI) -> None:
    """Map FleetError and request validation errors to JSON responses, once for the app."""
    app.add_exception_handler(FleetError, _fleet_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
