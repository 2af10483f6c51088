"""Corrections as labelled examples for evals and retraining: `handoff export-corrections` writes them as
JSON Lines, one object per correction, oldest first:

    {"field": "fields.total_contract_value", "extracted": 25000.0, "corrected": 250000.0,
     "evidence": [{"page": 2, "quote": "...", "char_start": 812, "char_end": 830}],
     "document": "<document id>", "document_sha256": "...", "version": 2, "record_version_id": "...",
     "actor": "rita", "at": "2026-12-03T07:12:00+00:00"}

`extracted` is what the extractor produced (kept through repeated corrections of one field), `corrected`
the reviewer's value (null: not in the document).
"""

import json
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.orm import Correction, Document, RecordVersion


def iter_corrections(session: Session) -> Iterator[dict[str, Any]]:
    """Every stored correction as an export object (see the module doc), oldest first."""
    statement = (
        select(Correction, RecordVersion.version, Document.sha256)
        .join(RecordVersion, RecordVersion.id == Correction.record_version_id)
        .join(Document, Document.id == Correction.document_id)
        .order_by(Correction.at, Correction.id)
    )
    for correction, version, sha256 in session.execute(statement):
        yield {
            "field": correction.field_path,
            "extracted": correction.extracted,
            "corrected": correction.corrected,
            "evidence": correction.evidence,
            "document": correction.document_id,
            "document_sha256": sha256,
            "version": version,
            "record_version_id": correction.record_version_id,
            "actor": correction.actor,
            "at": correction.at.isoformat(),
        }


def export_corrections(session: Session, out: IO[str]) -> int:
    """Write every correction to `out` as JSON Lines; returns how many were written."""
    count = 0
    for example in iter_corrections(session):
        out.write(json.dumps(example, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count
