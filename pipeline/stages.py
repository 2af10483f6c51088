"""The pipeline's stages for a stored document: load by id, call the stage's entry function, store the result.

extract: extraction (offline engine, or the LLM with HANDOFF_PIPELINE_BACKEND=llm) on the stored parse; the
  record is kept in the stage's pipeline_runs row.
check:   triage.store.checked_exceptions against the document's CRM opportunity (if it was uploaded with one)
  and, for a change order, its stored base; store_check writes the record version and its exceptions; the
  document is then ready_for_review.
Parsing is not a queued stage: intake.service.ingest parses while it stores (see api/pipeline.py).
"""

from datetime import datetime
from functools import lru_cache
from typing import Any, Final, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from extraction.backends import Backend, extract_with
from intake.errors import StorageError
from intake.service import get_document
from models.document import ParsedDocument
from models.exceptions import HandoffException
from models.orm import Document, DocumentStatus, StageRun, StageRunStatus, utc_now
from models.record import HandoffRecord
from triage.errors import CrmError
from triage.policy import load_policy
from triage.ranker import load_ranker
from triage.settings import CrmSettings, RankerSettings, make_crm
from triage.store import checked_exceptions, find_base_record, store_check

Stage = Literal["extract", "check"]
STAGES: Final[tuple[Stage, ...]] = ("extract", "check")
RUNNING: Final[dict[Stage, DocumentStatus]] = {
    "extract": DocumentStatus.extracting,
    "check": DocumentStatus.checking,
}
PIPELINE_ACTOR: Final = "pipeline"


class PipelineSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HANDOFF_PIPELINE_", extra="ignore")

    backend: Backend = Field(default="offline", description="extraction backend: offline, llm or hybrid")


def is_transient(error: BaseException) -> bool:
    """Worth retrying: the database or storage went away, the CRM did not answer (not: an unknown id)."""
    if isinstance(error, CrmError):
        return error.http_status >= 500
    return isinstance(error, OperationalError | StorageError | TimeoutError | ConnectionError)


@lru_cache(maxsize=1)
def _ranker() -> Any:
    return load_ranker(RankerSettings().ranker_model)


def start(session: Session, document_id: str, stage: Stage, attempt: int) -> StageRun:
    document = get_document(session, document_id)
    document.status = RUNNING[stage].value
    run = StageRun(document_id=document_id, stage=stage, attempt=attempt, status=StageRunStatus.running.value)
    session.add(run)
    session.commit()
    return run


def finish(session: Session, run: StageRun, result: dict[str, Any] | None, status: DocumentStatus) -> None:
    run.status, run.result, run.finished_at = StageRunStatus.succeeded.value, result, utc_now()
    session.merge(run)
    session.execute(
        update(Document)
        .where(Document.id == run.document_id)
        .values(status=status.value, failed_stage=None, stage_error=None)
    )
    session.commit()


def extract_stage(sessions: sessionmaker[Session], document_id: str, attempt: int = 1) -> None:
    with sessions() as session:
        run = start(session, document_id, "extract", attempt)
        parsed = ParsedDocument.model_validate(get_document(session, document_id).parsed)
    record = extract_with(parsed, PipelineSettings().backend)
    with sessions() as session:
        finish(session, run, record.model_dump(mode="json"), DocumentStatus.checking)


def check_stage(sessions: sessionmaker[Session], document_id: str, attempt: int = 1) -> None:
    with sessions() as session:
        run = start(session, document_id, "check", attempt)
        record = extracted_record(session, document_id)
        raised_at = utc_now()
        exceptions = exceptions_of(session, document_id, record, raised_at)
        version = store_check(
            session, document_id, record, exceptions, created_by=PIPELINE_ACTOR, raised_at=raised_at
        )
        finish(session, run, {"record_version_id": version.id}, DocumentStatus.ready_for_review)


def exceptions_of(
    session: Session, document_id: str, record: HandoffRecord, raised_at: datetime | None = None
) -> list[HandoffException]:
    """The ranked exceptions of `record` as the document's record: compared with its CRM opportunity and,
    for a change order, with its base record. The check stage runs it on the extracted record, and every
    correction runs it again on the corrected one (review.retriage)."""
    document = get_document(session, document_id)
    opportunity = None
    if document.crm_opportunity_id is not None:
        sessions = sessionmaker(bind=session.get_bind(), expire_on_commit=False)
        opportunity = make_crm(CrmSettings(), sessions).get(document.crm_opportunity_id)
    base = find_base_record(session, record, excluding=document_id)
    return checked_exceptions(
        record, opportunity, load_policy(), _ranker(), raised_at or utc_now(), base[1] if base else None
    )


def extracted_record(session: Session, document_id: str) -> HandoffRecord:
    stored = session.scalars(
        select(StageRun.result)
        .where(
            StageRun.document_id == document_id,
            StageRun.stage == "extract",
            StageRun.status == StageRunStatus.succeeded.value,
        )
        .order_by(StageRun.started_at.desc())
    ).first()
    if stored is None:
        raise LookupError(f"document {document_id} has no extracted record: run the extract stage first")
    return HandoffRecord.model_validate(stored)


def record_failure(
    sessions: sessionmaker[Session], document_id: str, stage: str, error: BaseException
) -> None:
    """The document failed at `stage`: keep the error (on the document and its run) for `handoff retry`."""
    message = f"{type(error).__name__}: {error}"
    now: datetime = utc_now()
    with sessions() as session:
        session.execute(
            update(Document)
            .where(Document.id == document_id)
            .values(status=DocumentStatus.failed.value, failed_stage=stage, stage_error=message)
        )
        session.execute(
            update(StageRun)
            .where(
                StageRun.document_id == document_id,
                StageRun.stage == stage,
                StageRun.status == StageRunStatus.running.value,
            )
            .values(status=StageRunStatus.failed.value, error=message, finished_at=now)
        )
        session.commit()
