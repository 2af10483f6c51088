"""The offline extraction engine: ParsedDocument → HandoffRecord, with rules over layout candidates.

No network: the document is read as lines, label/value pairs, tables, recitals and signature blocks; the
headings' meaning is read with the MiniLM model installed with the package (extraction/sections.py); a learned
chooser (extraction/total_model.py) or the rule ranker decides which amount is the total, rules or the learned
date chooser (extraction/date_model.py, HANDOFF_DATE_CHOOSER=learned) which written date is which date field;
rules pick and normalise the other fields; `ground` checks every quote.
"""

from typing import Any, TypeVar

from extraction.calibration import calibrate, shipped_calibration
from extraction.candidates.dates import DateCandidate, date_candidates
from extraction.candidates.labels import LabelValue, label_values
from extraction.candidates.recitals import party_mentions
from extraction.candidates.signatures import signature_blocks
from extraction.candidates.tables import Table, tables
from extraction.date_model import DateChooserModel, shipped_date_model
from extraction.fields import (
    billing,
    dates,
    document,
    lists,
    money,
    parties,
    people,
    schedules,
    signatures,
    terms,
)
from extraction.fields.amounts import AmountCandidate, TotalRanker, amount_candidates
from extraction.fields.base import Found, to_field
from extraction.grounding import ground
from extraction.layout import Layout
from extraction.sections import default_classifier
from extraction.settings import ExtractionSettings
from extraction.total_model import ranker_named
from models.document import ParsedDocument
from models.record import (
    Contact,
    DocumentInfo,
    DocumentType,
    ExtractorInfo,
    FieldValue,
    HandoffRecord,
    Milestone,
    RateCardItem,
    RecordFields,
    Subcontractor,
)

Item = TypeVar("Item", Milestone, RateCardItem, Subcontractor, Contact)

ENGINE_VERSION = "2"
MODEL = f"handoff-offline-{ENGINE_VERSION}"


def extract(
    doc: ParsedDocument,
    settings: ExtractionSettings | None = None,
    ranker: TotalRanker | None = None,
    date_chooser: DateChooserModel | None = None,
) -> HandoffRecord:
    """A grounded handoff record of `doc`; fields the document does not state are null. `ranker` decides
    which amount is the total (by default the one `settings.total_ranker` names); with
    `settings.date_chooser` "learned", `date_chooser` decides which written date is which date field (by
    default the shipped one)."""
    settings = settings or ExtractionSettings()
    layout = _layout(doc, settings)
    values = label_values(layout)
    found_tables = tables(layout)
    kind = document.document_type(layout)
    doc_kind = kind.value if kind else None
    chooser = ranker or ranker_named(settings.total_ranker)
    commercial = _commercial_fields(layout, values, found_tables, settings, chooser, doc_kind)
    learned = settings.date_chooser == "learned"
    contract = _contract_fields(
        layout, values, doc_kind, (date_chooser or shipped_date_model()) if learned else None
    )
    scalars = {"document_type": kind, **contract, **commercial}
    currency = commercial["currency"]
    record = HandoffRecord(
        document=DocumentInfo(
            sha256=doc.sha256,
            filename=doc.filename,
            pages=len(doc.pages),
            ocr_pages=doc.ocr_pages,
            parser=doc.parser,
        ),
        extractor=ExtractorInfo(backend="offline", model=MODEL),
        fields=RecordFields.model_validate({name: _plain(layout, found) for name, found in scalars.items()}),
        amends_contract_number=_plain(layout, document.amended_number(layout, values, doc_kind)),
        **_list_fields(layout, values, found_tables, currency.value if currency else None),
    )
    grounded = ground(record, doc)
    return calibrate(grounded, shipped_calibration()) if settings.confidence == "calibrated" else grounded


def amounts_of(
    doc: ParsedDocument, settings: ExtractionSettings | None = None
) -> tuple[tuple[AmountCandidate, ...], str | None]:
    """Every amount candidate of `doc` and the document's currency, as `extract` sees them (for training
    and evaluating the total chooser)."""
    settings = settings or ExtractionSettings()
    layout = _layout(doc, settings)
    values = label_values(layout)
    amounts = amount_candidates(
        layout, values, tables(layout), money.dollar_of(layout, settings.dollar_currency)
    )
    currency = money.currency(layout, values, amounts)
    return amounts, currency.value if currency else None


def dates_of(doc: ParsedDocument, settings: ExtractionSettings | None = None) -> tuple[DateCandidate, ...]:
    """Every date candidate of `doc` as `extract` sees it (for training and evaluating the date chooser)."""
    settings = settings or ExtractionSettings()
    layout = _layout(doc, settings)
    return date_candidates(layout, label_values(layout), signature_blocks(layout))


def _layout(doc: ParsedDocument, settings: ExtractionSettings) -> Layout:
    """The document's layout, with forms and samples appended to it (Layout.appended_forms) blanked."""
    classifier = default_classifier() if settings.sections == "semantic" else None
    order = None if settings.date_order == "auto" else settings.date_order
    layout = Layout(doc, order, classifier)
    forms = layout.appended_forms
    return Layout(doc, order, classifier, hidden=forms) if forms else layout


def _contract_fields(
    layout: Layout,
    values: tuple[LabelValue, ...],
    kind: DocumentType | None,
    chooser: DateChooserModel | None,
) -> dict[str, Found[Any] | None]:
    """Who, what and when: parties, numbers, dates, legal terms and signatures."""
    blocks = signature_blocks(layout)
    names = parties.party_names(layout, values, party_mentions(layout), blocks)
    candidates = date_candidates(layout, values, blocks) if chooser is not None else ()
    signed_on = signatures.signature_date(blocks)
    when = dates.contract_dates(layout, values, kind, candidates, chooser, signed_on)
    return {
        "contract_number": document.contract_number(layout, values),
        "project_name": document.project_name(layout, values),
        "client_name": names["client"],
        "provider_name": names["provider"],
        "effective_date": when.effective_date,
        "start_date": when.start_date,
        "end_date": when.end_date,
        "governing_law": terms.governing_law(layout, values),
        "termination_notice_days": terms.termination_notice_days(layout, values),
        "auto_renewal": terms.auto_renewal(layout, values),
        "signed": signatures.signed(layout, blocks),
        "signature_date": signed_on,
    }


def _commercial_fields(
    layout: Layout,
    values: tuple[LabelValue, ...],
    found_tables: tuple[Table, ...],
    settings: ExtractionSettings,
    ranker: TotalRanker,
    kind: DocumentType | None,
) -> dict[str, Found[Any] | None]:
    """Money: currency, total, billing model, cap, payment and expense terms."""
    amounts = amount_candidates(
        layout, values, found_tables, money.dollar_of(layout, settings.dollar_currency)
    )
    currency = money.currency(layout, values, amounts)
    code = currency.value if currency else None
    pool = money.fee_pool(amounts, code)
    model = billing.billing_model(layout, values, found_tables, pool)
    billing_model = model.value if model else None
    policy, cap = billing.expenses(layout, values, amounts)
    return {
        "currency": currency,
        "total_contract_value": money.total_value(layout, amounts, pool, billing_model, kind, ranker, code),
        "billing_model": model,
        "payment_terms_days": billing.payment_terms_days(layout, values),
        "invoice_frequency": billing.invoice_frequency(layout, values),
        "not_to_exceed": money.not_to_exceed(pool, billing_model, ranker, code),
        "expenses": policy,
        "expense_cap": cap,
    }


def _list_fields(
    layout: Layout, values: tuple[LabelValue, ...], found_tables: tuple[Table, ...], currency: str | None
) -> dict[str, Any]:
    context = schedules.Context(layout, currency)
    return {
        "milestones": _items(layout, Milestone, schedules.milestones(context, found_tables, values)),
        "rate_card": _items(layout, RateCardItem, schedules.rate_card(context, found_tables)),
        "subcontractors": _items(layout, Subcontractor, people.subcontractors(layout, found_tables)),
        "contacts": _items(layout, Contact, people.contacts(layout, found_tables, values)),
        **{name: _list(layout, lists.section_items(layout, found_tables, name)) for name in lists.SECTIONS},
    }


def _plain(layout: Layout, found: Found[Any] | None) -> dict[str, Any]:
    return to_field(layout, found).model_dump()


def _items(layout: Layout, kind: type[Item], found: list[dict[str, Found[Any] | None]]) -> tuple[Item, ...]:
    return tuple(
        kind.model_validate({key: _plain(layout, value) for key, value in item.items()}) for item in found
    )


def _list(layout: Layout, items: list[Found[str]]) -> tuple[FieldValue[str], ...]:
    return tuple(FieldValue[str].model_validate(_plain(layout, item)) for item in items)
