"""Interactive docs from the swagger-ui-bundle package's files, served by us: no CDN, and no inline
script, so the strict Content-Security-Policy holds on this page too."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Car auction API</title>
<link rel="stylesheet" href="{base}/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{base}/assets/swagger-ui-bundle.js"></script>
<script src="{base}/init.js"></script></body></html>"""

INIT = """window.ui = SwaggerUIBundle({{url: "{spec}", dom_id: "#swagger-ui", deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout", persistAuthorization: false}});"""


def mount_docs(app: FastAPI, *, base: str, spec: str) -> None:
    app.mount(f"{base}/assets", StaticFiles(directory=swagger_ui_path), name="swagger-assets")

    @app.get(base, include_in_schema=False)
    def docs_page() -> HTMLResponse:
        return HTMLResponse(PAGE.format(base=base))

    @app.get(f"{base}/init.js", include_in_schema=False)
    def docs_init() -> PlainTextResponse:
        return PlainTextResponse(INIT.format(spec=spec), media_type="application/javascript")
