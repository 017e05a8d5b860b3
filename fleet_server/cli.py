"""The `fleet` command: run the server, or the whole demo in one process."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import typer
import uvicorn

from fleet_server.app import create_app
from fleet_server.settings import FleetSettings

app = typer.Typer(help="Robot fleet server (VDA 5050 master control).", no_args_is_help=True)


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
    settings = FleetSettings()
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
    options = DemoOptions(
        host=host, port=port, per_kind=per_kind, speed_factor=speed_factor, log_level=log_level
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_demo(options))


def main() -> None:
    """Console script entry point."""
    app()
