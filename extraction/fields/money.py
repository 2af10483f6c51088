"""Currency, total contract value and not-to-exceed amount, following the spec's conventions.

The total is the fees of this document without tax or reimbursable expenses: capped T&M → the cap; uncapped
T&M → the estimate; fixed + capped T&M → fixed part + cap; retainer → monthly fee × initial term; a change
order → the increment it adds. Liability caps, insurance limits, superseded tables and conversions are not.
"""

import itertools
import re
from collections import Counter
from decimal import Decimal

from extraction.candidates.labels import LabelValue
from extraction.fields.amounts import FEE_SECTIONS, OTHER_SECTIONS, AmountCandidate, TotalRanker
from extraction.fields.base import DERIVED, INFERRED, LABELLED, PROSE, TABLE, Found, found, labelled
from extraction.layout import Layout
from extraction.normalize.currency import CODES, stated_currency
from extraction.normalize.money import money
from extraction.normalize.terms import PERIOD, number_of
from models.record import BillingModel, DocumentType

# What each further statement of the same amount adds to its score; only statements that say what the
# amount is count ("total", "fixed fee", a label), and only a few, so that repeated figures do not outvote.
_AGREEMENT_SCORE = 1.5
_MAX_SECONDS = 2
_STATING_CUES = frozenset({"total", "fixed", "cap", "estimate", "increment", "monthly"})
# How far from a total its tax or expense lines may stand (a table or a paragraph).
_EXTRAS_REACH = 800
DOLLARS = frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD"})
# Cues that rule an amount out of being the fees of this document.
_NOT_FEES = (
    "liability",
    "insurance",
    "tax",
    "expense",
    "superseded",
    "conversion",
    "late",
    "instruction",
    "rate",
)
# A code written after a figure on its line: three capitals that are a word of their own.
_TICKER_AFTER = re.compile(r"[ \t\u00a0]+([A-Z]{3})(?![\w.'’-])")
_TERM_MONTHS = re.compile(
    r"\b(?:initial\s+)?term\s+of\b|\bfor\s+(?:a\s+period\s+of\s+)?\b|[-\s]month\s+(?:initial\s+)?term", re.I
)


def dollar_of(layout: Layout, default: str) -> str:
    """The dollar a bare '$' means: the one the document says it uses, else `default`."""
    stated = stated_currency(layout.text)
    return stated[0] if stated and stated[0] in DOLLARS else default


def currency(
    layout: Layout, values: tuple[LabelValue, ...], candidates: tuple[AmountCandidate, ...]
) -> Found[str] | None:
    for item in labelled(values, "currency"):
        written = re.match(r"[A-Z]{3}\b", item.value)
        if written and written.group() in CODES:
            return found(written.group(), LABELLED, (item.value_start, item.value_start + 3))
    stated = stated_currency(layout.text)
    if stated:
        return found(stated[0], PROSE, (stated[1], stated[2]))
    fees = [c for c in candidates if c.currency and not any(c.cue(cue) for cue in _NOT_FEES)]
    if not fees:
        return _written_unit(layout, candidates)
    counts = Counter(candidate.currency or "" for candidate in fees)
    code = counts.most_common(1)[0][0]
    first = next(c for c in fees if c.currency == code)
    return found(code, INFERRED + 0.15 * (counts[code] / len(fees)), (first.start, first.end))


def _written_unit(layout: Layout, candidates: tuple[AmountCandidate, ...]) -> Found[str] | None:
    """A currency without an ISO 4217 code — a digital currency or stablecoin ("Total: 1.5 BTC") — when the
    document writes no ISO currency at all: the one three-letter code written right after every labelled
    figure, when there are at least two of them."""
    labelled_figures = [c for c in candidates if c.source == "label" and c.currency is None]
    units = [unit for c in labelled_figures if (unit := _TICKER_AFTER.match(layout.text, c.end))]
    codes = {unit.group(1) for unit in units}
    if len(labelled_figures) < 2 or len(units) != len(labelled_figures) or len(codes) != 1:
        return None
    return found(codes.pop(), INFERRED, (units[0].start(1), units[0].end(1)))


def fee_pool(candidates: tuple[AmountCandidate, ...], code: str | None) -> list[AmountCandidate]:
    """The amounts that may be fees of this document."""
    return [
        c
        for c in candidates
        if not any(c.cue(cue) for cue in _NOT_FEES)
        and not {"liability", "insurance", "instruction"} & c.in_sentence
        and not (OTHER_SECTIONS & c.section and not FEE_SECTIONS & c.section)
        and (code is None or c.currency in (None, code))
    ]


def total_value(
    layout: Layout,
    candidates: tuple[AmountCandidate, ...],
    pool: list[AmountCandidate],
    model: BillingModel | None,
    kind: DocumentType | None,
    ranker: TotalRanker,
    code: str | None,
) -> Found[Decimal] | None:
    extras = [c for c in candidates if (c.cue("tax") or c.cue("expense")) and c.currency in (None, code)]
    if kind is DocumentType.change_order:
        increments = [c for c in pool if c.cue("increment") and not c.cue("revised")]
        if increments:
            return _ranked(increments, ranker, code)
    stated = [c for c in pool if c.cue("total") and not c.cue("fixed") and not c.cue("monthly")]
    if model is BillingModel.retainer:
        return _ranked(stated, ranker, code) or _retainer_total(layout, pool)
    if model is BillingModel.time_and_materials:
        caps = [c for c in pool if c.cue("cap")]
        estimates = [c for c in pool if c.cue("estimate")]
        return _ranked(caps, ranker, code) or _ranked(estimates, ranker, code) or _ranked(pool, ranker, code)
    if model is BillingModel.mixed:
        composed = _fixed_plus_cap(pool, ranker, code)
        return _ranked(stated, ranker, code) or composed or _ranked(pool, ranker, code)
    return _net_of_extras(_ranked(pool, ranker, code), pool, extras)


def not_to_exceed(
    pool: list[AmountCandidate], model: BillingModel | None, ranker: TotalRanker, code: str | None
) -> Found[Decimal] | None:
    """The T&M cap: in mixed billing the cap of the T&M part, not a cap on the whole."""
    if model not in (BillingModel.time_and_materials, BillingModel.mixed):
        return None
    caps = [c for c in pool if c.cue("cap") and not (model is BillingModel.mixed and c.cue("total"))]
    return _ranked(caps, ranker, code)


def _ranked(
    candidates: list[AmountCandidate], ranker: TotalRanker, code: str | None
) -> Found[Decimal] | None:
    """The best-supported amount: its best candidate's score, plus a bonus for each further candidate that
    states the same amount (a form, a fee clause and a table footer agreeing outweigh one misread label)."""
    if not candidates:
        return None
    groups: dict[Decimal, list[AmountCandidate]] = {}
    for candidate in sorted(candidates, key=lambda c: -ranker.score(c, code)):
        groups.setdefault(candidate.value, []).append(candidate)

    def support(group: list[AmountCandidate]) -> float:
        seconds = [c for c in group[1:] if c.source == "label" or c.total_row or c.near & _STATING_CUES]
        return ranker.score(group[0], code) + _AGREEMENT_SCORE * min(len(seconds), _MAX_SECONDS)

    ranked = sorted(groups.values(), key=support, reverse=True)
    top, agreeing = ranked[0][0], ranked[0][1:]
    rivals = [g for g in ranked[1:] if support(g) >= support(ranked[0]) - 0.5]
    # the amount is as well supported as its best statement: a label and a table's total row that agree are
    # as sure as the label, whichever of the two the ranker put first
    stated = max(_source_confidence(candidate) for candidate in ranked[0])
    confidence = stated + (0.03 if agreeing else 0.0) - (0.2 if rivals else 0.0)
    spans = [(top.start, top.end)] + [(c.start, c.end) for c in agreeing[:1]]
    return Found(money(top.value), min(0.99, confidence), tuple(spans))


def _net_of_extras(
    total: Found[Decimal] | None, pool: list[AmountCandidate], extras: list[AmountCandidate]
) -> Found[Decimal] | None:
    """A total that adds tax or expenses to the fees ("Fees 100, Travel 10, Total 110") gives way to the
    fees it adds them to, when the document states those fees."""
    if total is None or not extras:
        return total
    near = [e for e in extras if abs(e.start - total.spans[0][0]) <= _EXTRAS_REACH]
    for size in range(1, min(3, len(near)) + 1):
        for subset in itertools.combinations(near, size):
            fees = total.value - sum((e.value for e in subset), Decimal(0))
            match = next((c for c in pool if c.value == fees and c.start != total.spans[0][0]), None)
            if match is not None:
                spans = ((match.start, match.end), total.spans[0], *((e.start, e.end) for e in subset))
                return Found(money(match.value), _source_confidence(match), spans)
    return total


def _source_confidence(candidate: AmountCandidate) -> float:
    if candidate.source == "label":
        return LABELLED
    if candidate.total_row:
        return TABLE
    return (
        PROSE if candidate.near & {"total", "fixed", "cap", "estimate", "increment", "monthly"} else INFERRED
    )


def _fixed_plus_cap(
    pool: list[AmountCandidate], ranker: TotalRanker, code: str | None
) -> Found[Decimal] | None:
    fixed = _ranked([c for c in pool if c.cue("fixed") and not c.cue("cap")], ranker, code)
    cap = _ranked([c for c in pool if c.cue("cap") and not c.cue("total")], ranker, code)
    if fixed is None or cap is None:
        return None
    return Found(money(fixed.value + cap.value), DERIVED, fixed.spans[:1] + cap.spans[:1])


def _retainer_total(layout: Layout, pool: list[AmountCandidate]) -> Found[Decimal] | None:
    """Monthly fee × initial term in months, when the document states both: the term beside the fee, else
    the agreement's own term ("This Agreement shall commence on … and continue for six (6) months")."""
    fees = [c for c in pool if c.cue("monthly") and not c.cue("total")]
    for fee in fees:
        start, end = layout.sentence_at(fee.start)
        for period in PERIOD.finditer(layout.text, start, end + 200):
            head = layout.text[max(start, period.start() - 40) : period.end() + 25]
            months = _months(period)
            if _AFTER_END.match(layout.text, period.end()):
                continue  # "… for twelve (12) months following the termination": a restriction, not the term
            if months and period.group("unit").lower().startswith("month") and _TERM_MONTHS.search(head):
                return Found(
                    money(fee.value * months), DERIVED, ((fee.start, fee.end), (period.start(), period.end()))
                )
    term = _agreement_term(layout) if fees else None
    if term is None:
        return None
    fee, (months, span) = fees[0], term
    return Found(money(fee.value * months), DERIVED, ((fee.start, fee.end), span))


# A sentence that sets the agreement's own term, and one about a period after it ends (a restriction).
_SETS_TERM = re.compile(
    r"\b(?:this\s+agreement|the\s+term|the\s+initial\s+term)\b[^.;]{0,120}?\b(?:shall|will)\s+"
    r"(?:commence|continue|remain\s+in\s+(?:full\s+)?(?:force|effect)|be\s+for|run)\b",
    re.I,
)
_AFTER_END = re.compile(
    r"\s*\b(?:after|following|from)\s+(?:the\s+)?(?:termination|expiration|expiry)\b", re.I
)


def _agreement_term(layout: Layout) -> tuple[int, tuple[int, int]] | None:
    """The agreement's fixed term in months, and its span: the period in the sentence that sets the term."""
    for start, end in layout.sentences:
        sentence = layout.text[start:end]
        if not _SETS_TERM.search(sentence) or _AFTER_END.search(sentence):
            continue
        for period in PERIOD.finditer(layout.text, start, end):
            months = _months(period)
            head = layout.text[max(start, period.start() - 40) : period.start()]
            if months and re.search(r"\b(?:for|of)\s+(?:a\s+(?:period|term)\s+of\s+)?$", head, re.I):
                return months, (period.start(), period.end())
    return None


def _months(period: re.Match[str]) -> int | None:
    """Whole months of a period of months or years."""
    count, unit = number_of(period), period.group("unit").lower()
    if count is None or not unit.startswith(("month", "year")):
        return None
    return count * (12 if unit.startswith("year") else 1)
