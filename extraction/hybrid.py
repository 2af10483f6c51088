"""The hybrid backend: the LLM proposes, the offline engine and the grounding audit verify.

Both readers read the document: the offline engine (layout candidates, the learned total chooser,
calibrated confidence) and the configured LLM (whose values have already passed the grounding audit of
llm_merge: a value whose quote is not in the document is dropped there). Per field:

- both agree: the offline value, with its calibrated confidence (the LLM's agreement is not counted twice);
- they disagree: the offline value, its confidence capped at DISAGREEMENT so that a reviewer looks at it
  (a low-confidence value is routed to review, never accepted untouched);
- only the LLM states it: the LLM's grounded value, capped the same way — a proposal the offline
  candidates did not confirm;
- only the offline engine states it: unchanged (a small model misses more than it invents).

Lists follow the same rule at list level: the offline list when it has items, otherwise the LLM's, capped.
When the LLM fails (endpoint down, budget spent), the record is the offline engine's with the reason in
its warnings and status partial: the document is never lost for want of the LLM.
"""

from collections.abc import Sequence
from typing import Any, Final, TypeVar

from pydantic import BaseModel
from rapidfuzz import fuzz

from extraction.date_model import DateChooserModel
from extraction.engine import extract
from extraction.fields.amounts import TotalRanker
from extraction.llm_errors import LlmError
from extraction.llm_settings import LlmSettings
from models.base import FrozenModel
from models.document import ParsedDocument, ParseStatus
from models.record import ExtractorInfo, FieldValue, HandoffRecord, RecordFields

# Below the calibrated auto-accept threshold (≈ 0.97) and below the default policy's LOW_CONFIDENCE
# threshold (0.6): a value the two readers do not agree on is looked at.
DISAGREEMENT: Final = 0.5
# Two readings of a name are the same name when they differ only in case, spacing or punctuation.
SAME_TEXT: Final = 92.0
LISTS: Final = (
    "milestones",
    "rate_card",
    "deliverables",
    "assumptions",
    "out_of_scope",
    "subcontractors",
    "contacts",
)
M = TypeVar("M", bound=BaseModel)


def extract_hybrid(
    doc: ParsedDocument,
    settings: LlmSettings | None = None,
    ranker: TotalRanker | None = None,
    date_chooser: DateChooserModel | None = None,
) -> HandoffRecord:
    """`ranker`, `date_chooser`: the offline engine's total and date choosers (the shipped ones when None)."""
    from extraction.llm import run_llm_extraction  # langchain only when the LLM is asked for

    settings = settings or LlmSettings()
    offline = extract(doc, ranker=ranker, date_chooser=date_chooser)
    try:
        read = run_llm_extraction(doc, settings)
    except LlmError as failure:
        return offline.model_copy(
            update={
                "warnings": (
                    f"{failure.code}: the LLM did not read it ({failure.detail})",
                    *offline.warnings,
                ),
                "status": ParseStatus.partial,
            }
        )
    return reconcile(offline, read.record)


def reconcile(offline: HandoffRecord, llm: HandoffRecord) -> HandoffRecord:
    """The offline record checked field by field against the LLM's (see the module's rules)."""
    fields = {
        name: _field(getattr(offline.fields, name), getattr(llm.fields, name))
        for name in RecordFields.model_fields
    }
    lists = {name: _list(getattr(offline, name), getattr(llm, name)) for name in LISTS}
    extractor = ExtractorInfo(
        backend="hybrid",
        model=f"offline + {llm.extractor.model}",
        prompt_tokens=llm.extractor.prompt_tokens,
        completion_tokens=llm.extractor.completion_tokens,
        estimated_cost=llm.extractor.estimated_cost,
    )
    return offline.model_copy(
        update={
            "extractor": extractor,
            "fields": RecordFields(**fields),
            **lists,
            "warnings": tuple(dict.fromkeys((*offline.warnings, *llm.warnings))),
        }
    )


def same(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return fuzz.ratio(_plain(left), _plain(right)) >= SAME_TEXT
    return bool(left == right)


def _plain(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def _capped(value: FieldValue[Any]) -> FieldValue[Any]:
    return value.model_copy(update={"confidence": min(value.confidence, DISAGREEMENT)})


def _field(offline: FieldValue[Any], llm: FieldValue[Any]) -> FieldValue[Any]:
    if offline.value is None:
        return _capped(llm) if llm.value is not None else offline
    if llm.value is None or same(offline.value, llm.value):
        return offline
    return _capped(offline)


def _capped_item(item: M) -> M:
    """A list item (or a bare FieldValue) with every value's confidence capped."""
    if isinstance(item, FieldValue):
        return _capped(item)  # type: ignore[return-value]
    update = {
        name: _capped(value)
        for name in type(item).model_fields
        if isinstance(value := getattr(item, name), FieldValue)
    }
    return item.model_copy(update=update)


def _list(offline: Sequence[FrozenModel], llm: Sequence[FrozenModel]) -> tuple[FrozenModel, ...]:
    if offline or not llm:
        return tuple(offline)
    return tuple(_capped_item(item) for item in llm)
