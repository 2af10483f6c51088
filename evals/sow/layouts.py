"""Document layouts beyond the standard SOW: the same spec (the single source of PDF and truth) laid out as
a letter of engagement, a government task order, a retainer letter, a SOW with VAT/GST summaries in UK, EU,
Indian or Australian conventions, or a SOW whose milestone table runs over several pages.

`layout_spec(seed, layout)` draws a spec for a layout: `generate_spec` with the overrides the layout needs,
then a pure edit (e.g. the client becomes a government agency, the amounts rupees, the milestones sixty
sprints). What a layout does not print (contacts, subcontractors) is removed from the spec, so `truth(spec)`
still states exactly what the document says. The standard layout is `document_blocks` unchanged: existing
seeds render the same bytes.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, Final

from evals.sow import clauses
from evals.sow.blocks import (
    Block,
    FlatForm,
    FormBox,
    Grid,
    Heading,
    KeyValues,
    Letterhead,
    Para,
    Title,
    Voice,
)
from evals.sow.formatting import MoneyStyle
from evals.sow.generator import generate_spec
from evals.sow.injection import injected_blocks
from evals.sow.sections import _bullets, _fees, _signatures, document_blocks
from evals.sow.spec import MilestoneSpec, Party, SowSpec
from models.record import BillingModel, DocumentType

AGENCIES: Final = (
    ("U.S. Department of Energy", "energy.gov", "1000 Independence Ave SW, Washington, DC 20585"),
    ("General Services Administration", "gsa.gov", "1800 F Street NW, Washington, DC 20405"),
    ("Department of Veterans Affairs", "va.gov", "810 Vermont Avenue NW, Washington, DC 20420"),
    ("State of Colorado Office of Information Technology", "state.co.us", "601 E 18th Ave, Denver, CO 80203"),
    ("City of Austin", "austintexas.gov", "301 W 2nd Street, Austin, TX 78701"),
)
INDIAN_CLIENTS: Final = (
    ("Sahyadri Logistics Private Limited", "sahyadri.in", "14 MG Road, Bengaluru 560001"),
    ("Narmada Retail Private Limited", "narmadaretail.in", "88 Nariman Point, Mumbai 400021"),
    ("Kaveri Health Services Limited", "kaverihealth.in", "5 Anna Salai, Chennai 600002"),
)
# Currency → (client region drawn for it, VAT/GST rate in %).
TAX_REGIONS: Final = {"GBP": ("GB", 20), "EUR": ("DE", 19), "AUD": ("AU", 10), "INR": ("GB", 18)}
LONG_TABLE_ROWS: Final = (45, 70)


@dataclass(frozen=True)
class Layout:
    overrides: Callable[[random.Random], dict[str, Any]]
    edit: Callable[[SowSpec, random.Random], SowSpec]
    blocks: Callable[[SowSpec], list[Block]]


def _no_lists(spec: SowSpec, _rng: random.Random) -> SowSpec:
    return spec.model_copy(update={"contacts": (), "subcontractors": ()})


def _letter_overrides(rng: random.Random) -> dict[str, Any]:
    return {"document_type": "sow", "end_date_mistyped": False}


def _retainer_overrides(rng: random.Random) -> dict[str, Any]:
    return {"document_type": "sow", "billing_model": "retainer", "end_date_mistyped": False}


def _task_order_overrides(rng: random.Random) -> dict[str, Any]:
    model = rng.choice(("fixed_fee", "milestone", "time_and_materials"))
    return {
        "document_type": "sow",
        "billing_model": model,
        "capped": True,
        "client_region": "US",
        "currency": "USD",
        "end_date_mistyped": False,
        "open_ended": False,
    }


def _agency(spec: SowSpec, rng: random.Random) -> SowSpec:
    name, domain, address = rng.choice(AGENCIES)
    agency = Party(legal_name=name, entity="a government agency", address=address, email_domain=domain)
    # a CLIN schedule prices each line and dates none: the order writes no milestone due dates
    undated = tuple(item.model_copy(update={"due_date": None}) for item in spec.fees.milestones)
    fees = spec.fees.model_copy(update={"milestones": undated})
    return _no_lists(spec, rng).model_copy(update={"client": agency, "fees": fees})


def _ordered_by_agency(spec: SowSpec, rng: random.Random) -> SowSpec:
    """An agency's order on a government form: the document is an order form."""
    return _agency(spec, rng).model_copy(update={"document_type": DocumentType.order_form})


def _tax_overrides(rng: random.Random) -> dict[str, Any]:
    currency = rng.choice(tuple(TAX_REGIONS))
    region = TAX_REGIONS[currency][0]
    return {
        "document_type": "sow",
        "client_region": region,
        "currency": "GBP" if currency == "INR" else currency,
        "_tax_currency": currency,
    }


def _taxed(spec: SowSpec, rng: random.Random, currency: str) -> SowSpec:
    rate = TAX_REGIONS[currency][1]
    distractors = spec.distractors.model_copy(update={"tax_rate_percent": rate})
    if currency != "INR":
        return spec.model_copy(update={"distractors": distractors})
    name, domain, address = rng.choice(INDIAN_CLIENTS)
    client = Party(
        legal_name=name, entity="a company incorporated under the Companies Act, 2013", address=address,
        email_domain=domain,
    )  # fmt: skip
    fees = spec.fees.model_copy(
        update={
            "rate_card": tuple(item.model_copy(update={"currency": "INR"}) for item in spec.fees.rate_card)
        }
    )
    style = spec.style.model_copy(update={"money": rng.choice((MoneyStyle.indian, MoneyStyle.code_prefix))})
    return _no_lists(spec, rng).model_copy(
        update={"client": client, "currency": "INR", "fees": fees, "style": style, "distractors": distractors}
    )


def _long_table_overrides(rng: random.Random) -> dict[str, Any]:
    return {"document_type": "sow", "billing_model": "milestone", "open_ended": False}


def _many_milestones(spec: SowSpec, rng: random.Random) -> SowSpec:
    """The same total in 45–70 weekly sprint payments; the last absorbs the rounding."""
    count = rng.randint(*LONG_TABLE_ROWS)
    total = spec.fees.total
    share = (total / count).quantize(Decimal("1"))
    amounts = [share] * (count - 1) + [total - share * (count - 1)]
    start = spec.start_date or spec.issue_date
    phases = spec.phases or ("Delivery",)
    milestones = tuple(
        MilestoneSpec(
            name=f"{phases[index * len(phases) // count]} sprint {index + 1}",
            amount=amount,
            due_date=start + timedelta(days=7 * (index + 1)),
        )
        for index, amount in enumerate(amounts)
    )
    end = max(spec.end_date or start, milestones[-1].due_date or start)
    fees = spec.fees.model_copy(update={"milestones": milestones})
    return spec.model_copy(update={"fees": fees, "end_date": end})


def _keep(spec: SowSpec, _rng: random.Random) -> SowSpec:
    return spec


def letter_blocks(spec: SowSpec) -> list[Block]:
    """A letter: no order-form box and no terms pages; every value is stated in prose or a fee table."""
    voice = Voice(spec)
    return [
        *_letter_opening(voice),
        Heading("Our understanding of your needs"),
        Para(clauses.background(voice)),
        Para(clauses.scope(voice)),
        *_scope_lists(voice, "What we will deliver", "The engagement does not include:"),
        Heading("Timing"),
        Para(clauses.schedule(voice)),
        Heading("Fees and billing"),
        *_fees(voice),
        Para(clauses.payment(voice)),
        Heading("Term, termination and governing law"),
        *_term_and_law(voice),
        Para("Please sign and return a copy of this letter to confirm your agreement. Yours faithfully,"),
        _signatures(voice),
    ]


def _letter_opening(voice: Voice) -> list[Block]:
    spec = voice.spec
    reference = f"Our reference: {voice.text(spec.contract_number)} · {voice.day(spec.issue_date)}"
    retainer = spec.fees.billing_model is BillingModel.retainer
    effective = voice.day(spec.effective_date or spec.issue_date)
    intro = (
        f"Dear {voice.client}, this letter (the {voice.quoted('Engagement Letter')}) confirms the terms on "
        f"which {voice.provider} ({voice.quoted('Provider')}) will provide "
        f"{voice.text(spec.service_line.lower())} services to {voice.client} ({voice.quoted('Client')}) for "
        f"the project {voice.quoted(voice.text(spec.project_name))}, effective {effective}."
    )
    return [
        Letterhead(voice.provider, voice.text(spec.provider.address)),
        Title(
            "RETAINER AGREEMENT"
            if retainer and not clauses.unnamed_retainer(spec)
            else "LETTER OF ENGAGEMENT",
            voice.text(spec.project_name),
            reference,
        ),
        Para(f"{voice.client}<br/>{voice.text(spec.client.address)}"),
        Para(intro),
    ]


def _scope_lists(voice: Voice, deliver_heading: str, exclusions_intro: str) -> list[Block]:
    """Deliverables, assumptions and exclusions as bullet lists (the truth's text lists)."""
    return [
        Heading(deliver_heading),
        _bullets(voice, "d"),
        Heading("Assumptions and exclusions"),
        Para(clauses.ASSUMPTIONS_INTRO),
        _bullets(voice, "a"),
        Para(exclusions_intro),
        _bullets(voice, "o"),
    ]


def _term_and_law(voice: Voice) -> list[Block]:
    law = clauses.governing_law(voice)
    return [Para(clauses.term_and_termination(voice)), *([Para(law)] if law else [])]


_ORDER_TYPES: Final = {
    BillingModel.fixed_fee: "Firm-Fixed-Price (FFP)",
    BillingModel.milestone: "Firm-Fixed-Price (FFP), payable by milestone",
    BillingModel.time_and_materials: "Time-and-Materials (T&M), ceiling price",
}


def task_order_blocks(spec: SowSpec) -> list[Block]:
    """A government task order: issuing-office block, CLIN schedule, performance work statement."""
    voice = Voice(spec)
    titled = _work_statement_title(voice)
    reference = f"Order for supplies or services · {voice.day(spec.issue_date)}"
    return [
        Letterhead(voice.client, voice.text(spec.client.address)),
        Title("TASK ORDER", "" if titled else voice.text(spec.project_name), reference),
        _task_order_box(voice),
        *_schedule_and_work_statement(
            voice, "Supplies or Services and Prices", "task order", "Section {} — ", titled
        ),
    ]


def _work_statement_title(voice: Voice) -> str | None:
    """Half the government orders name their project only in the title of the work statement ("Performance
    Work Statement for <project>", or with the agency's name before it), not in the order's boxes."""
    rng = random.Random(f"{voice.spec.seed}-pws-title")  # noqa: S311 - reproducible wording, not security
    if rng.random() < 0.5:
        return None
    project = voice.text(voice.spec.project_name)
    return rng.choice(
        (
            f"Performance Work Statement for {project}",
            f"{voice.client} Performance Work Statement (PWS) for {project}",
            f"Statement of Work: {project}",
        )
    )


def _schedule_and_work_statement(
    voice: Voice, schedule: str, order: str, numbering: str, titled: str | None
) -> list[Block]:
    """A government order's CLIN schedule, performance work statement, administration data and clauses;
    `numbering` prefixes each heading with its section letter ("Section {} — ") or with nothing (""); a
    `titled` work statement names the project in its title (and nowhere else in prose)."""

    def heading(letter: str, title: str) -> Heading:
        return Heading(numbering.format(letter) + title)

    return [
        heading("B", schedule),
        _clin_table(voice),
        heading("C", titled or "Performance Work Statement"),
        Para(clauses.background(voice, named=titled is None)),
        Para(clauses.scope(voice)),
        *_scope_lists(voice, "Deliverables", f"Excluded from this {order}:"),
        heading("F", "Deliveries or Performance"),
        Para(clauses.schedule(voice)),
        heading("G", "Contract Administration Data"),
        *(Para(text) for text in clauses.fees(voice)),
        Para(clauses.payment(voice)),
        heading("I", "Contract Clauses"),
        *_term_and_law(voice),
        _signatures(voice),
    ]


def _task_order_box(voice: Voice) -> KeyValues:
    spec, fees = voice.spec, voice.spec.fees
    start, end = spec.start_date or spec.issue_date, spec.end_date or spec.issue_date
    ceiling = fees.billing_model is BillingModel.time_and_materials
    rows = [
        ("Task Order Number", voice.text(spec.contract_number)),
        ("Issued By", voice.client),
        ("Contractor", voice.provider),
        ("Effective Date", voice.day(spec.effective_date or spec.issue_date)),
        ("Period of Performance", f"{voice.day(start)} through {voice.day(end)}"),
        ("Order Type", _ORDER_TYPES[fees.billing_model]),
        ("Total Ceiling Price" if ceiling else "Total Price", voice.money(fees.total)),
        ("Currency", spec.currency),
    ]
    days = spec.payment_terms_days
    if days is not None:
        rows.append(("Payment Terms", f"Net {days}" if days else "Due on receipt"))
    return KeyValues(tuple(rows), 2)


def _clin_table(voice: Voice) -> Grid:
    fees = voice.spec.fees
    header = ("CLIN", "Supplies / Services", "Qty", "Unit", "Amount")
    if fees.milestones:
        rows = tuple(
            # a line without a price of its own is "not separately priced" (NSP), as federal orders write it
            (
                f"{index:04d}",
                voice.text(item.name),
                "1",
                "Job",
                voice.money(item.amount) if item.amount else "NSP",
            )
            for index, item in enumerate(fees.milestones, 1)
        )
    elif fees.rate_card:
        rows = tuple(
            (
                f"{index:04d}",
                f"{voice.text(item.role)} at {voice.money(item.rate)} per {item.unit.value}",
                str(item.estimated_quantity or ""),
                item.unit.value.capitalize(),
                voice.money(item.rate * (item.estimated_quantity or 0)),
            )
            for index, item in enumerate(fees.rate_card, 1)
        )
    else:
        rows = (("0001", voice.text(voice.spec.project_name), "1", "Lot", voice.money(fees.total)),)
    footer = ("", "Total", "", "", voice.money(fees.total))
    return Grid(header, rows, footer, (0.1, 0.5, 0.08, 0.1, 0.22), (4,))


# A flattened order form's labels, several wordings each (the seed picks one), numbered as forms number
# their boxes.
_FORM_TITLES: Final = (
    "ORDER FOR SUPPLIES OR SERVICES",
    "SOLICITATION/CONTRACT/ORDER FOR COMMERCIAL PRODUCTS AND COMMERCIAL SERVICES",
)
_FORM_LABELS: Final[dict[str, tuple[str, ...]]] = {
    "number": ("ORDER NUMBER", "ORDER NO.", "CONTRACT/ORDER NO."),
    "effective": ("EFFECTIVE DATE", "AWARD/EFFECTIVE DATE", "DATE OF ORDER"),
    "client": ("ISSUED BY", "ISSUING OFFICE", "ORDERING ACTIVITY (Name and address)"),
    "provider": ("CONTRACTOR", "CONTRACTOR/OFFEROR (Name and address)", "VENDOR NAME AND ADDRESS"),
    "project": ("PROJECT TITLE", "DESCRIPTION OF REQUIREMENT", "PROGRAM/PROJECT"),
    "period": ("PERIOD OF PERFORMANCE", "PERFORMANCE PERIOD"),
    "type": ("TYPE OF ORDER", "PRICING ARRANGEMENT", "CONTRACT TYPE"),
    "total": ("TOTAL AMOUNT OF ORDER", "TOTAL AWARD AMOUNT", "TOTAL ORDER VALUE"),
    "payment": ("PAYMENT TERMS", "DISCOUNT/PAYMENT TERMS"),
    "requisition": ("REQUISITION NUMBER", "REQUISITION/PURCHASE REQUEST NO."),
    "deliver": ("DELIVER TO", "SHIP TO"),
    "accounting": ("ACCOUNTING AND APPROPRIATION DATA", "FUND CITATION"),
}


def flat_form_blocks(spec: SowSpec) -> list[Block]:
    """A government order on a form filled in and saved flat (its labels, then its values, in the content
    stream), followed by the schedule and the performance work statement."""
    voice = Voice(spec)
    titled = _work_statement_title(voice)
    rng = random.Random(f"{spec.seed}-form")  # noqa: S311 - reproducible wording, not security
    label = {key: rng.choice(wordings) for key, wordings in _FORM_LABELS.items()}
    fees, start = spec.fees, spec.start_date or spec.issue_date
    end = spec.end_date or spec.issue_date
    requisition = f"{rng.choice('ABCDEFGHJKLMNPRSTUVW')}{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"
    accounting = f"{rng.randint(1000, 9999)}-{rng.randint(100, 999)}-{rng.randint(10000, 99999)}"
    wanted = [
        ("number", spec.contract_number, 1),
        ("requisition", requisition, 1),
        ("effective", voice.day(spec.effective_date or spec.issue_date), 1),
        ("client", f"{spec.client.legal_name}\n{spec.client.address}", 1),
        ("provider", f"{spec.provider.legal_name}\n{spec.provider.address}", 1),
        *((("project", spec.project_name, 2),) if titled is None else ()),
        ("period", f"{voice.day(start)} through {voice.day(end)}", 1),
        ("type", _ORDER_TYPES[fees.billing_model], 1),
        ("deliver", "See Schedule", 1),
        ("accounting", accounting, 1),
        ("total", voice.money(fees.total), 1),
    ]
    if spec.payment_terms_days is not None:
        days = spec.payment_terms_days
        wanted.append(("payment", f"Net {days}" if days else "Due on receipt", 1))
    boxes = tuple(
        FormBox(f"{number}. {label[key]}", value, span) for number, (key, value, span) in enumerate(wanted, 1)
    )
    return [
        FlatForm(rng.choice(_FORM_TITLES), boxes, 2),
        *_schedule_and_work_statement(
            voice, "Continuation — Schedule of Supplies or Services", "order", "", titled
        ),
    ]


def tax_summary_blocks(spec: SowSpec) -> list[Block]:
    """The standard SOW with a fee summary of net fees, VAT/GST and the gross amount after its fee section."""
    blocks = document_blocks(spec)
    rate = spec.distractors.tax_rate_percent or 0
    voice = Voice(spec)
    tax = (spec.fees.total * rate / 100).quantize(Decimal("0.01"))
    name = "GST" if spec.currency in {"AUD", "INR"} else "VAT"
    rows = [("Fees (excluding " + name + ")", voice.money(spec.fees.total))]
    if spec.currency == "INR":
        half = (tax / 2).quantize(Decimal("0.01"))
        rows += [
            (f"CGST @ {rate / 2:g}%", voice.money(half)),
            (f"SGST @ {rate / 2:g}%", voice.money(tax - half)),
        ]
    else:
        rows.append((f"{name} @ {rate}%", voice.money(tax)))
    summary = Grid(
        ("Fee summary", "Amount"),
        tuple(rows),
        (f"Total including {name}", voice.money(spec.fees.total + tax)),
        (0.6, 0.4),
        (1,),
    )
    at = next(
        index
        for index, block in enumerate(blocks)
        if isinstance(block, Heading) and block.text.endswith(". Fees")
    )
    return [*blocks[: at + 1], summary, *blocks[at + 1 :]]


LAYOUTS: Final[dict[str, Layout]] = {
    "engagement_letter": Layout(_letter_overrides, _no_lists, letter_blocks),
    "retainer_letter": Layout(_retainer_overrides, _no_lists, letter_blocks),
    "task_order": Layout(_task_order_overrides, _agency, task_order_blocks),
    "flat_form": Layout(_task_order_overrides, _ordered_by_agency, flat_form_blocks),
    "vat_gst": Layout(_tax_overrides, _keep, tax_summary_blocks),
    "long_fee_table": Layout(_long_table_overrides, _many_milestones, document_blocks),
    # the standard document of the same seed, with prompt-injection text (evals.sow.injection)
    "injected": Layout(lambda _rng: {}, _keep, injected_blocks),
}


def layout_spec(seed: int, layout: str) -> SowSpec:
    """A spec drawn for `layout` (one of LAYOUTS); pure in (seed, layout)."""
    chosen = LAYOUTS[layout]
    rng = random.Random(f"{seed}-{layout}")  # noqa: S311 - reproducible documents, not security
    overrides = chosen.overrides(rng)
    tax_currency = overrides.pop("_tax_currency", None)
    spec = generate_spec(seed, **overrides)
    spec = _taxed(spec, rng, tax_currency) if tax_currency else chosen.edit(spec, rng)
    return spec.model_copy(update={"layout": layout, "doc_id": f"{layout}-{seed:05d}"})


def layout_blocks(spec: SowSpec) -> list[Block]:
    if spec.layout == "standard":
        return document_blocks(spec)
    return LAYOUTS[spec.layout].blocks(spec)


__all__ = ["LAYOUTS", "layout_blocks", "layout_spec"]
