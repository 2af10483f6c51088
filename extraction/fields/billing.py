"""How the work is billed: billing model, invoice frequency, payment terms, expenses and their cap."""

import re
from decimal import Decimal

from extraction.candidates.labels import LabelValue
from extraction.candidates.tables import Table
from extraction.fields.amounts import AmountCandidate
from extraction.fields.base import (
    INFERRED,
    PROSE,
    Found,
    best,
    found,
    label_confidence,
    labelled,
    sentence_with,
)
from extraction.layout import Layout
from extraction.normalize.money import money
from extraction.normalize.terms import payment_days
from models.record import BillingModel, ExpensesPolicy, InvoiceFrequency

_FIXED = re.compile(r"\bfixed[\s-]+(?:fee|price)\b|\bfirm[\s-]+fixed\b|\blump[\s-]+sum\b", re.I)
_TM = re.compile(
    r"\btime[\s-]+(?:and|&)[\s-]+mater\w*|\bT\s?&\s?M\b|\bhourly\s+rates?\b|\blabou?r[\s-]+hours?\b", re.I
)
_RETAINER = re.compile(r"\bretainer\b", re.I)
_PER_MONTH_AFTER = re.compile(r"\s*(?:[A-Z]{3}\s+)?(?:per|a|each|every|/)\s*(?:calendar\s+)?month\b", re.I)
_MONTHLY_BEFORE = re.compile(
    r"\bmonthly\s+(?:fee|retainer|charge|payment|compensation|amount)\s+(?:of\s+)?(?:[A-Z]{3}\s*)?$", re.I
)
_MILESTONE = re.compile(
    r"\bmilestones?\b[^.]{0,40}\b(?:payable|payment|invoic\w*)|\b(?:payable|invoiced|paid)\b[^.]{0,60}\bmilestones?\b"
    r"|\bby\s+milestone\b",
    re.I,
)
# When a sentence names two frequencies, the one it names first wins.
_FREQUENCY_WORDS: tuple[tuple[InvoiceFrequency, str], ...] = (
    (
        InvoiceFrequency.upon_milestone,
        r"\b(?:up)?on\s+(?:completion|acceptance|achievement)\s+of\s+(?:each|the)\s+(?:\w+\s+)?milestones?\b"
        r"|\bper\s+milestone\b|\bmilestone\s+basis\b",
    ),
    (
        InvoiceFrequency.upfront,
        r"\bin\s+full\s+(?:up)?on\s+(?:execution|signature|signing)\b|\bupfront\b|\bup[\s-]+front\b"
        r"|\bin\s+advance\s+in\s+full\b|\b100\s?%\s+(?:in\s+advance|upon)",
    ),
    (InvoiceFrequency.biweekly, r"\bevery\s+(?:two|2)\s+weeks\b|\bbi-?weekly\b|\bfortnightly\b"),
    (InvoiceFrequency.weekly, r"\bweekly\b|\bevery\s+week\b|\beach\s+week\b"),
    (InvoiceFrequency.quarterly, r"\bquarterly\b|\bevery\s+(?:three|3)\s+months\b|\beach\s+quarter\b"),
    (
        InvoiceFrequency.monthly,
        r"\bmonthly\b|\bevery\s+month\b|\beach\s+(?:calendar\s+)?month\b|\bper\s+month\b",
    ),
)
_FREQUENCIES = tuple((kind, re.compile(words, re.I)) for kind, words in _FREQUENCY_WORDS)
_FEE_WORD = re.compile(
    r"\bfees?\b|\bpric\w+|\bpay\w*|\bcompensation\b|\bcosts?\b|\bbudget\b|\bretainer\b", re.I
)
_FEE_HEADING = re.compile(
    r"\bfees?\b|\bpric\w+|\bpayment|\bcompensation\b|\bcommercial|\bcosts?\b|\bbudget\b|\binvestment\b"
    r"|\bfunding\b|\bcharges\b",
    re.I,
)
_INVOICE_SENTENCE = re.compile(r"\binvoic\w*|\bbilled\b", re.I)
# An invoice sent once a month for the month before: "invoices shall be submitted by the 10th day of the
# subsequent month" (a payment due in the month after an invoice says nothing of how often one is sent).
_DUE_MONTH_AFTER = re.compile(
    r"\binvoices?\b[^.;]{0,60}\b(?:submitted|issued|rendered|sent|delivered)\b[^.;]{0,30}"
    r"\b(?:by|before|on|no\s+later\s+than)\s+the\s+\d{1,2}(?:st|nd|rd|th)?\s+(?:(?:calendar|business|working)\s+)?"
    r"day\s+of\s+the\s+(?:following|subsequent|next|succeeding)\s+month\b",
    re.I,
)
_EXPENSES = re.compile(r"\b(?:travel|out[\s-]+of[\s-]+pocket|expenses?|disbursements?)\b", re.I)
_NOT_REIMBURSED = re.compile(
    r"\bnot\s+(?:be\s+)?reimburs\w*|\bno\s+(?:travel\s+)?expenses\b|\bwill\s+not\s+(?:be\s+)?(?:charged|billed)\b"
    r"|\bnon-reimbursable\b|\bat\s+(?:its|Provider's|Consultant's)\s+own\s+(?:cost|expense)\b",
    re.I,
)
_INCLUDED = re.compile(
    r"\b(?:fees?|price)\s+(?:\w+\s+){0,3}includes?\b|\binclusive\s+of\b|\bincluded\s+in\s+the\s+fees?\b", re.I
)
_REIMBURSED = re.compile(
    r"\breimburs\w*|\bat\s+cost\b|\bre-?billed\b|\bpass(?:ed)?[\s-]+through\b|\bplus\s+expenses\b", re.I
)
_CAP = re.compile(
    r"\bmaximum\s+of\b|\bnot\s+to\s+exceed\b|\bcapped\s+at\b|\bcap\s+of\b|\blimited\s+to\b|\bup\s+to\b", re.I
)


def billing_model(
    layout: Layout, values: tuple[LabelValue, ...], tables: tuple[Table, ...], fees: list[AmountCandidate]
) -> Found[BillingModel] | None:
    for item in labelled(values, "billing_model"):
        model = _model_named(item.value)
        if model is BillingModel.fixed_fee:
            return _paid_by_milestone(layout) or found(
                model, label_confidence(item), (item.value_start, item.value_end)
            )
        if model is not None:
            return found(model, label_confidence(item), (item.value_start, item.value_end))
    sentences = _fee_sentences(layout)
    fee_text = " ".join(layout.text[a:b] for a, b in sentences)
    schedule = _priced_milestones(layout, tables, fees)
    model = _model_named(fee_text, milestone_table=schedule is not None)
    if model is None:
        periodic = next((fee for fee in fees if _periodic(layout, fee)), None)
        if periodic is None:
            return None
        # a fee paid by the month, and nothing said of fixed fees, rates or milestones: a retainer (spec §1)
        return found(BillingModel.retainer, INFERRED, layout.sentence_at(periodic.start))
    cue = {
        BillingModel.retainer: _RETAINER,
        BillingModel.time_and_materials: _TM,
        BillingModel.milestone: _MILESTONE,
    }
    pattern = cue.get(model, _FIXED)
    span = next(((a, b) for a, b in sentences if pattern.search(layout.text, a, b)), schedule)
    return found(model, INFERRED, span) if span else None


def _periodic(layout: Layout, fee: AmountCandidate) -> bool:
    """A fee stated by the month: "$10,000 per month", "USD 4,000.00 a month", "a monthly fee of $4,000"
    (an amount "payable monthly" is an instalment of a total, not a fee by the month)."""
    after = layout.text[fee.end : fee.end + 30]
    before = layout.text[max(0, fee.start - 40) : fee.start]
    return bool(_PER_MONTH_AFTER.match(after) or _MONTHLY_BEFORE.search(before))


def _paid_by_milestone(layout: Layout) -> Found[BillingModel] | None:
    """A fixed fee payable per a milestone schedule is billed by milestone (spec convention)."""
    for start, end in _fee_sentences(layout):
        match = _MILESTONE.search(layout.text, start, end)
        if match and _FIXED.search(layout.text, start, end):
            return found(BillingModel.milestone, PROSE, (start, end))
    return None


def _model_named(text: str, milestone_table: bool = False) -> BillingModel | None:
    fixed, tm = bool(_FIXED.search(text)), bool(_TM.search(text))
    if fixed and tm:
        return BillingModel.mixed
    if _RETAINER.search(text):
        return BillingModel.retainer
    if tm:
        return BillingModel.time_and_materials
    if _MILESTONE.search(text) or milestone_table:
        return BillingModel.milestone
    return BillingModel.fixed_fee if fixed else None


def _fee_sentences(layout: Layout) -> list[tuple[int, int]]:
    """Sentences about fees: those in a section on fees or payment, and those elsewhere that name both a
    fee word and an amount of money."""
    with_amounts = {layout.sentence_at(amount.start) for amount in layout.amounts}
    spans = []
    for sentence in layout.sentences:
        start, end = _past_furniture(layout, *sentence)
        if not layout.text[start:end].strip():
            continue
        heading = layout.heading_before(start)
        in_fees = heading is not None and _FEE_HEADING.search(heading.title) and heading.line.end <= start
        if in_fees or ((start, end) in with_amounts and _FEE_WORD.search(layout.text, start, end)):
            spans.append((start, end))
    return spans


def _past_furniture(layout: Layout, start: int, end: int) -> tuple[int, int]:
    """A sentence without the running headers and footers it starts with ("Acme Ltd · Support Retainer"):
    they state no terms."""
    while start < end:
        chunk = layout.text[start:end]
        line = layout.line_at(start + len(chunk) - len(chunk.lstrip()))
        if line is None or line.index not in layout.furniture:
            break
        start = line.end
    return start, end


def _priced_milestones(
    layout: Layout, tables: tuple[Table, ...], fees: list[AmountCandidate]
) -> tuple[int, int] | None:
    """The span of a milestone table with amounts, or of a milestone heading with an amount under it."""
    for table in tables:
        if table.column("Milestone") is not None and "money" in table.kinds:
            return table.header.start, table.header.end
    for candidate in fees:
        heading = layout.heading_before(candidate.start)
        if heading is not None and re.search(r"\bmilestone\b", heading.title, re.I):
            return heading.line.start, heading.line.end
    return None


def invoice_frequency(layout: Layout, values: tuple[LabelValue, ...]) -> Found[InvoiceFrequency] | None:
    for item in labelled(values, "invoice_frequency"):
        frequency = _frequency_in(item.value)
        if frequency:
            return found(frequency, label_confidence(item), (item.value_start, item.value_end))
    candidates: list[Found[InvoiceFrequency]] = []
    for _, (start, end) in sentence_with(layout, _INVOICE_SENTENCE):
        sentence = layout.text[start:end]
        if re.search(r"\binterest\b|\boverdue\b", sentence, re.I):
            continue
        frequency = _frequency_in(sentence) or (
            InvoiceFrequency.monthly if _DUE_MONTH_AFTER.search(sentence) else None
        )
        if frequency:
            candidates.append(found(frequency, PROSE, (start, end)))
    return best(candidates[:1])


def _frequency_in(text: str) -> InvoiceFrequency | None:
    hits = [(m.start(), kind) for kind, pattern in _FREQUENCIES for m in [pattern.search(text)] if m]
    return min(hits)[1] if hits else None


def payment_terms_days(layout: Layout, values: tuple[LabelValue, ...]) -> Found[int] | None:
    for item in labelled(values, "payment_terms"):
        terms = payment_days(item.value) or payment_days(f"payable {item.value}")
        if terms:
            return found(terms[0], label_confidence(item), (item.value_start, item.value_end))
    candidates: list[Found[int]] = []
    for _, (start, end) in sentence_with(layout, re.compile(r"\binvoice\w*|\bpay(?:able|ment)\b", re.I)):
        sentence = layout.text[start:end]
        if re.search(r"\binterest\b|\bterminat\w*|\bnotice\b|\bdispute", sentence, re.I):
            continue
        terms = payment_days(sentence)
        if terms:
            candidates.append(found(terms[0], PROSE, (start + terms[1], start + terms[2])))
    return best(candidates)


def expenses(
    layout: Layout, values: tuple[LabelValue, ...], candidates: tuple[AmountCandidate, ...]
) -> tuple[Found[ExpensesPolicy] | None, Found[Decimal] | None]:
    """The expense policy, and the cap on reimbursable expenses when one is stated."""
    sentences = sorted({layout.sentence_at(m.start()) for m in _EXPENSES.finditer(layout.text)})
    sentences += [(i.label_start, i.value_end) for i in labelled(values, "expenses")]
    for start, end in sentences:
        text = layout.text[start:end]
        if re.search(r"\binsurance\b|\bliab\w+|\bindemni", text, re.I) or not _EXPENSES.search(text):
            continue
        policy = _policy_in(text)
        if policy is None:
            continue
        cap = None
        if policy is ExpensesPolicy.reimbursable:
            # the sentence may run on over a page break to the figure it caps
            cap = _expense_cap(candidates, start, layout.runs_over_page_break(end) or end)
        if cap is not None:
            return found(ExpensesPolicy.reimbursable_capped, PROSE, (start, end)), cap
        return found(policy, PROSE, (start, end)), None
    return None, None


def _policy_in(text: str) -> ExpensesPolicy | None:
    if _NOT_REIMBURSED.search(text):
        return ExpensesPolicy.not_reimbursable
    if _INCLUDED.search(text) and not _REIMBURSED.search(text):
        return ExpensesPolicy.included
    return ExpensesPolicy.reimbursable if _REIMBURSED.search(text) else None


def _expense_cap(candidates: tuple[AmountCandidate, ...], start: int, end: int) -> Found[Decimal] | None:
    """The amount the expense sentence caps (a candidate's words before it are read across a page break's
    running footer and header, amounts._describe)."""
    for candidate in candidates:
        if start <= candidate.start < end and _CAP.search(candidate.before):
            return found(money(candidate.value), PROSE, (candidate.start, candidate.end))
    return None
