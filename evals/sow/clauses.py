"""The prose of a document: recitals, fee wording, payment terms and the legal clauses.

Every stated value comes from the spec through Voice; the amounts that are NOT ground truth (liability cap,
insurance limits, revised totals, tax, estimates under a cap) are placed here on purpose as distractors.
"""

import random
from decimal import Decimal

from evals.sow import content
from evals.sow.blocks import Block, Para, Terms, Voice
from evals.sow.formatting import number_words, spelled
from evals.sow.spec import SowSpec
from evals.sow.terms_text import GENERAL_TERMS
from models.record import BillingModel, DocumentType, ExpensesPolicy, InvoiceFrequency

ASSUMPTIONS_INTRO = "The Services, schedule and fees are based on the following assumptions:"
SUBCONTRACTORS_INTRO = (
    "Provider will use the following subcontractors and remains responsible for their performance:"
)
_JURISDICTIONS = {j.name: j for region in content.REGIONS for j in region.jurisdictions}
_INVOICING = {
    InvoiceFrequency.monthly: "monthly in arrears",
    InvoiceFrequency.biweekly: "every two weeks",
    InvoiceFrequency.weekly: "weekly, for the hours worked in the preceding week",
    InvoiceFrequency.quarterly: "quarterly in advance",
    InvoiceFrequency.upon_milestone: "upon completion of each milestone",
    InvoiceFrequency.upfront: "in full upon execution of {this}",
}
# Layouts of orders a government agency issues (evals.sow.layouts).
_GOVERNMENT_LAYOUTS = frozenset({"task_order", "flat_form"})
_LETTER_LAYOUTS = frozenset({"engagement_letter", "retainer_letter"})
_TAX_NAMES = {"GBP": "VAT", "EUR": "VAT", "AUD": "GST", "CAD": "HST", "CHF": "VAT", "INR": "GST"}
_CURRENCY_NAMES = {"USD": "United States dollars", "EUR": "euros", "GBP": "pounds sterling"}
_CURRENCY_NAMES |= {"CAD": "Canadian dollars", "AUD": "Australian dollars", "CHF": "Swiss francs"}
_CURRENCY_NAMES |= {"INR": "Indian rupees"}


def _party(voice: Voice, role: str) -> str:
    party = voice.spec.client if role == "Client" else voice.spec.provider
    name = voice.client if role == "Client" else voice.provider
    offices = voice.text(party.address)
    return f"{name}, {voice.text(party.entity)}, with offices at {offices} ({voice.quoted(role)})"


def recitals(voice: Voice) -> str:
    spec = voice.spec
    client, provider = _party(voice, "Client"), _party(voice, "Provider")
    if spec.document_type is DocumentType.proposal:
        valid = spec.distractors.valid_until
        expiry = f" This Proposal remains valid until {voice.day(valid)}." if valid else ""
        offer = f"{provider}, is pleased to submit this Proposal to {client}, for the Services set out below."
        return offer + expiry
    effective = voice.day(spec.effective_date) if spec.effective_date else ""
    if spec.change_order:
        co = spec.change_order
        return (
            f"This Change Order No. {co.sequence} (this {voice.quoted('Change Order')}) is entered into as "
            f"of {effective} by and between {client}, and {provider}, and amends Statement of Work "
            f"{voice.text(co.original_number)} dated {voice.day(co.original_date)} (the "
            f"{voice.quoted('SOW')}). Except as amended below, the SOW remains in full force and effect."
        )
    opening = voice.pick(
        f"This Statement of Work (this {voice.quoted('SOW')}) is entered into as of {effective} (the "
        f"{voice.quoted('Effective Date')}) by and between {client}, and {provider}.",
        f"This Statement of Work (this {voice.quoted('SOW')}) is entered into by and between {client}, and "
        f"{provider}, and is effective as of {effective} (the {voice.quoted('Effective Date')}).",
    )
    msa = spec.distractors.master_agreement_date
    if msa is None:
        return opening
    return (
        f"{opening} This SOW is issued under the Master Services Agreement between the parties dated "
        f"{voice.day(msa)} (the {voice.quoted('Agreement')}); in the event of a conflict, this SOW prevails."
    )


def background(voice: Voice, named: bool = True) -> str:
    """Why the work is done; without `named`, the project is the one the document's title names."""
    spec = voice.spec
    project = (
        f"the {voice.text(spec.project_name)} project (the {voice.quoted('Project')})"
        if named
        else f"the project named in the title of this work statement (the {voice.quoted('Project')})"
    )
    if spec.change_order:
        return (
            f"Under the SOW, Provider supports Client's {project}. The parties enter into this Change Order "
            f"because {spec.change_order.reason}. This Change Order describes the additional services and "
            "the resulting changes to the schedule and fees."
        )
    return (
        f"{voice.client} wishes to {spec.background}. Client has selected Provider to support this "
        f"initiative, referred to in {voice.this} as {project}."
    )


def scope(voice: Voice) -> str:
    return (
        f"Provider will provide the {voice.text(voice.spec.service_line.lower())} services described in this "
        f"section and in the Deliverables below (the {voice.quoted('Services')}). Provider will staff the "
        "Project with suitably qualified personnel and will name an engagement lead who will be Client's "
        "primary point of contact. Provider will report progress to Client's project sponsor every two "
        "weeks and will raise risks and issues as soon as they are identified."
    )


def schedule(voice: Voice) -> str:
    spec = voice.spec
    start = voice.day(spec.start_date) if spec.start_date else "a date agreed by the parties"
    if spec.change_order:
        extended = (
            f"is extended to {voice.day(spec.end_date)}" if spec.end_date else "is extended until completion"
        )
        original_end = voice.day(spec.change_order.original_end_date)
        return (
            f"The additional services will commence on {start}. The end date of the SOW, previously "
            f"{original_end}, {extended}."
        )
    if spec.end_date_mistyped:
        return f"The Services will commence on {start} and run for the term stated in the order form above."
    if spec.end_date is None:
        return f"The Services will commence on {start} and continue until completion of the Services."
    if spec.start_date and spec.layout in _LETTER_LAYOUTS and _variant(spec, "period"):
        return f"The Services will be performed from {start} to {voice.day(spec.end_date)}."
    return f"The Services will commence on {start} and will be completed by {voice.day(spec.end_date)}."


def unnamed_retainer(spec: SowSpec) -> bool:
    """Half the retainer letters state a fee by the month without calling it a retainer."""
    return (
        spec.fees.billing_model is BillingModel.retainer
        and spec.layout in _LETTER_LAYOUTS
        and _variant(spec, "retainer")
    )


def _variant(spec: SowSpec, name: str) -> bool:
    """A coin toss of its own for a wording variant: the rest of the document's wording is unchanged."""
    return random.Random(f"{spec.seed}-{name}").random() < 0.5  # noqa: S311 - reproducible wording


def fees(voice: Voice) -> list[str]:
    spec, fees = voice.spec, voice.spec.fees
    paragraphs = []
    if spec.change_order:
        revised = spec.change_order.original_value + fees.total
        paragraphs.append(
            f"This Change Order increases the fees under the SOW by {voice.money(fees.total)}. Following "
            f"this Change Order, the total value of the SOW is {voice.money(revised)}."
        )
    paragraphs.append(_fee_wording(voice))
    tax = _tax(voice)
    return [*paragraphs, tax] if tax else paragraphs


def _fee_wording(voice: Voice) -> str:
    fees, this = voice.spec.fees, voice.this
    model = fees.billing_model
    if model is BillingModel.fixed_fee:
        return f"For the Services, Client will pay Provider a fixed fee of {voice.money(fees.total)}."
    if model is BillingModel.milestone:
        return (
            f"The Services are provided for a fixed fee of {voice.money(fees.total)}, payable in instalments "
            "on completion of the milestones set out below."
        )
    if model is BillingModel.time_and_materials:
        return _time_and_materials(voice)
    if model is BillingModel.retainer:
        months = fees.retainer_months or 0
        total = f", for total retainer fees of {voice.money(fees.total)}" if fees.total_stated else ""
        term = "an additional term" if voice.spec.change_order else "an initial term"
        monthly = voice.money(fees.retainer_monthly_fee or Decimal(0))
        if unnamed_retainer(voice.spec):
            total = f", for total fees of {voice.money(fees.total)}" if fees.total_stated else ""
            return (
                f"Client will pay Provider a fee of {monthly} per month for {term} of {spelled(months)} "
                f"months{total}. The fee covers up to 80 hours of Services per month; additional hours are "
                "charged at the rates below."
            )
        return (
            f"Client will pay Provider a monthly retainer fee of {monthly} for {term} of {spelled(months)} "
            f"months{total}. The retainer covers up to 80 hours of Services per month; additional hours are "
            "charged at the rates below."
        )
    schedule = ", payable on the milestones below," if fees.milestones else ""
    total = (
        f" Total fees under {this} will not exceed {voice.money(fees.total)}." if fees.total_stated else ""
    )
    return (
        f"The fees under {this} comprise (a) a fixed fee of {voice.money(fees.fixed_fee or Decimal(0))} for "
        f"the implementation services{schedule} and (b) time-and-materials support at the rates below, not "
        f"to exceed {voice.money(fees.not_to_exceed or Decimal(0))}.{total}"
    )


def _time_and_materials(voice: Voice) -> str:
    fees = voice.spec.fees
    basis = "Provider will perform the Services on a time-and-materials basis at the rates set out below."
    if fees.not_to_exceed is not None:
        return (
            f"{basis} Fees under {voice.this} will not exceed {voice.money(fees.not_to_exceed)} (the "
            f"{voice.quoted('Not-to-Exceed Amount')}) without a change order signed by both parties."
        )
    estimate = voice.money(fees.time_and_materials_estimate or Decimal(0))
    return (
        f"{basis} Provider estimates the fees for the Services at {estimate}. This estimate is provided for "
        "budgeting purposes only and is not a cap on fees."
    )


def _tax(voice: Voice) -> str | None:
    spec = voice.spec
    rate = spec.distractors.tax_rate_percent
    if rate is None:
        return None
    tax = voice.money((spec.fees.total * rate / 100).quantize(Decimal("0.01")))
    name = _TAX_NAMES[spec.currency]
    return f"All fees are exclusive of {name} at {rate}% ({tax} on the fees above), invoiced in addition."


def payment(voice: Voice) -> str:
    spec = voice.spec
    sentences = []
    if spec.invoice_frequency:
        sentences.append(_invoicing(voice))
    days = spec.payment_terms_days
    if days == 0:
        sentences.append(voice.pick("Invoices are due upon receipt.", "Each invoice is payable on receipt."))
    elif days is not None:
        sentences.append(
            voice.pick(
                f"Invoices are payable within {voice.days(days)} of the invoice date.",
                f"Payment terms are Net {days} from receipt of a valid invoice.",
            )
        )
    sentences.append(_expenses(voice))
    sentences.append(f"All amounts in {voice.this} are stated in {_CURRENCY_NAMES[spec.currency]}.")
    sentences.append("Overdue amounts bear interest at 1% per month or the maximum rate permitted by law.")
    return " ".join(sentence for sentence in sentences if sentence)


def _invoicing(voice: Voice) -> str:
    """How often the provider invoices; half the government orders that are invoiced monthly say it as
    federal orders do, by the day of the next month an invoice is due ("… by the 10th day of the following
    month")."""
    spec = voice.spec
    frequency = spec.invoice_frequency
    assert frequency is not None
    rng = random.Random(f"{spec.seed}-invoicing")  # noqa: S311 - reproducible wording, not security
    if frequency is InvoiceFrequency.monthly and spec.layout in _GOVERNMENT_LAYOUTS and rng.random() < 0.5:
        day = rng.choice(("5th", "10th", "15th"))
        month = rng.choice(("following", "subsequent", "next"))
        return f"All invoices shall be submitted by the {day} day of the {month} month."
    return f"Provider will invoice {_INVOICING[frequency].format(this=voice.this)}."


def _expenses(voice: Voice) -> str:
    policy = voice.spec.expenses
    reimburse = "Client will reimburse reasonable, pre-approved travel and out-of-pocket expenses at cost"
    if policy is ExpensesPolicy.included:
        return "The fees include all travel and out-of-pocket expenses."
    if policy is ExpensesPolicy.reimbursable:
        return f"{reimburse}."
    if policy is ExpensesPolicy.reimbursable_capped:
        return f"{reimburse}, up to a maximum of {voice.money(voice.spec.expense_cap or Decimal(0))}."
    if policy is ExpensesPolicy.not_reimbursable:
        return "Travel and other expenses are not reimbursable."
    return ""


def term_and_termination(voice: Voice) -> str:
    spec, this, short = voice.spec, voice.this, voice.short
    until = "the End Date stated above" if spec.end_date else "the completion of the Services"
    sentences = [
        f"This {short} remains in effect until {until} unless terminated earlier.",
        f"Either party may terminate {this} if the other party materially breaches it and fails to cure the "
        f"breach within {voice.days(30)} after written notice.",
    ]
    notice = spec.termination_notice_days
    if notice is not None:
        period = (
            f"{spelled(notice // 30)} months'"
            if spec.termination_notice_in_months
            else f"{spelled(notice)} days'"
        )
        sentences.append(
            f"Either party may terminate {this} for convenience upon {period} prior written notice."
        )
    if spec.auto_renewal:
        months = number_words(spec.renewal_term_months)
        sentences.append(
            f"At the end of the initial term, {this} renews automatically for successive {months}-month "
            f"periods unless either party gives notice of non-renewal at least {voice.days(60)} before the "
            "renewal date."
        )
    elif spec.auto_renewal is False:
        sentences.append(
            f"This {short} does not renew automatically; any extension requires a signed change order."
        )
    return " ".join(sentences)


def governing_law(voice: Voice) -> str | None:
    if voice.spec.governing_law is None:
        return None
    jurisdiction = _JURISDICTIONS[voice.spec.governing_law]
    return (
        f"This {voice.short} is governed by {jurisdiction.laws_of}, without regard to its conflict-of-laws "
        f"rules. Each party submits to the exclusive jurisdiction of {jurisdiction.courts}."
    )


def body_clauses(voice: Voice) -> list[tuple[str, list[Block]]]:
    spec, this = voice.spec, voice.this
    liability = voice.money(spec.distractors.liability_cap)
    insurance = voice.money(spec.distractors.insurance_limit)
    sections: list[tuple[str, list[Block]]] = [
        ("Acceptance", [Para(
            f"Client will review each Deliverable within {spelled(spec.acceptance_days)} business days of "
            "delivery and either accept it in writing or describe in reasonable detail how it fails to "
            f"conform to {this}. A Deliverable not rejected within that period is deemed accepted."
        )]),
        ("Change Control", [Para(
            "Either party may request a change to the Services, schedule or fees by a written change "
            "request. Provider will assess the impact of each request within five business days. No change "
            "is binding until both parties sign a change order."
        )]),
    ]  # fmt: skip
    if spec.style.legal_terms_in_body:
        sections.append(("Term and Termination", [Para(term_and_termination(voice))]))
    sections += [
        ("Confidentiality", [Para(
            "Each party will keep the other party's Confidential Information confidential, use it only to "
            f"perform {this} and disclose it only to personnel who need to know it. These obligations "
            f"survive for {spelled(5)} years after termination."
        )]),
        ("Limitation of Liability", [Para(
            "Except for breaches of confidentiality, indemnification obligations, gross negligence or "
            f"wilful misconduct, each party's total liability arising out of {this} will not exceed "
            f"{liability}. Neither party is liable for indirect, incidental or consequential damages, or for "
            "lost profits."
        )]),
        ("Insurance", [Para(
            "Provider will maintain commercial general liability insurance with limits of not less than "
            f"{insurance} per occurrence, professional indemnity insurance of not less than {insurance} in "
            "the aggregate, and workers' compensation insurance as required by law."
        )]),
    ]  # fmt: skip
    law = governing_law(voice)
    if spec.style.legal_terms_in_body and law:
        sections.append(("Governing Law", [Para(law)]))
    return sections


def general_terms(voice: Voice) -> Terms:
    """The two-column general terms; they carry term, renewal and governing law when the body does not."""
    names = {"this": voice.this, "This": f"This {voice.short}"}
    terms = [(title, text.format_map(names)) for title, text in GENERAL_TERMS]
    if not voice.spec.style.legal_terms_in_body:
        terms.insert(7, ("Term and Termination", term_and_termination(voice)))
        law = governing_law(voice)
        if law:
            terms.insert(len(terms) - 3, ("Governing Law", law))
    numbered = tuple((f"{number}. {title}", text) for number, (title, text) in enumerate(terms, 1))
    return Terms("GENERAL TERMS AND CONDITIONS", numbered)


def signature_intro(voice: Voice) -> str:
    if voice.spec.document_type is DocumentType.proposal:
        return (
            "ACCEPTED AND AGREED. By signing below, Client accepts this Proposal and authorises Provider to "
            "begin the Services on the terms set out above."
        )
    return (
        f"IN WITNESS WHEREOF, the parties have caused this {voice.short} to be executed by their duly "
        "authorised representatives."
    )
