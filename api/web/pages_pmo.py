"""The PMO exception list: every open exception across documents, sortable, filterable, as CSV too."""

from typing import Annotated, Final, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from api.deps import SessionDep
from api.web.auth import WebUser, permitted
from api.web.errors import WebRoute
from api.web.templating import render
from models.orm import ExceptionStatus
from review.roles import Permission
from triage.store import ExceptionView, exceptions_csv, list_exceptions

router = APIRouter(include_in_schema=False, route_class=WebRoute)
Analyst = Annotated[WebUser, Depends(permitted(Permission.list_exceptions))]
CSV_FILENAME: Final = "handoff-exceptions.csv"
SortKey = Literal["risk", "revenue", "severity", "due", "document", "code", "owner"]
_SEVERITY_ORDER: Final = {"blocker": 0, "high": 1, "medium": 2, "low": 3}


def _sort_value(view: ExceptionView, key: SortKey) -> tuple[bool, object]:
    exception = view.exception
    values: dict[str, object | None] = {
        "risk": None if exception.risk_score is None else -exception.risk_score,
        "revenue": None if exception.revenue_at_risk is None else -exception.revenue_at_risk,
        "severity": _SEVERITY_ORDER.get(exception.severity.value, 9),
        "due": view.due_at.timestamp() if view.due_at else None,
        "document": view.filename.lower(),
        "code": exception.code,
        "owner": exception.owner_team or "",
    }
    value = values[key]
    return (value is None, value if value is not None else 0)


def _filtered(
    request: Request, session: SessionDep, owner: str | None, status: str, code: str | None, overdue: bool
) -> list[ExceptionView]:
    chosen = None if status == "all" else ExceptionStatus(status)
    views = list_exceptions(session, owner=owner or None, status=chosen)
    if code:
        views = [view for view in views if view.exception.code == code]
    return [view for view in views if view.overdue] if overdue else views


@router.get("/exceptions", response_class=HTMLResponse)
def exceptions_page(
    request: Request,
    session: SessionDep,
    user: Analyst,
    owner: str | None = None,
    status: Literal["open", "resolved", "waived", "all"] = "open",
    code: str | None = None,
    overdue: bool = False,
    sort: SortKey = "revenue",
) -> HTMLResponse:
    every = list_exceptions(session, status=None)
    views = _filtered(request, session, owner, status, code, overdue)
    if sort != "revenue":  # list_exceptions already ranks by revenue at risk
        views = sorted(views, key=lambda view: _sort_value(view, sort))
    context = {
        "views": views,
        "owners": sorted({v.exception.owner_team for v in every if v.exception.owner_team}),
        "codes": sorted({v.exception.code for v in every}),
        "filters": {"owner": owner or "", "status": status, "code": code or "", "overdue": overdue},
        "sort": sort,
        "query": urlencode(
            {"owner": owner or "", "status": status, "code": code or ""}
            | ({"overdue": "true"} if overdue else {})
        ),
    }
    return render(request, "exceptions.html", context)


@router.get("/exceptions.csv")
def exceptions_download(
    request: Request,
    session: SessionDep,
    user: Analyst,
    owner: str | None = None,
    status: Literal["open", "resolved", "waived", "all"] = "open",
    code: str | None = None,
    overdue: bool = False,
) -> Response:
    views = _filtered(request, session, owner, status, code, overdue)
    return Response(
        exceptions_csv(views),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{CSV_FILENAME}"'},
    )
