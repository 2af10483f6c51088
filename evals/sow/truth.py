"""truth(spec): the ground truth of a generated document, as HandoffRecord values (spec §1).

Same shape as ../shared/corpus/*/truth.json: flat scalar fields, then the list fields with plain values;
dates are ISO strings, amounts floats with two decimals, absent values null.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from evals.sow.spec import SowSpec

TRUTH_FORMAT = "handoff-record-values/1"


def _amount(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def is_signed(spec: SowSpec) -> bool:
    """Every signature block carries a signer name and a date (spec convention for `signed`)."""
    return all(block.signer_name and block.signed_on for block in spec.signatures)


def signature_date(spec: SowSpec) -> date | None:
    """The latest signature date present, also when only one party signed."""
    dates = [block.signed_on for block in spec.signatures if block.signed_on]
    return max(dates, default=None)


def truth(spec: SowSpec) -> dict[str, Any]:
    fees = spec.fees
    return {
        "document_type": spec.document_type.value,
        "contract_number": spec.contract_number,
        "project_name": spec.project_name,
        "client_name": spec.client.legal_name,
        "provider_name": spec.provider.legal_name,
        "effective_date": _iso(spec.effective_date),
        "start_date": _iso(spec.start_date),
        "end_date": _iso(spec.end_date),
        "currency": spec.currency,
        "total_contract_value": _amount(fees.total),
        "billing_model": fees.billing_model.value,
        "payment_terms_days": spec.payment_terms_days,
        "invoice_frequency": spec.invoice_frequency.value if spec.invoice_frequency else None,
        "not_to_exceed": _amount(fees.not_to_exceed),
        "expenses": spec.expenses.value if spec.expenses else None,
        "expense_cap": _amount(spec.expense_cap),
        "governing_law": spec.governing_law,
        "termination_notice_days": spec.termination_notice_days,
        "auto_renewal": spec.auto_renewal,
        "signed": is_signed(spec),
        "signature_date": _iso(signature_date(spec)),
        **_lists(spec),
        "_source": {"format": TRUTH_FORMAT, "generator": "evals.sow", "seed": spec.seed},
    }


def _lists(spec: SowSpec) -> dict[str, list[Any]]:
    fees = spec.fees
    return {
        "milestones": [
            {"name": item.name, "amount": _amount(item.amount), "due_date": _iso(item.due_date)}
            for item in fees.milestones
        ],
        "rate_card": [
            {
                "role": item.role,
                "rate": _amount(item.rate),
                "unit": item.unit.value,
                "currency": item.currency,
            }
            for item in fees.rate_card
        ],
        "deliverables": list(spec.deliverables),
        "assumptions": list(spec.assumptions),
        "out_of_scope": list(spec.out_of_scope),
        "subcontractors": [{"name": item.name, "scope": item.scope} for item in spec.subcontractors],
        "contacts": [
            {"name": item.name, "role": item.role, "party": item.party, "email": item.email}
            for item in spec.contacts
        ],
    }
