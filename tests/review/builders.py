"""Real rows for review tests: one user per role, and a checked document whose evidence points into its
parsed text."""

import hashlib
from collections.abc import Sequence
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.document import ParsedDocument, join_pages
from models.exceptions import HandoffException, Severity
from models.orm import Document, OutboxEntry, RecordVersion, User
from models.record import Evidence
from review.users import hash_password
from tests.triage.builders import record, with_field
from triage.store import store_check

PASSWORD: Final = "correct horse battery staple"
# One hash for every test user: argon2 is slow by design, and these tests are not about its cost.
PASSWORD_HASH: Final = hash_password(PASSWORD)
USERS: Final = {
    "dana": ["deal_desk"],
    "rita": ["reviewer"],
    "alex": ["approver"],
    "bea": ["approver"],
    "pat": ["pmo"],
    "ada": ["admin"],
}
PAGE_ONE: Final = (
    "Statement of Work SOW-2026-0042\nClient: Northwind Health, Inc.\nTotal fees: USD 48,000.00\n"
)
PAGE_TWO: Final = (
    "Milestone 1: Discovery USD 16,000.00\nMilestone 2: Build USD 32,000.00\nSigned 2026-02-27\n"
)


def add_users(session: Session) -> None:
    for username, roles in USERS.items():
        session.add(
            User(username=username, display_name=username.title(), password_hash=PASSWORD_HASH, roles=roles)
        )
    session.commit()


def parsed(tag: str) -> ParsedDocument:
    text, pages = join_pages([PAGE_ONE, PAGE_TWO + tag])
    return ParsedDocument(
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        filename=f"sow-{tag}.pdf",
        media_type="application/pdf",
        size_bytes=len(text),
        parser="pypdfium2",
        pages=pages,
        text=text,
    )


def exception(
    code: str, severity: Severity = Severity.medium, risk: float = 0.5, **extra: object
) -> HandoffException:
    return HandoffException.model_validate(
        {"code": code, "kind": "rule", "severity": severity, "message": f"{code} found", "risk_score": risk,
         "owner_team": "finance", "sla_hours": 24, **extra}
    )  # fmt: skip


def checked_document(
    session: Session,
    *,
    tag: str = "a",
    uploaded_by: str | None = "dana",
    total: float | None = 48000.0,
    exceptions: Sequence[HandoffException] = (),
) -> RecordVersion:
    """A stored document (uploaded by `uploaded_by`) with its checked record as draft version 1."""
    doc = parsed(tag)
    document = Document(
        sha256=doc.sha256, filename=doc.filename, media_type=doc.media_type, size_bytes=doc.size_bytes,
        pages=len(doc.pages), parser=doc.parser, parse_status="ok", ocr_pages=[],
        parsed=doc.model_dump(mode="json"), storage_key=f"documents/{doc.sha256}", uploaded_by=uploaded_by,
    )  # fmt: skip
    session.add(document)
    session.commit()
    start = doc.text.index("USD 48,000.00")
    quote = Evidence(page=1, quote="USD 48,000.00", char_start=start, char_end=start + len("USD 48,000.00"))
    stated = with_field(record((16000, 32000)), "total_contract_value", total, 0.9, quote)
    return store_check(session, document.id, stated, exceptions, created_by="extractor")


def outbox_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(OutboxEntry)) or 0
