"""The KPI dashboard's numbers, read from the stored documents, record versions, reviews and exceptions.

- touchless rate: approved documents none of whose versions got a correction (a `correct` review);
- exceptions per document, by code, over each checked document's latest version;
- review cycle time: upload → first approval, per approved document;
- sold vs extracted: the record's total contract value against the CRM opportunity's amount.
"""

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.orm import Document, ExceptionRow, RecordStatus, RecordVersion, Review, ReviewAction
from triage.crm import CrmAdapter
from triage.errors import CrmError

CYCLE_BUCKETS: Final = ((1, "< 1 h"), (4, "1–4 h"), (24, "4–24 h"), (72, "1–3 days"), (None, "> 3 days"))
KPI_DOCUMENT_LIMIT: Final = 1000


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str
    link: str | None = None


@dataclass(frozen=True)
class Kpis:
    approved: int
    touchless: int
    checked: int
    by_code: list[Bar]
    cycle_buckets: list[Bar]
    cycle_median_hours: float | None
    variance: list[Bar]
    variance_notes: list[str]

    @property
    def touchless_rate(self) -> float | None:
        return self.touchless / self.approved if self.approved else None


def compute_kpis(session: Session, crm: CrmAdapter) -> Kpis:
    documents = session.scalars(
        select(Document)
        .options(selectinload(Document.versions))
        .order_by(Document.created_at.desc())
        .limit(KPI_DOCUMENT_LIMIT)
    ).all()
    approved = [
        doc for doc in documents if any(v.status == RecordStatus.approved.value for v in doc.versions)
    ]
    corrected = _corrected_documents(session)
    latest = latest_versions(session, (doc.id for doc in documents))
    variance, notes = _variance(documents, latest, crm)
    hours = [h for h in (_cycle_hours(doc) for doc in approved) if h is not None]
    return Kpis(
        approved=len(approved),
        touchless=sum(doc.id not in corrected for doc in approved),
        checked=len(latest),
        by_code=_by_code(session, [version.id for version in latest.values()], len(latest)),
        cycle_buckets=_buckets(hours),
        cycle_median_hours=statistics.median(hours) if hours else None,
        variance=variance,
        variance_notes=notes,
    )


def latest_versions(session: Session, document_ids: Iterable[str]) -> dict[str, RecordVersion]:
    """Each document's newest record version, by document id."""
    latest: dict[str, RecordVersion] = {}
    wanted = list(document_ids)
    for version in session.scalars(select(RecordVersion).where(RecordVersion.document_id.in_(wanted))):
        if version.document_id not in latest or version.version > latest[version.document_id].version:
            latest[version.document_id] = version
    return latest


def _corrected_documents(session: Session) -> set[str]:
    statement = (
        select(RecordVersion.document_id)
        .join(Review, Review.record_version_id == RecordVersion.id)
        .where(Review.action == ReviewAction.correct.value)
    )
    return set(session.scalars(statement))


def _by_code(session: Session, version_ids: list[str], documents: int) -> list[Bar]:
    if not documents:
        return []
    codes = Counter(
        session.scalars(select(ExceptionRow.code).where(ExceptionRow.record_version_id.in_(version_ids)))
    )
    return [
        Bar(code, count / documents, f"{count / documents:.2f}", f"/exceptions?code={code}&status=all")
        for code, count in codes.most_common()
    ]


def _cycle_hours(document: Document) -> float | None:
    approvals = [v.approved_at for v in document.versions if v.approved_at is not None]
    if not approvals:
        return None
    return (min(approvals) - document.created_at).total_seconds() / 3600


def _buckets(hours: Sequence[float]) -> list[Bar]:
    counts = Counter(
        next(label for limit, label in CYCLE_BUCKETS if limit is None or h < limit) for h in hours
    )
    return [Bar(label, counts[label], str(counts[label])) for _, label in CYCLE_BUCKETS]


def _variance(
    documents: Sequence[Document], latest: dict[str, RecordVersion], crm: CrmAdapter
) -> tuple[list[Bar], list[str]]:
    bars: list[Bar] = []
    notes: list[str] = []
    for document in documents:
        version = latest.get(document.id)
        if version is None or not document.crm_opportunity_id:
            continue
        fields = version.record.get("fields", {})
        extracted = fields.get("total_contract_value", {}).get("value")
        try:
            sold = crm.get(document.crm_opportunity_id).amount
        except CrmError as error:
            notes.append(f"{document.filename}: {error.detail}")
            continue
        if extracted is None or not sold:
            continue
        share = (float(extracted) - float(sold)) / float(sold)
        bars.append(Bar(document.filename, share, f"{share:+.1%}", f"/documents/{document.id}"))
    return sorted(bars, key=lambda bar: -abs(bar.value)), notes
