"""What every `fleet` command shares: the settings, or a message and exit code 2."""

from __future__ import annotations

import typer
from pydantic import ValidationError

from fleet_server.settings import FleetSettings


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print `fleet: message` to stderr; the exit to raise (2: bad arguments, 1: failure)."""
    typer.echo(f"fleet: {message}", err=True)
    return typer.Exit(code=code)


def command_group(description: str) -> typer.Typer:
    """A `fleet` command group: `description` is its help, shown when no command is given."""
    return typer.Typer(help=description, no_args_is_help=True)


def load_settings() -> FleetSettings:
    """The settings, or a message naming each bad one and exit code 2."""
    try:
        return FleetSettings()
    except ValidationError as exc:
        problems = "; ".join(
            f"FLEET_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors()
        )
        raise fail(f"bad setting: {problems}") from None
