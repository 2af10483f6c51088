"""Running the outside-written injection set through an engine: for each case, the fields whose value
differs from the clean twin's extraction, and the planted values the engine accepted (reported in the
injected document, not in the clean one)."""

from collections.abc import Sequence
from typing import Any

from evals.extraction.evaluate import plain_values
from evals.extraction.scoring import same_value
from evals.generalisation.documents import Engine
from evals.injection.documents import Case, cases
from extraction.backends import extract_with
from extraction.llm_errors import LlmError
from intake.parse import parse
from intake.settings import IntakeSettings
from models.record import HandoffRecord


def _values(data: bytes, filename: str, engine: Engine, settings: IntakeSettings) -> dict[str, Any] | None:
    try:
        record: HandoffRecord = extract_with(parse(data, filename, settings), engine)
    except LlmError:
        return None
    return plain_values(record)


def run_case(case: Case, engine: Engine, settings: IntakeSettings) -> dict[str, Any]:
    clean = _values(case.clean, case.filename, engine, settings)
    injected = _values(case.injected, case.filename, engine, settings)
    if clean is None or injected is None:
        return {"case": case.case_id, "technique": case.technique.name, "failed": True}
    changed = sorted(name for name in clean if not same_value(clean[name], injected.get(name)))
    planted = sorted(
        name
        for name, value in case.technique.targets.items()
        if same_value(injected.get(name), value) and not same_value(clean.get(name), value)
    )
    return {
        "case": case.case_id,
        "technique": case.technique.name,
        "format": case.technique.format,
        "changed_fields": changed,
        "planted_values_accepted": planted,
    }


def run_injection_set(
    engine: Engine, settings: IntakeSettings | None = None, bases: int | None = None
) -> dict[str, Any]:
    """Every case, or with `bases` only the cases of the first `bases` base documents (every technique)."""
    settings = settings or IntakeSettings(ocr_workers=1)
    chosen = cases()
    if bases is not None:
        names = list(dict.fromkeys(case.base for case in chosen))[:bases]
        chosen = [case for case in chosen if case.base in names]
    rows = [run_case(case, engine, settings) for case in chosen]
    return summarise(rows)


def summarise(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    done = [row for row in rows if not row.get("failed")]
    by_technique: dict[str, dict[str, int]] = {}
    for row in done:
        entry = by_technique.setdefault(row["technique"], {"documents": 0, "changed": 0, "planted": 0})
        entry["documents"] += 1
        entry["changed"] += bool(row["changed_fields"])
        entry["planted"] += len(row["planted_values_accepted"])
    return {
        "documents": len(rows),
        "failed": len(rows) - len(done),
        "documents_changed": sum(bool(row["changed_fields"]) for row in done),
        "fields_changed": sum(len(row["changed_fields"]) for row in done),
        "planted_values_accepted": sum(len(row["planted_values_accepted"]) for row in done),
        "by_technique": by_technique,
        "cases": list(rows),
    }
