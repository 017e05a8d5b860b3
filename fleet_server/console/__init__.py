"""The operator console: static HTML, CSS and JavaScript modules, served by the app at `/`."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

ASSETS_DIR = Path(__file__).parent / "assets"
ASSETS_URL = "/console"
# The browser asks again each time (answered 304 by ETag), so a new release is seen at once.
REVALIDATE = {"Cache-Control": "no-cache"}


class RevalidatedFiles(StaticFiles):
    """Static files served with `Cache-Control: no-cache`."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        """The file (or 304), marked to be revalidated before reuse."""
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers.update(REVALIDATE)
        return response


def install_console(app: FastAPI) -> None:
    """Serve the console's page at `/` and its assets under /console (no CDN, no build step)."""
    index = ASSETS_DIR / "index.html"

    @app.get("/", include_in_schema=False)
    async def console_page() -> FileResponse:
        """The console's single page."""
        return FileResponse(index, media_type="text/html", headers=REVALIDATE)

    app.mount(ASSETS_URL, RevalidatedFiles(directory=ASSETS_DIR), name="console")
