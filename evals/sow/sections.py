"""document_blocks(spec): the cover, order form, numbered sections, terms and signatures of a document."""

from decimal import Decimal

from evals.sow import clauses
from evals.sow.blocks import (
    Block,
    Bullets,
    Grid,
    Heading,
    KeyValues,
    Letterhead,
    Para,
    SignatureCell,
    Signatures,
    Title,
    Voice,
)
from evals.sow.detail import detail_sections
from evals.sow.fees import rate_card_estimate
from evals.sow.spec import MilestoneSpec, RateSpec, SignatureBlock, SowSpec
from models.record import BillingModel, DocumentType

_BILLING_LABELS = {
    BillingModel.fixed_fee: "Fixed Fee",
    BillingModel.milestone: "Fixed Fee, payable by milestone",
    BillingModel.time_and_materials: "Time and Materials",
    BillingModel.retainer: "Monthly Retainer",
    BillingModel.mixed: "Fixed Fee plus Time and Materials",
}
_TITLES = {
    DocumentType.sow: "STATEMENT OF WORK",
    DocumentType.change_order: "CHANGE ORDER NO. {sequence}",
    DocumentType.proposal: "PROPOSAL FOR PROFESSIONAL SERVICES",
}
_UNITS = {"hour": "hours", "day": "days", "week": "weeks", "month": "months"}


def document_blocks(spec: SowSpec) -> list[Block]:
    voice = Voice(spec)
    blocks: list[Block] = [*_cover(voice), _order_form(voice)]
    for number, (title, body) in enumerate(_numbered_sections(voice), 1):
        blocks.append(Heading(f"{number}. {title}"))
        blocks.extend(body)
    blocks.append(clauses.general_terms(voice))
    blocks.append(_signatures(voice))
    return blocks


def _cover(voice: Voice) -> list[Block]:
    spec = voice.spec
    sequence = spec.change_order.sequence if spec.change_order else 0
    title = Title(
        text=_TITLES[spec.document_type].format(sequence=sequence),
        subtitle=voice.text(spec.project_name),
        reference=" · ".join(
            (f"{voice.number_label} {voice.text(spec.contract_number)}", voice.day(spec.issue_date))
        ),
    )
    return [
        Letterhead(voice.provider, voice.text(spec.provider.address)),
        title,
        Para(clauses.recitals(voice)),
    ]


def _order_form(voice: Voice) -> KeyValues:
    spec, fees = voice.spec, voice.spec.fees
    rows = [("Client", voice.client), ("Provider", voice.provider)]
    rows.append((voice.number_label, voice.text(spec.contract_number)))
    if spec.change_order:
        rows.append(("Amends SOW", voice.text(spec.change_order.original_number)))
    if spec.client_po and spec.document_type is not DocumentType.proposal:
        rows.append(("Client PO Number", spec.client_po))
    rows.append(("Project", voice.text(spec.project_name)))
    if spec.effective_date:
        rows.append(("Effective Date", voice.day(spec.effective_date)))
    if spec.start_date:
        label = "Proposed Start Date" if spec.document_type is DocumentType.proposal else "Start Date"
        rows.append((label, voice.day(spec.start_date)))
    end_label = "Revised End Date" if spec.change_order else "End Date"
    rows.append((end_label, voice.day(spec.end_date) if spec.end_date else "Upon completion of the Services"))
    capped = (
        " (capped)" if fees.billing_model is BillingModel.time_and_materials and fees.not_to_exceed else ""
    )
    rows.append(("Billing Model", _BILLING_LABELS[fees.billing_model] + capped))
    rows.extend(_total_rows(voice))
    rows.append(("Currency", spec.currency))
    if spec.payment_terms_days is not None:
        terms = "Due on receipt" if spec.payment_terms_days == 0 else f"Net {spec.payment_terms_days}"
        rows.append(("Payment Terms", terms))
    return KeyValues(tuple(rows), spec.style.order_form_columns)


def _total_rows(voice: Voice) -> list[tuple[str, str]]:
    spec, fees = voice.spec, voice.spec.fees
    rows = []
    if fees.retainer_monthly_fee:
        rows.append(("Monthly Retainer Fee", voice.money(fees.retainer_monthly_fee)))
    if spec.change_order:
        rows.append(("Original SOW Value", voice.money(spec.change_order.original_value)))
        rows.append(("Change Order Amount", voice.money(fees.total)))
        rows.append(("Revised Contract Value", voice.money(spec.change_order.original_value + fees.total)))
        return rows
    if not fees.total_stated:
        return rows
    if fees.billing_model is BillingModel.time_and_materials:
        label = "Not-to-Exceed Amount" if fees.not_to_exceed else "Estimated Fees"
    elif fees.billing_model is BillingModel.retainer:
        label = "Total Retainer Fees (Initial Term)"
    else:
        label = voice.pick("Total Contract Value", "Total Fees")
    rows.append((label, voice.money(fees.total)))
    return rows


def _numbered_sections(voice: Voice) -> list[tuple[str, list[Block]]]:
    spec = voice.spec
    details = dict(detail_sections(voice, spec.detail_sections))
    approach = details.pop("Approach", None)
    sections: list[tuple[str, list[Block]]] = [
        ("Background", [Para(clauses.background(voice))]),
        ("Scope of Services", [Para(clauses.scope(voice))]),
    ]
    if approach:
        sections.append(("Approach", approach))
    sections += [
        (
            "Deliverables",
            [Para(f"Provider will deliver the following under {voice.this}:"), _bullets(voice, "d")],
        ),
        ("Assumptions", [Para(clauses.ASSUMPTIONS_INTRO), _bullets(voice, "a")]),
        ("Out of Scope", [Para(f"The following are not included in {voice.this}:"), _bullets(voice, "o")]),
        ("Project Schedule", _schedule(voice)),
        ("Fees", _fees(voice)),
        ("Payment Terms and Invoicing", [Para(clauses.payment(voice))]),
    ]
    if spec.subcontractors:
        rows = tuple((voice.text(item.name), voice.text(item.scope)) for item in spec.subcontractors)
        intro = Para(clauses.SUBCONTRACTORS_INTRO)
        sections.append(("Subcontractors", [intro, Grid(("Subcontractor", "Scope"), rows, None, (0.4, 0.6))]))
    contact_rows = tuple(
        (voice.text(c.name), voice.text(c.role), c.party.capitalize(), voice.text(c.email))
        for c in spec.contacts
    )
    contacts = Grid(("Name", "Role", "Party", "Email"), contact_rows, None, (0.23, 0.25, 0.12, 0.40))
    sections.append(("Project Contacts", [contacts]))
    sections.extend(details.items())
    sections.extend(clauses.body_clauses(voice))
    return sections


def _bullets(voice: Voice, which: str) -> Bullets:
    items = {"d": voice.spec.deliverables, "a": voice.spec.assumptions, "o": voice.spec.out_of_scope}[which]
    return Bullets(tuple(voice.text(item) for item in items))


def _schedule(voice: Voice) -> list[Block]:
    spec = voice.spec
    blocks: list[Block] = [Para(clauses.schedule(voice))]
    milestones = spec.fees.milestones
    if milestones and all(item.amount is None for item in milestones):
        rows = tuple((str(i), voice.text(m.name), _due(voice, m)) for i, m in enumerate(milestones, 1))
        blocks.append(Grid(("No.", "Milestone", "Target Date"), rows, None, (0.1, 0.6, 0.3)))
    return blocks


def _due(voice: Voice, milestone: MilestoneSpec) -> str:
    return voice.day(milestone.due_date) if milestone.due_date else "Upon final acceptance"


def _fees(voice: Voice) -> list[Block]:
    fees = voice.spec.fees
    blocks: list[Block] = [Para(text) for text in clauses.fees(voice)]
    priced = tuple(item for item in fees.milestones if item.amount is not None)
    if priced:
        blocks.append(_milestone_table(voice, priced))
    if fees.rate_card:
        blocks.append(_rate_table(voice, fees.rate_card))
    return blocks


def _milestone_table(voice: Voice, milestones: tuple[MilestoneSpec, ...]) -> Grid:
    rows = tuple(
        (str(i), voice.text(m.name), _due(voice, m), voice.money(m.amount or Decimal(0)))
        for i, m in enumerate(milestones, 1)
    )
    total = sum((m.amount or Decimal(0) for m in milestones), Decimal(0))
    label = "Total fixed fee" if voice.spec.fees.billing_model is BillingModel.mixed else "Total"
    footer = ("", label, "", voice.money(total))
    return Grid(("No.", "Milestone", "Due Date", "Amount"), rows, footer, (0.08, 0.47, 0.22, 0.23), (3,))


def _rate_table(voice: Voice, rate_card: tuple[RateSpec, ...]) -> Grid:
    if rate_card[0].estimated_quantity is None:
        plain = tuple((voice.text(r.role), voice.money(r.rate), f"per {r.unit.value}") for r in rate_card)
        return Grid(("Role", "Rate", "Unit"), plain, None, (0.5, 0.3, 0.2), (1,))
    rows = tuple(
        (
            voice.text(r.role),
            voice.money(r.rate),
            f"per {r.unit.value}",
            f"{r.estimated_quantity} {_UNITS[r.unit.value]}",
            voice.money(r.rate * (r.estimated_quantity or 0)),
        )
        for r in rate_card
    )
    footer = ("Estimated total", "", "", "", voice.money(rate_card_estimate(rate_card)))
    header = ("Role", "Rate", "Unit", "Estimate", "Extended")
    return Grid(header, rows, footer, (0.3, 0.18, 0.14, 0.16, 0.22), (1, 4))


def _signatures(voice: Voice) -> Signatures:
    return Signatures(
        clauses.signature_intro(voice), tuple(_signature_cell(voice, b) for b in voice.spec.signatures)
    )


def _signature_cell(voice: Voice, block: SignatureBlock) -> SignatureCell:
    blank = "_" * 26
    party = voice.spec.client if block.party == "client" else voice.spec.provider
    name = voice.text(block.signer_name) if block.signer_name else ""
    if block.signed_on and block.electronic:
        signature = f"/s/ {name}"
    elif block.signed_on:
        signature = f"<i>{name}</i>"
    else:
        signature = blank
    return SignatureCell(
        party_label=block.party.upper(),
        legal_name=voice.text(party.legal_name),
        signature=signature,
        name=name or blank,
        title=voice.text(block.signer_title) if block.signer_title else blank,
        date=voice.day(block.signed_on) if block.signed_on else blank,
    )
