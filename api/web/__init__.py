"""The web queue: server-rendered pages (Jinja2) with HTMX, served next to the REST API."""

from fastapi import APIRouter

from api.web.pages_kpi import router as kpi_router
from api.web.pages_login import router as login_router
from api.web.pages_pmo import router as pmo_router
from api.web.pages_postings import router as postings_router
from api.web.pages_queue import router as queue_router
from api.web.pages_review import router as review_router

router = APIRouter(include_in_schema=False)
for part in (login_router, queue_router, review_router, pmo_router, kpi_router, postings_router):
    router.include_router(part)
