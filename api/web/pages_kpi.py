"""The KPI dashboard: numbers and server-side SVG charts (no chart library, no script)."""

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from api.deps import SessionDep
from api.routes_crm import CrmSettingsDep
from api.web.errors import WebRoute
from api.web.kpis import compute_kpis
from api.web.templating import render
from triage.settings import make_crm

router = APIRouter(include_in_schema=False, route_class=WebRoute)


@router.get("/kpis", response_class=HTMLResponse)
async def kpi_page(request: Request, session: SessionDep, crm_settings: CrmSettingsDep) -> HTMLResponse:
    crm = make_crm(crm_settings, request.app.state.session_factory)
    kpis = await run_in_threadpool(compute_kpis, session, crm)
    return render(request, "kpis.html", {"kpis": kpis})
