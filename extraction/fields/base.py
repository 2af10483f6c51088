"""What every field rule returns, and how strong each kind of evidence is.

Confidence follows the evidence: a value set apart by a label or a table cell is read more reliably than one
found in prose, which in turn beats one computed from other values or inferred from a weaker cue.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

from extraction.candidates.labels import LabelValue
from extraction.grounding import evidence, squash
from extraction.layout import Layout
from models.record import FieldValue

T = TypeVar("T")

LABELLED = 0.95
TABLE = 0.92
RECITAL = 0.9
PROSE = 0.82
WEAK_LABEL = 0.7
DERIVED = 0.72
INFERRED = 0.55
# A role known only from the order the parties are named in ("between A and B": the client first, as the
# paper of a services contract usually is): always below the review threshold, a person confirms it.
ORDER_ONLY = 0.45
# A value read from an OCR'd page is a little less certain than the same value from a text layer.
OCR_FACTOR = 0.9
AGREEMENT_BONUS = 0.03
CONFLICT_PENALTY = 0.2


@dataclass(frozen=True)
class Found(Generic[T]):
    """A value with the confidence of how it was found and the spans of text that state it."""

    value: T
    confidence: float
    spans: tuple[tuple[int, int], ...]


def found(value: T, confidence: float, *spans: tuple[int, int]) -> Found[T]:
    return Found(value, confidence, tuple(spans))


def to_field(layout: Layout, result: Found[T] | None) -> FieldValue[T]:
    """A FieldValue whose evidence quotes the spans; confidence lowered for OCR pages, kept in [0, 1]."""
    if result is None:
        return FieldValue()
    pieces = tuple(piece for start, end in result.spans for piece in evidence(layout.doc, start, end))
    value = _as_written(layout, result)
    ocr = {page.number for page in layout.doc.pages if page.ocr}
    confidence = result.confidence * (OCR_FACTOR if any(p.page in ocr for p in pieces) else 1.0)
    return FieldValue(value=value, confidence=round(min(1.0, max(0.0, confidence)), 3), evidence=pieces)


def _as_written(layout: Layout, result: Found[T]) -> T:
    """A text value read from the plain copy of the text, given back in the document's own characters
    (curly quotes, dashes) when it is exactly the text of its first span."""
    if not isinstance(result.value, str) or not result.spans:
        return result.value
    start, end = result.spans[0]
    if squash(layout.text[start:end]) != result.value:
        return result.value
    return cast(T, squash(layout.doc.text[start:end]))


def best(candidates: list[Found[T]], same: Callable[[T, T], bool] | None = None) -> Found[T] | None:
    """The value the candidates support best: the most confident, where each further candidate stating the
    same value adds a little and a strong candidate stating another value takes confidence away."""
    if not candidates:
        return None
    equal = same or (lambda a, b: a == b)
    groups: list[list[Found[T]]] = []
    for candidate in candidates:
        group = next((g for g in groups if equal(g[0].value, candidate.value)), None)
        if group is None:
            groups.append([candidate])
        else:
            group.append(candidate)

    def support(group: list[Found[T]]) -> float:
        return max(c.confidence for c in group) + AGREEMENT_BONUS * (len(group) - 1)

    ranked = sorted(groups, key=support, reverse=True)
    winner = max(ranked[0], key=lambda c: c.confidence)
    rivals = [g for g in ranked[1:] if max(c.confidence for c in g) >= winner.confidence - 0.05]
    confidence = support(ranked[0]) - (CONFLICT_PENALTY if rivals else 0.0)
    return Found(winner.value, min(0.99, confidence), winner.spans)


def labelled(values: tuple[LabelValue, ...], *keys: str) -> Iterator[LabelValue]:
    return (item for item in values if item.key in keys)


def label_confidence(item: LabelValue) -> float:
    return LABELLED if item.labelled else WEAK_LABEL


def sentence_with(
    layout: Layout, pattern: re.Pattern[str]
) -> Iterator[tuple[re.Match[str], tuple[int, int]]]:
    """Each match of `pattern` in the text, with the span of the sentence it sits in; sentences that address
    whoever reads the document ("ignore previous instructions …") are content, not facts, and are skipped."""
    for match in pattern.finditer(layout.text):
        start, end = layout.sentence_at(match.start())
        if not layout.addressed_to_reader(start):
            yield match, (start, end)
