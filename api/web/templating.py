"""The Jinja2 environment of the web queue and the filters its templates use."""

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

TEMPLATES_DIR = Path(__file__).parent.parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES_DIR)


def money(value: Any, currency: str | None = None) -> str:
    if value is None:
        return "–"
    amount = f"{float(value):,.2f}"
    return f"{currency} {amount}" if currency else amount


def when(value: datetime | str | None) -> str:
    if value is None:
        return "–"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.strftime("%Y-%m-%d %H:%M")


def shown(value: Any) -> str:
    """A field value as a reviewer reads it."""
    if value is None:
        return "not in document"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


templates.env.filters["money"] = money
templates.env.filters["when"] = when
templates.env.filters["shown"] = shown


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """A page with the signed-in user, their allowed actions and the CSRF token in its context."""
    base = dict(getattr(request.state, "page_context", {}))
    return templates.TemplateResponse(request, name, base | context, status_code=status_code)
