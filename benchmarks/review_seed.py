"""A review backlog at quarter-end size for benchmarks/review_load.py: documents, record versions and
exceptions in a database, as the pipeline leaves them.

`distinct` generated SOW PDFs (milestone, T&M, retainer, change orders; some CRM opportunities disagree with
the signed document) are ingested through the real pipeline: parse, extract, check against the CRM. Their
page images are rendered once, as a reviewer's first view does. Then the rows are copied until there are
`documents`: each copy gets new ids, its own hash and file name, an upload time spread over ten days and its
exceptions' risk scores moved a little (so the ranking is not 250 ties); it shares its template's stored PDF,
and its rendered page images are hard links to the template's (local storage), as if viewed once before.
"""

import hashlib
import os
import random
import uuid
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from evals.check.pairs import agreeing_crm
from evals.sow.generator import generate_spec
from evals.sow.render import render_document
from evals.sow.truth import truth
from intake.service import ingest, page_image, page_image_key
from intake.settings import IntakeSettings
from intake.storage import LocalStorage
from models.crm import CrmOpportunity
from models.orm import Document, ExceptionRow, RecordVersion, utc_now
from pipeline.flow import submit_new
from triage.crm_store import register_opportunity

CHUNK: Final = 500
DESK: Final = "bench-deal-desk"


def crm_of(spec: Any, disagree: bool) -> CrmOpportunity:
    values = {name: value for name, value in truth(spec).items() if not name.startswith("_")}
    crm = agreeing_crm(values, f"OPP-BENCH-{spec.seed}")
    if disagree and values["total_contract_value"]:
        crm["amount"] = float(Decimal(str(values["total_contract_value"])) * Decimal("1.1"))
    return CrmOpportunity.model_validate(crm)


def ingest_distinct(
    sessions: sessionmaker[Session],
    storage: LocalStorage,
    settings: IntakeSettings,
    distinct: int,
    work: Path,
) -> list[str]:
    """The distinct documents through the pipeline; returns their ids."""
    ids: list[str] = []
    for seed in range(distinct):
        spec = generate_spec(900_000 + seed)
        path = work / f"{spec.doc_id}.pdf"
        path.write_bytes(render_document(spec).data)
        opportunity = crm_of(spec, disagree=seed % 3 == 0)
        with sessions() as session:
            register_opportunity(session, opportunity, sent_at=utc_now(), source="bench")
            result = ingest(
                path.read_bytes(),
                path.name,
                session=session,
                storage=storage,
                settings=settings,
                uploaded_by=DESK,
                crm_opportunity_id=opportunity.opportunity_id,
            )
            submit_new(session, result.document_id, result.created)
            ids.append(result.document_id)
    with sessions() as session:
        for document_id in ids:
            pages = session.get_one(Document, document_id).pages
            for page in range(1, pages + 1):
                page_image(session, storage, document_id, page, settings.page_image_dpi)
    return ids


def copy_rows(
    sessions: sessionmaker[Session],
    storage: LocalStorage,
    settings: IntakeSettings,
    templates: list[str],
    documents: int,
) -> None:
    """Copies of the template documents (with their versions and exceptions) until there are `documents`."""
    chance = random.Random(7)  # noqa: S311 - spreading benchmark rows, not security
    with sessions() as session:
        rows = [_template(session, document_id) for document_id in templates]
    now = utc_now()
    wanted = documents - len(templates)
    for start in range(0, wanted, CHUNK):
        batch: dict[str, list[dict[str, Any]]] = {"documents": [], "versions": [], "exceptions": []}
        for number in range(start, min(wanted, start + CHUNK)):
            document, versions, exceptions = rows[number % len(rows)]
            copy = _copy_document(document, number, now - timedelta(minutes=chance.uniform(0, 14_400)))
            batch["documents"].append(copy)
            link_pages(storage, settings, document, copy)
            renamed: dict[str, str] = {}
            for version in versions:
                renamed[version["id"]] = new_id = str(uuid.uuid4())
                batch["versions"].append(version | {"id": new_id, "document_id": copy["id"]})
            for exception in exceptions:
                risk = exception["risk_score"]
                batch["exceptions"].append(
                    exception
                    | {
                        "id": str(uuid.uuid4()),
                        "record_version_id": renamed[exception["record_version_id"]],
                        "risk_score": None if risk is None else max(0.0, risk * chance.uniform(0.5, 1.5)),
                        "created_at": copy["created_at"],
                    }
                )
        with sessions() as session:
            session.execute(insert(Document), batch["documents"])
            session.execute(insert(RecordVersion), batch["versions"])
            if batch["exceptions"]:
                session.execute(insert(ExceptionRow), batch["exceptions"])
            session.commit()


def _template(session: Session, document_id: str) -> tuple[dict[str, Any], list[Any], list[Any]]:
    def columns(row: Any) -> dict[str, Any]:
        return {column.key: getattr(row, column.key) for column in row.__table__.columns}

    document = session.get_one(Document, document_id)
    versions = session.scalars(select(RecordVersion).where(RecordVersion.document_id == document_id)).all()
    exceptions = session.scalars(
        select(ExceptionRow).where(ExceptionRow.record_version_id.in_([v.id for v in versions]))
    ).all()
    return columns(document), [columns(v) for v in versions], [columns(e) for e in exceptions]


def _copy_document(document: dict[str, Any], number: int, created_at: Any) -> dict[str, Any]:
    stem = document["filename"].rsplit(".", 1)[0]
    return document | {
        "id": str(uuid.uuid4()),
        "sha256": hashlib.sha256(f"{document['sha256']}-{number}".encode()).hexdigest(),
        "filename": f"{stem}-{number:05d}.pdf",
        "created_at": created_at,
    }


def link_pages(
    storage: LocalStorage, settings: IntakeSettings, document: dict[str, Any], copy: dict[str, Any]
) -> None:
    for page in range(1, document["pages"] + 1):
        source = _file(storage, page_image_key(document["sha256"], settings.page_image_dpi, page))
        target = _file(storage, page_image_key(copy["sha256"], settings.page_image_dpi, page))
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.exists() and not target.exists():
            os.link(source, target)


def _file(storage: LocalStorage, key: str) -> Path:
    return storage.root.joinpath(*key.split("/"))


def document_ids(sessions: sessionmaker[Session]) -> Iterator[tuple[str, int]]:
    with sessions() as session:
        yield from session.execute(select(Document.id, Document.pages)).tuples()
