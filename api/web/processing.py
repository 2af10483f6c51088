"""After an upload from the web page: extract the record and check it against the CRM, in the background.

The statuses are those of the pipeline (interfaces: queued → … → ready_for_review); the upload page polls
them. A failure leaves the document `failed` with the reason in the log, never half-checked: the record
version and its exceptions are stored in one transaction by triage.store.store_check.
"""

import logging
from typing import Final

from sqlalchemy.orm import Session, sessionmaker

from api.routes_exceptions import resolve_opportunity, shipped_ranker
from extraction.engine import extract
from models.document import ParsedDocument
from models.errors import HandoffError
from models.orm import Document, utc_now
from triage.policy import load_policy
from triage.settings import CrmSettings
from triage.store import checked_exceptions, find_base_record, store_check

logger = logging.getLogger(__name__)
UPLOAD_ACTOR: Final = "intake"


def set_status(sessions: sessionmaker[Session], document_id: str, status: str) -> None:
    with sessions() as session:
        document = session.get(Document, document_id)
        if document is not None:
            document.status = status
            session.commit()


def check_upload(sessions: sessionmaker[Session], crm_settings: CrmSettings, document_id: str) -> None:
    """Extract and check one stored document; its status says how far it got."""
    set_status(sessions, document_id, "extracting")
    try:
        with sessions() as session:
            document = session.get(Document, document_id)
            if document is None:
                return
            record = extract(ParsedDocument.model_validate(document.parsed))
            document.status = "checking"
            session.commit()
            opportunity = resolve_opportunity(None, document, crm_settings, sessions)
            base = find_base_record(session, record, excluding=document_id)
            raised_at = utc_now()
            exceptions = checked_exceptions(
                record, opportunity, load_policy(), shipped_ranker(), raised_at, base[1] if base else None
            )
            store_check(
                session, document_id, record, exceptions, created_by=UPLOAD_ACTOR, raised_at=raised_at
            )
        set_status(sessions, document_id, "ready_for_review")
    except HandoffError as error:
        logger.warning("document %s could not be checked: %s", document_id, error)
        set_status(sessions, document_id, "failed")
    except Exception:
        logger.exception("document %s could not be checked", document_id)
        set_status(sessions, document_id, "failed")
