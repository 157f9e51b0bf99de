"""The web chat page: static files served by the API's app. The page talks to the API over HTTP only."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).parent / "static"
# Everything the page loads comes from this server: no CDN, nothing reached at run time.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
}


def mount_web_page(app: FastAPI) -> None:
    """`GET /` serves the page (also `/?passage=ID`, one passage on its own); `/web/` its script and style."""
    app.mount("/web", StaticFiles(directory=STATIC_DIR), name="web")

    @app.get("/", include_in_schema=False)
    def web_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)
