"""The KPI dashboard: numbers and server-side SVG charts (no chart library, no script)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from api.deps import SessionDep
from api.routes_crm import CrmSettingsDep
from api.web.auth import WebUser, permitted
from api.web.errors import WebRoute
from api.web.kpis import compute_kpis
from api.web.templating import render
from review.roles import Permission
from triage.settings import make_crm

router = APIRouter(include_in_schema=False, route_class=WebRoute)
Analyst = Annotated[WebUser, Depends(permitted(Permission.list_exceptions))]


@router.get("/kpis", response_class=HTMLResponse)
async def kpi_page(
    request: Request, session: SessionDep, user: Analyst, crm_settings: CrmSettingsDep
) -> HTMLResponse:
    crm = make_crm(crm_settings, request.app.state.session_factory)
    kpis = await run_in_threadpool(compute_kpis, session, crm)
    return render(request, "kpis.html", {"kpis": kpis})
