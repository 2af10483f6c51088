"""generate_spec: a seeded, pure draw of one document's ground truth and layout.

The choices that evals want to pin (document type, billing model, region, signature state…) are drawn first
and may be overridden by keyword; everything else follows from them, so an override never breaks the
document's internal consistency (milestones still sum to the total, dates still line up).
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from evals.sow import content
from evals.sow.detail import DETAIL_SECTIONS
from evals.sow.fees import CURRENCY_SCALE, build_fees, round_to
from evals.sow.formatting import DateStyle, MoneyStyle
from evals.sow.parties import contacts, party, signatures, subcontractors
from evals.sow.spec import ChangeOrderTerms, Distractors, Fees, SowSpec, Style
from evals.sow.themes import GENERIC_ASSUMPTIONS, GENERIC_OUT_OF_SCOPE, THEMES, Theme
from models.record import BillingModel, DocumentType, ExpensesPolicy, InvoiceFrequency

T = TypeVar("T")

SIGNATURE_STATES = ("signed", "provider_only", "unsigned", "undated")
_INVOICING = {
    BillingModel.fixed_fee: (InvoiceFrequency.monthly, InvoiceFrequency.upfront, InvoiceFrequency.quarterly),
    BillingModel.milestone: (InvoiceFrequency.upon_milestone,),
    BillingModel.time_and_materials: (
        InvoiceFrequency.monthly,
        InvoiceFrequency.biweekly,
        InvoiceFrequency.weekly,
    ),
    BillingModel.retainer: (InvoiceFrequency.monthly, InvoiceFrequency.quarterly),
    BillingModel.mixed: (InvoiceFrequency.monthly,),
}
_ACCENTS = ("#1f3a5f", "#2e5e4e", "#6b2737", "#3d3d3d", "#0b5394", "#7a4f01")


class _Draw:
    """Random choices that an override can pin; unknown override names are an error, not ignored."""

    def __init__(self, seed: int, overrides: dict[str, Any]) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - reproducible documents, not security
        self._overrides = overrides

    def pick(self, name: str, options: Sequence[T], weights: Sequence[float] | None = None) -> T:
        if name not in self._overrides:
            return self.rng.choices(options, weights)[0]
        wanted = self._overrides.pop(name)
        if wanted not in options:
            raise ValueError(f"override {name}={wanted!r} is not one of {list(options)}")
        return options[list(options).index(wanted)]

    def flag(self, name: str, probability: float) -> bool:
        return self.pick(name, (True, False), (probability, 1 - probability))

    def check_consumed(self) -> None:
        if self._overrides:
            raise TypeError(f"unknown overrides: {sorted(self._overrides)}")


@dataclass(frozen=True)
class _Choices:
    document_type: DocumentType
    billing_model: BillingModel
    capped: bool
    client_region: content.Region
    provider_region: content.Region
    currency: str
    theme: Theme
    signature_state: str
    end_date_mistyped: bool
    open_ended: bool


def _choices(draw: _Draw) -> _Choices:
    regions = {region.code: region for region in content.REGIONS}
    themes = {theme.service_line: theme for theme in THEMES}
    kinds = (DocumentType.sow, DocumentType.change_order, DocumentType.proposal)
    document_type = draw.pick("document_type", kinds, (3, 1, 1))
    client_region = regions[draw.pick("client_region", tuple(regions), content.REGION_WEIGHTS)]
    provider_region = regions[draw.pick("provider_region", tuple(regions), content.REGION_WEIGHTS)]
    currencies = tuple(CURRENCY_SCALE)
    home = currencies.index(client_region.currency)
    weights = [12 if index == home else 1 for index in range(len(currencies))]
    state_weights = (2, 3, 4, 1) if document_type is DocumentType.proposal else (11, 3, 4, 2)
    return _Choices(
        document_type=document_type,
        billing_model=draw.pick("billing_model", tuple(BillingModel), (3, 5, 5, 3, 4)),
        capped=draw.flag("capped", 0.7),
        client_region=client_region,
        provider_region=provider_region,
        currency=draw.pick("currency", currencies, weights),
        theme=themes[draw.pick("service_line", tuple(themes))],
        signature_state=draw.pick("signature_state", SIGNATURE_STATES, state_weights),
        end_date_mistyped=draw.flag("end_date_mistyped", 0.06),
        open_ended=draw.flag("open_ended", 0.08),
    )


def generate_spec(seed: int, **overrides: Any) -> SowSpec:
    """One document's spec.

    Overridable: document_type, billing_model, capped (T&M cap), client_region and provider_region
    (region codes, e.g. "US", "DE"), currency, service_line (e.g. "Cloud Migration"), signature_state
    (signed/provider_only/unsigned/undated), end_date_mistyped, open_ended (no end date).
    """
    draw = _Draw(seed, dict(overrides))
    picks = _choices(draw)
    draw.check_consumed()
    rng = draw.rng
    client = party(rng, picks.client_region, content.CLIENT_STEMS, content.CLIENT_INDUSTRIES)
    provider = party(rng, picks.provider_region, content.PROVIDER_STEMS, content.PROVIDER_KINDS)
    issued = date(2024, 1, 2) + timedelta(days=rng.randint(0, 900))
    start, end, months, change_order = _schedule(rng, picks, issued)
    fees = build_fees(
        rng,
        picks.billing_model,
        capped=picks.capped,
        theme=picks.theme,
        currency=picks.currency,
        scale=0.3 if change_order else 1.0,
        schedule=(start, end),
        term_months=months,
    )
    written_end = _mistype(end, start) if picks.end_date_mistyped and end else end
    return SowSpec(
        seed=seed,
        doc_id=f"sow-{seed:05d}",
        document_type=picks.document_type,
        contract_number=_contract_number(rng, picks.document_type, issued, client.legal_name, change_order),
        client_po=f"{rng.randint(4_500_000_000, 4_599_999_999)}" if rng.random() < 0.4 else None,
        **_narrative(rng, picks.theme),
        client=client,
        provider=provider,
        issue_date=issued,
        effective_date=None if picks.document_type is DocumentType.proposal else issued,
        start_date=start,
        end_date=written_end,
        end_date_mistyped=bool(picks.end_date_mistyped and end),
        currency=picks.currency,
        fees=fees,
        **_commercial_terms(rng, picks, fees),
        signatures=signatures(rng, picks.signature_state, issued, client, provider),
        subcontractors=subcontractors(rng, picks.provider_region, picks.theme, provider),
        contacts=contacts(rng, client, provider),
        change_order=change_order,
        distractors=_distractors(rng, picks, fees, issued),
        style=_style(rng, picks),
    )


def _narrative(rng: random.Random, theme: Theme) -> dict[str, Any]:
    """What the document is about: project, phases, deliverables, assumptions and exclusions."""
    return {
        "project_name": rng.choice(theme.project_names).format(n=rng.randint(2, 4)),
        "service_line": theme.service_line,
        "background": theme.background,
        "phases": theme.phases,
        "detail_sections": tuple(rng.sample(DETAIL_SECTIONS, rng.randint(0, len(DETAIL_SECTIONS)))),
        "deliverables": _ordered_sample(rng, theme.deliverables, 4, 7),
        "assumptions": (*_ordered_sample(rng, theme.assumptions, 2, 3), *rng.sample(GENERIC_ASSUMPTIONS, 2)),
        "out_of_scope": (
            *_ordered_sample(rng, theme.out_of_scope, 2, 4),
            *rng.sample(GENERIC_OUT_OF_SCOPE, 1),
        ),
    }


def _schedule(
    rng: random.Random, picks: _Choices, issued: date
) -> tuple[date, date | None, int, ChangeOrderTerms | None]:
    """Start, end (None when open-ended), length in months, and the change order's terms if it is one.

    A change order extends the original end date; a new engagement runs 2 to 18 months; retainers run
    for a round initial term.
    """
    start = issued + timedelta(days=rng.randint(3, 35))
    change_order = None
    if picks.document_type is DocumentType.change_order:
        change_order = _change_order(rng, picks, issued, start)
    if picks.billing_model is BillingModel.retainer:
        months = rng.choice((3, 6, 12) if change_order else (6, 12, 12, 24))
    else:
        months = rng.randint(1, 9) if change_order else rng.randint(2, 18)
    first_day = change_order.original_end_date if change_order else start
    last_day = _add_months(first_day, months) - timedelta(days=1)
    return start, None if picks.open_ended else last_day, months, change_order


def _commercial_terms(rng: random.Random, picks: _Choices, fees: Fees) -> dict[str, Any]:
    proposal = picks.document_type is DocumentType.proposal
    expenses = rng.choice(tuple(ExpensesPolicy)) if rng.random() < 0.9 else None
    in_months = rng.random() < 0.3
    notice = rng.choice((1, 2, 3)) * 30 if in_months else rng.choice((15, 30, 45, 60, 90))
    law_region = picks.client_region if rng.random() < 0.7 else picks.provider_region
    renewal_weights = (6, 3, 1) if fees.billing_model is BillingModel.retainer else (1, 4, 5)
    auto_renewal = rng.choices((True, False, None), renewal_weights)[0]
    return {
        "payment_terms_days": None
        if rng.random() < (0.2 if proposal else 0.05)
        else rng.choices((0, 15, 30, 45, 60, 90), (1, 2, 6, 2, 2, 1))[0],
        "invoice_frequency": None
        if proposal and rng.random() < 0.15
        else rng.choice(_INVOICING[fees.billing_model]),
        "expenses": expenses,
        "expense_cap": round_to(float(fees.total) * rng.uniform(0.03, 0.1), 500)
        if expenses is ExpensesPolicy.reimbursable_capped
        else None,
        "governing_law": None
        if rng.random() < (0.4 if proposal else 0.1)
        else rng.choice(law_region.jurisdictions).name,
        "termination_notice_days": None if rng.random() < 0.15 else notice,
        "termination_notice_in_months": in_months,
        "auto_renewal": auto_renewal,
        "renewal_term_months": rng.choice((12, 12, 6, 24)),
        "acceptance_days": rng.choice((5, 10, 15)),
    }


def _change_order(rng: random.Random, picks: _Choices, issued: date, start: date) -> ChangeOrderTerms:
    return ChangeOrderTerms(
        sequence=rng.randint(1, 4),
        original_number=f"SOW-{issued.year - 1}-{rng.randint(10, 999):04d}",
        original_date=issued - timedelta(days=rng.randint(90, 300)),
        original_value=round_to(rng.uniform(150_000, 2_000_000) * CURRENCY_SCALE[picks.currency], 1000),
        original_end_date=start + timedelta(days=rng.randint(10, 60)),
        reason=rng.choice(content.CHANGE_REASONS),
    )


def _contract_number(
    rng: random.Random,
    kind: DocumentType,
    issued: date,
    client_name: str,
    change_order: ChangeOrderTerms | None,
) -> str:
    serial = rng.randint(7, 999)
    if change_order:
        return rng.choice(
            (
                f"CO-{issued.year}-{serial:03d}",
                f"{change_order.original_number}-CO{change_order.sequence:02d}",
            )
        )
    if kind is DocumentType.proposal:
        return rng.choice((f"P-{issued.year}-{serial:04d}", f"PROP-{issued:%y}-{serial:03d}"))
    initials = "".join(word[0] for word in client_name.split()[:3] if word[0].isupper())
    return rng.choice(
        (
            f"SOW-{issued.year}-{serial:04d}",
            f"{initials}-SOW-{serial:03d}",
            f"PS-{issued:%y}-{serial:04d}",
            f"SOW/{issued.year}/{serial:04d}",
        )
    )


def _distractors(rng: random.Random, picks: _Choices, fees: Fees, issued: date) -> Distractors:
    scale = CURRENCY_SCALE[picks.currency]
    return Distractors(
        liability_cap=round_to(float(fees.total) * rng.uniform(1.5, 3.0) + 250_000 * scale, 50_000),
        insurance_limit=Decimal(rng.choice((1, 2, 5, 10)) * 1_000_000),
        valid_until=issued + timedelta(days=rng.choice((30, 60, 90)))
        if picks.document_type is DocumentType.proposal
        else None,
        master_agreement_date=issued - timedelta(days=rng.randint(200, 1500)) if rng.random() < 0.6 else None,
        tax_rate_percent={"EUR": 21, "GBP": 20, "AUD": 10, "CAD": 13, "CHF": 8}.get(picks.currency)
        if rng.random() < 0.6
        else None,
    )


def _style(rng: random.Random, picks: _Choices) -> Style:
    money_styles = [MoneyStyle.symbol, MoneyStyle.code_prefix, MoneyStyle.code_suffix]
    if picks.currency == "EUR":
        money_styles.append(MoneyStyle.continental)
    date_styles = [DateStyle(style) for style in picks.client_region.date_styles]
    if picks.currency != "USD" and DateStyle.numeric_us in date_styles:
        date_styles.remove(DateStyle.numeric_us)
    return Style(
        money=rng.choice(money_styles),
        dates=rng.choice(date_styles),
        font=rng.choice(("Helvetica", "Times-Roman")),
        page_size="letter" if picks.client_region.page_size == "letter" else "a4",
        accent=rng.choice(_ACCENTS),
        curly_quotes=rng.random() < 0.5,
        footer=rng.choice(("page_of", "slash", "dashes")),
        order_form_columns=rng.choice((2, 4)),
        terms_font_size=rng.choice((7.5, 8.0, 8.5, 9.0)),
        legal_terms_in_body=rng.random() < 0.4,
    )


def _ordered_sample(rng: random.Random, items: Sequence[str], low: int, high: int) -> tuple[str, ...]:
    count = min(len(items), rng.randint(low, high))
    return tuple(items[index] for index in sorted(rng.sample(range(len(items)), count)))


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, 28))


def _mistype(end: date, start: date) -> date:
    """The end date with its year typed wrong, early enough to fall before the start date."""
    written = end.replace(year=end.year - 1, day=min(end.day, 28))
    return written if written < start else written.replace(year=written.year - 1)
