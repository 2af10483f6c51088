"""The generalisation eval's documents and running the product on them, one process-safe function per job.

Every job returns a plain `Scored` (field results, list counts, exceptions), so that only plain data crosses
process boundaries. A generated document is rendered born-digital from its family's generator; a real one is
read in place from the corpus. Extraction runs through the backend the job names; for the offline engine a
leave-one-family-out job carries its fold's total chooser (fitted without the family).
"""

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from evals.check.pairs import agreeing_crm
from evals.check.run import RAISED_AT, gaps, record_of_truth
from evals.extraction.documents import CUAD_FILE, TRUTH_FILE, cuad_pdf, document_file
from evals.extraction.evaluate import plain_values, score_against_cuad, score_against_truth
from evals.extraction.scoring import FieldResult, Outcome
from evals.extraction.train import spec_training_document
from evals.extraction.train_dates import CUAD_INTAKE
from evals.generalisation.metrics import F1_LISTS, ExceptionCounts, ListCounts, list_counts
from evals.sow import generate_spec, render_document, truth
from evals.sow.layouts import layout_spec
from evals.sow.spec import SowSpec
from extraction.date_model import DateChooserModel
from extraction.engine import extract
from extraction.llm_errors import LlmError
from extraction.total_fit import TrainingDocument
from extraction.total_model import LearnedRanker, TotalRankerModel
from intake.errors import IntakeError
from intake.parse import parse
from intake.settings import IntakeSettings
from models.crm import CrmOpportunity
from models.document import ParsedDocument
from models.record import DocumentInfo, ExtractorInfo, HandoffRecord
from triage.policy import Policy, load_policy
from triage.ranker import load_ranker
from triage.ranker_model import RankerModel
from triage.store import checked_exceptions

Engine = Literal["offline", "llm", "hybrid"]
STANDARD = "standard"


@dataclass(frozen=True)
class GeneratedDoc:
    """A born-digital generated document of `layout` ("standard" = generate_spec's own layout)."""

    family: str
    layout: str
    seed: int


@dataclass(frozen=True)
class RealDoc:
    folder: Path
    purpose: str  # tune / report (evals.splits.real_purpose), or train: a CUAD training contract


@dataclass(frozen=True)
class Job:
    document: GeneratedDoc | RealDoc
    engine: Engine = "offline"
    total_model: TotalRankerModel | None = None  # the fold's chooser; None = the shipped one
    date_model: DateChooserModel | None = None  # the fold's date chooser; None = the shipped one


@dataclass(frozen=True)
class Scored:
    doc_id: str
    group: str  # family, or real half
    kind: str  # "generated", "truth" or "cuad"
    results: tuple[FieldResult, ...]
    lists: dict[str, ListCounts] = field(default_factory=dict)
    exceptions: ExceptionCounts | None = None
    error: str | None = None  # the backend failed on this document (counted, fields scored as missed)


def spec_of(document: GeneratedDoc) -> SowSpec:
    if document.layout == STANDARD:
        return generate_spec(document.seed)
    return layout_spec(document.seed, document.layout)


def parsed_generated(document: GeneratedDoc, settings: IntakeSettings) -> tuple[SowSpec, ParsedDocument]:
    spec = spec_of(document)
    return spec, parse(render_document(spec).data, f"{spec.doc_id}.pdf", settings)


def training_document(document: GeneratedDoc) -> TrainingDocument:
    """The amount candidates the engine sees in a generated document, labelled by its true total."""
    return spec_training_document(spec_of(document))


def _extract(parsed: ParsedDocument, job: Job) -> HandoffRecord:
    """The backend's record; when the LLM backend fails on the document, an empty record with the error as a
    warning (its fields then count as missed: a failed document is not dropped from the figures). The
    hybrid backend falls back to the offline reading by itself."""
    ranker = LearnedRanker(job.total_model) if job.total_model is not None else None
    if job.engine == "hybrid":
        from extraction.hybrid import extract_hybrid  # langchain only when the LLM is asked for

        return extract_hybrid(parsed, ranker=ranker, date_chooser=job.date_model)
    if job.engine == "llm":
        from extraction.llm import extract_with_llm

        try:
            return extract_with_llm(parsed)
        except LlmError as error:
            info = DocumentInfo(
                sha256=parsed.sha256, filename=parsed.filename, pages=len(parsed.pages), parser=parsed.parser
            )
            return _failed(info, "llm", f"{error.code}: {error}")
    return extract(parsed, ranker=ranker, date_chooser=job.date_model)


def _failed(document: DocumentInfo, backend: Literal["offline", "llm"], reason: str) -> HandoffRecord:
    """An empty record of a document its backend could not read, the reason its warning: its fields count
    as missed, so a failed document is not dropped from the figures (backend_error reads it back)."""
    return HandoffRecord(
        document=document, extractor=ExtractorInfo(backend=backend, model="failed"), warnings=(reason,)
    )


def backend_error(record: HandoffRecord) -> str | None:
    """Why the LLM did not read the document: an LLM record that failed, or a hybrid one that fell back to
    the offline reading alone."""
    if record.extractor.model == "failed":
        return record.warnings[0]
    if record.extractor.backend == "offline" and record.warnings and record.warnings[0].startswith("llm_"):
        return record.warnings[0]
    return None


def _crm(doc_id: str, values: dict[str, Any], discrepancy: bool) -> CrmOpportunity | None:
    """The CRM's agreeing view of the truth; with `discrepancy`, its amount 10 % above the document's."""
    crm = agreeing_crm(values, f"OPP-{doc_id}")
    if discrepancy and isinstance(crm.get("amount"), int | float):
        crm["amount"] = round(float(crm["amount"]) * 1.1, 2)
    try:
        return CrmOpportunity.model_validate(crm)
    except ValidationError:
        return None


@cache
def _triage() -> tuple[Policy, RankerModel]:
    """The shipped policy and ranker, read once per process (not once per document)."""
    return load_policy(), load_ranker()


def exception_counts(
    doc_id: str, record: HandoffRecord, values: dict[str, Any], misread: frozenset[str] = frozenset()
) -> ExceptionCounts | None:
    """Exceptions raised on the record against those raised on the truth values, over the same CRM view.
    Half the documents (by a hash of the id) get a CRM amount 10 % off, so that mismatches are expected."""
    discrepancy = hashlib.sha256(doc_id.encode()).digest()[0] % 2 == 1
    opportunity = _crm(doc_id, values, discrepancy)
    try:
        perfect = record_of_truth(doc_id, values)
    except (ValidationError, KeyError, TypeError, ValueError):
        return None
    policy, model = _triage()
    raised = gaps(checked_exceptions(record, opportunity, policy, model, RAISED_AT))
    expected = gaps(checked_exceptions(perfect, opportunity, policy, model, RAISED_AT))
    return ExceptionCounts(raised, expected, misread)


def _truth_scored(
    doc_id: str, group: str, kind: str, record: HandoffRecord, values: dict[str, Any]
) -> Scored:
    results, _ = score_against_truth(record, values)
    error = backend_error(record)
    extracted = plain_values(record)  # truth.json format: ISO dates, numbers, text lists
    lists = {name: list_counts(name, values[name], extracted[name]) for name in F1_LISTS if values.get(name)}
    misread = frozenset(r.field for r in results if "." not in r.field and r.outcome is not Outcome.correct)
    exceptions = exception_counts(doc_id, record, values, misread)
    return Scored(doc_id, group, kind, tuple(results), lists, exceptions, error)


def run(job: Job, settings: IntakeSettings | None = None) -> Scored:
    settings = settings or IntakeSettings(ocr_workers=1)
    document = job.document
    if isinstance(document, GeneratedDoc):
        spec, parsed = parsed_generated(document, settings)
        values = {name: value for name, value in truth(spec).items() if not name.startswith("_")}
        return _truth_scored(spec.doc_id, document.family, "generated", _extract(parsed, job), values)
    if document.purpose == "train":
        return _training_contract(document.folder, job)
    source = document_file(document.folder)
    parsed = parse(source.read_bytes(), source.name, settings)
    record = _extract(parsed, job)
    name = document.folder.name
    if (document.folder / TRUTH_FILE).is_file():
        values = _labels(document.folder / TRUTH_FILE)
        return _truth_scored(name, document.purpose, "truth", record, values)
    labels = _labels(document.folder / CUAD_FILE)
    error = backend_error(record)
    return Scored(name, document.purpose, "cuad", tuple(score_against_cuad(record, labels)), error=error)


def _training_contract(folder: Path, job: Job) -> Scored:
    """A CUAD training contract scored against its labels: the fit of what was tuned on them. One that
    cannot be read scores as an empty record (its fields count as missed)."""
    labels = _labels(folder / CUAD_FILE)
    pdf = cuad_pdf(folder)
    try:
        if pdf is None:
            raise IntakeError("the folder holds no PDF")
        record = _extract(parse(pdf.read_bytes(), pdf.name, CUAD_INTAKE), job)
    except IntakeError as error:
        name = hashlib.sha256(folder.name.encode()).hexdigest()
        info = DocumentInfo(sha256=name, filename=folder.name, pages=0, parser="none")
        record = _failed(info, "offline", f"{error.code}: {error}")
    scores = tuple(score_against_cuad(record, labels))
    return Scored(folder.name, "train", "cuad", scores, error=backend_error(record))


def _labels(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
