"""The API reference: /openapi.json and Swagger UI at /docs, for signed-in users (or anyone with
HANDOFF_PUBLIC_DOCS=1). Swagger UI's files come from the swagger-ui-bundle package, served under
/static/swagger: the page works offline and tells no third party who reads it."""

from pathlib import Path
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.responses import Response
from swagger_ui_bundle import swagger_ui_path

from api.auth import OptionalUser
from api.web.auth import login_redirect
from review.errors import Unauthenticated

SWAGGER_ASSETS: Final = Path(swagger_ui_path)
router = APIRouter(include_in_schema=False)

PAGE: Final = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>handoff API</title>
  <link rel="stylesheet" href="/static/swagger/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script>
</body>
</html>
"""


def _public(request: Request) -> bool:
    return bool(request.app.state.api_settings.public_docs)


@router.get("/openapi.json")
def openapi_document(request: Request, caller: OptionalUser) -> Response:
    if caller is None and not _public(request):
        raise Unauthenticated("sign in or send an API token to read the API description")
    schema: dict[str, Any] = request.app.openapi()
    return JSONResponse(schema)


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request, caller: OptionalUser) -> Response:
    if caller is None and not _public(request):
        return RedirectResponse(login_redirect(request), status_code=303)
    return HTMLResponse(PAGE)
