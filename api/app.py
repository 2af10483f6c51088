"""FastAPI application factory. Production swaps database and storage by HANDOFF_* env vars only."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp

from api.auth import install_auth
from api.problems import install_problem_handlers
from api.routes_crm import router as crm_router
from api.routes_docs import SWAGGER_ASSETS
from api.routes_docs import router as docs_router
from api.routes_documents import router as documents_router
from api.routes_exceptions import router as exceptions_router
from api.routes_geometry import router as geometry_router
from api.routes_postings import router as postings_router
from api.routes_review import router as review_router
from api.routes_session import router as session_router
from api.security import BodyLimitMiddleware, SecurityHeadersMiddleware, trusted_proxy_headers
from api.settings import ApiSettings, AuthSettings
from api.web import router as web_router
from api.web.errors import http_error_handler
from erp.readiness import document_needs
from intake.settings import IntakeSettings, StorageSettings
from intake.storage import make_storage
from models.db import DatabaseSettings, make_engine, session_factory, upgrade_database
from pipeline.flow import queue_posting, use_database
from pipeline.stages import exceptions_of
from review.settings import ReviewSettings
from triage.settings import CrmSettings

STATIC = Path(__file__).parent / "static"
# The routes that take a document upload: their body limit is the upload limit (HANDOFF_MAX_FILE_MB).
UPLOAD_PATHS = ("/upload", "/api/documents")


def create_app(
    database: DatabaseSettings | None = None,
    storage: StorageSettings | None = None,
    intake: IntakeSettings | None = None,
    api: ApiSettings | None = None,
    crm: CrmSettings | None = None,
    review: ReviewSettings | None = None,
    auth: AuthSettings | None = None,
) -> FastAPI:
    database = database or DatabaseSettings()
    api = api or ApiSettings()
    if api.migrate_on_start:
        upgrade_database(database.database_url)
    app = FastAPI(
        title="handoff",
        summary="Signed SOWs in, approved ERP-ready handoff records out.",
        version="0.1.0",
        # served by api.routes_docs: behind sign-in, Swagger UI from the package
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    engine = make_engine(database.database_url)
    use_database(database.database_url)
    app.state.engine = engine
    app.state.session_factory = session_factory(engine)
    app.state.storage = make_storage(storage or StorageSettings())
    app.state.intake_settings = intake or IntakeSettings()
    app.state.crm_settings = crm or CrmSettings()
    app.state.review_settings = review or ReviewSettings()
    app.state.auth_settings = auth or AuthSettings()
    app.state.api_settings = api
    # Called with the OutboxEntry id after an approval commits: queues the ERP posting task.
    app.state.on_approved = queue_posting
    # What the ERP still needs of a record: shown on the review page, and approval waits for it.
    app.state.readiness = document_needs
    # Every correction triages the corrected record again with the check the pipeline runs.
    app.state.recheck = exceptions_of
    install_problem_handlers(app)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    install_auth(app)
    app.include_router(documents_router)
    app.include_router(crm_router)
    app.include_router(exceptions_router)
    app.include_router(geometry_router)
    app.include_router(postings_router)
    app.include_router(web_router)
    app.include_router(session_router)
    app.include_router(review_router)
    app.include_router(docs_router)
    app.mount("/static/swagger", StaticFiles(directory=SWAGGER_ASSETS), name="swagger")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(
        BodyLimitMiddleware,
        default_bytes=api.max_request_kb * 1024,
        upload_bytes=app.state.intake_settings.max_file_bytes,
        upload_paths=UPLOAD_PATHS,
    )
    app.add_middleware(SecurityHeadersMiddleware)

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def served_app(app: FastAPI, api: ApiSettings) -> ASGIApp:
    """What `handoff serve` runs: the app behind proxy-header handling for HANDOFF_TRUSTED_PROXIES only."""
    return trusted_proxy_headers(app, api.trusted_proxy_list)


def served() -> ASGIApp:
    """The served app built from the environment: the factory each `handoff serve` worker process calls
    (`uvicorn api.app:served --factory`). The parent migrated the database before starting them."""
    settings = ApiSettings()
    return served_app(create_app(api=settings), settings)
