"""Pipeline tasks: extract → check → ready_for_review, each a Celery task that takes a document id and calls
its stage (api/stages.py); ERP posting tasks live in erp/tasks.py.

Parsing runs synchronously in the upload (POST /api/documents, the web form, `handoff ingest`): intake
validates and parses in one pass (type sniffing, size/page limits, corrupt, encrypted, no text) and stores
a document only once it parsed, so bad input is answered at once with its 4xx / exit 2 and nothing is
queued for it. A stored document is `queued`, then `extracting`, `checking`, `ready_for_review`; the
`parsing` status is therefore never set by this pipeline.

A transient failure (database, storage, CRM unreachable) is retried with exponential backoff
(HANDOFF_STAGE_RETRIES, HANDOFF_STAGE_BACKOFF_S); any other failure, or the last retry, marks the document
`failed` with the stage and its error, which `retry` (handoff retry DOC, POST /api/documents/{id}/retry)
runs again from that stage. A failed ERP posting is retried by replaying its dead-lettered postings.
"""

from functools import lru_cache
from typing import Any, Final

from celery import Task, shared_task
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from erp import runtime as erp_runtime
from erp.outbox import POST_STAGE
from erp.postings import list_postings, replay
from erp.tasks import post_task
from intake.service import get_document
from models.db import DatabaseSettings, make_engine, session_factory
from models.errors import HandoffError
from models.orm import Document, DocumentStatus, OutboxStatus
from pipeline.queue import QueueSettings, celery_app
from pipeline.stages import STAGES, Stage, check_stage, extract_stage, is_transient, record_failure
from review.roles import Permission

__all__ = ["celery_app", "queue_posting", "retry", "submit"]
RETRYABLE: Final = frozenset({*STAGES, POST_STAGE})


class NotRetryable(HandoffError):
    code = "not_retryable"
    http_status = 409
    title = "Only a failed document is retried"


_database: dict[str, str] = {}


@lru_cache(maxsize=4)
def _sessions(url: str) -> sessionmaker[Session]:
    return session_factory(make_engine(url))


def use_database(url: str) -> None:
    """Run this process's tasks on `url` (the app's database) instead of HANDOFF_DATABASE_URL."""
    _database["url"] = url
    erp_runtime.use_database(url)


def sessions() -> sessionmaker[Session]:
    return _sessions(_database.get("url") or DatabaseSettings().database_url)


class StageTask(Task):  # type: ignore[type-arg]
    """Retries transient failures with backoff; records the failure when it gives up."""

    stage: Stage

    def run_stage(self, document_id: str) -> None:
        settings = QueueSettings()
        attempt = self.request.retries + 1
        try:
            STAGE_FUNCTIONS[self.stage](sessions(), document_id, attempt)
        except Exception as error:
            if is_transient(error) and self.request.retries < settings.stage_retries:
                countdown = settings.stage_backoff_s * 2**self.request.retries
                raise self.retry(exc=error, countdown=countdown) from error
            record_failure(sessions(), document_id, self.stage, error)
            raise


@shared_task(bind=True, base=StageTask, name="pipeline.extract", stage="extract", ignore_result=True)
def extract_task(self: StageTask, document_id: str) -> None:
    self.run_stage(document_id)
    check_task.delay(document_id)


@shared_task(bind=True, base=StageTask, name="pipeline.check", stage="check", ignore_result=True)
def check_task(self: StageTask, document_id: str) -> None:
    self.run_stage(document_id)


STAGE_TASKS: Final[dict[Stage, Any]] = {"extract": extract_task, "check": check_task}
STAGE_FUNCTIONS: Final = {"extract": extract_stage, "check": check_stage}


def submit(session: Session, document_id: str, stage: Stage = "extract") -> None:
    """Queue a stored document for the pipeline from `stage` (embedded: it runs now, in this process)."""
    session.execute(
        update(Document)
        .where(Document.id == document_id)
        .values(status=DocumentStatus.queued.value, failed_stage=None, stage_error=None)
    )
    session.commit()
    STAGE_TASKS[stage].delay(document_id)


def submit_new(session: Session, document_id: str, created: bool) -> None:
    """After an upload: a new document (or one stored before the pipeline) is queued; others are left."""
    if created or get_document(session, document_id).status == DocumentStatus.parsed.value:
        submit(session, document_id)


def retry_permission(document: Document) -> Permission:
    """What a person needs to run `document` again: a failed posting is replayed, which is the approvers'
    call (as POST /api/postings/{id}/replay); any other stage needs the check permission."""
    return Permission.approve if document.failed_stage == POST_STAGE else Permission.check


def retry(session: Session, actor: str, document_id: str) -> str:
    """Run a failed document again from the stage that failed; returns that stage."""
    document = get_document(session, document_id)
    stage = document.failed_stage
    if document.status != DocumentStatus.failed.value or stage not in RETRYABLE:
        raise NotRetryable(f"document {document_id} is {document.status}; only a failed document is retried")
    if stage == POST_STAGE:
        for posting in list_postings(session, OutboxStatus.dead, document_id=document_id):
            replay(session, actor, posting.id)
            queue_posting(posting.id)
        return stage
    submit(session, document_id, stage)  # type: ignore[arg-type]
    return stage


def queue_posting(entry_id: str) -> None:
    """The on_approved callback of review.approve: post the approved record (embedded: now)."""
    post_task.delay(entry_id)
