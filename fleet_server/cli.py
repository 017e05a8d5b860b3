"""The `fleet` command: run the server, or the whole demo in one process."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import typer
import uvicorn
from pydantic import ValidationError

from fleet_protocol.site import SiteError
from fleet_server.app import create_app
from fleet_server.settings import FleetSettings
from fleet_server.sites import SiteRegistry
from fleet_server.templates import TemplateFileError, checked_template_files

app = typer.Typer(help="Robot fleet server (VDA 5050 master control).", no_args_is_help=True)


def _checked_settings() -> FleetSettings:
    """The settings and the site files they point to, or a clear message and exit code 2."""
    try:
        settings = FleetSettings()
        sites = SiteRegistry.from_directory(settings.sites_dir)
        checked_template_files(settings.templates_dir, sites)
    except ValidationError as exc:
        problems = "; ".join(
            f"FLEET_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors()
        )
        raise _fail(f"bad setting: {problems}") from None
    except (SiteError, TemplateFileError) as exc:
        raise _fail(str(exc)) from None
    return settings


def _fail(message: str) -> typer.Exit:
    typer.echo(f"fleet: {message}", err=True)
    return typer.Exit(code=2)


def _logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="HTTP port."),
    log_level: str = typer.Option("info", help="debug, info, warning or error."),
) -> None:
    """Run the fleet server; configure it with FLEET_* environment variables."""
    _logging(log_level)
    settings = _checked_settings()
    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level)


@app.command()
def demo(
    host: str = typer.Option("127.0.0.1", help="Address the server listens on."),
    port: int = typer.Option(8000, help="HTTP port (a free one is picked if it is taken)."),
    per_kind: int = typer.Option(2, help="Simulated robots of each kind."),
    speed_factor: float = typer.Option(1.0, help="Simulation speed (2 = twice real time)."),
    log_level: str = typer.Option("info", help="debug, info, warning or error."),
) -> None:
    """Run broker, server and a simulated fleet on the demo site; Ctrl-C stops everything."""
    from fleet_server.demo import DemoOptions, run_demo

    _logging(log_level)
    settings = _checked_settings()
    options = DemoOptions(
        host=host, port=port, per_kind=per_kind, speed_factor=speed_factor, log_level=log_level
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_demo(options, settings))


def main() -> None:
    """Console script entry point."""
    app()
