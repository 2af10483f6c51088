"""SOW + CRM pairs with one seeded discrepancy each, and the gaps `handoff check` must report for it.

Every pair starts from a clean SOW — `evals.sow.generate_spec(…, document_type="sow")` signed, T&M capped, no
mistyped or open end date, payment terms at most Net 45 (longer terms are set to Net 30 in the spec) — and the
CRM's agreeing view of its truth. Then one discrepancy of KINDS is seeded:
- on the CRM side, by editing the opportunity built from the truth;
- on the document side, by a generator override (billing model, cap, signature state) or by an edit of the
  spec before rendering (payment terms, a milestone amount). The spec is the single source of the PDF and of
  its truth, so the two still agree.
`expected` lists the (code, field) pairs the discrepancy must raise; a clean pair and the tolerated kinds
(amount within 0.5 %, a name variant) expect none. Pure: `build_pair(seed, kind, index)` is a function of its
arguments.
"""

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Final

from evals.sow import SIGNATURE_STATES, SowSpec, generate_spec, truth
from evals.sow.content import CLIENT_INDUSTRIES, REGIONS
from models.crm import CrmOpportunity

Gap = tuple[str, str]  # (exception code, record field)

# Pages a scanned pair has rasterised (1-based, -1 = the signature page): OCR then reads them.
SCAN_LAYOUTS: Final = ((1,), (-1,), (1, -1))
STANDARD_TERMS_DAYS: Final = 45
CLEAN_TERMS_DAYS: Final = 30
# CRM field → the record field it is compared with (spec §2–3).
CRM_TO_RECORD: Final = {
    "account_name": "client_name",
    "amount": "total_contract_value",
    "currency": "currency",
    "start_date": "start_date",
    "end_date": "end_date",
    "billing_type": "billing_model",
    "payment_terms_days": "payment_terms_days",
}
CURRENCIES: Final = ("USD", "EUR", "GBP", "CAD", "AUD", "CHF")
LEGAL_SUFFIXES: Final = tuple(
    sorted({suffix for region in REGIONS for suffix in region.suffixes}, key=len, reverse=True)
)
# How a CRM user writes the same legal form: abbreviated, spelled out, or without dots.
SUFFIX_SPELLINGS: Final = {
    "Inc.": "Incorporated",
    "Corp.": "Corporation",
    "Corporation": "Corp",
    "Ltd": "Limited",
    "Ltd.": "Limited",
    "Limited": "Ltd.",
    "Pty Ltd": "Pty. Limited",
    "LLC": "L.L.C.",
    "S.A.": "SA",
    "B.V.": "BV",
    "plc": "PLC",
}


@dataclass(frozen=True)
class Pair:
    pair_id: str
    kind: str
    side: str  # "crm", "document" or "none": where the discrepancy was seeded
    seeded: str  # what was changed, in words
    spec: SowSpec
    values: dict[str, Any]  # the document's truth (evals.sow truth format)
    opportunity: CrmOpportunity
    expected: frozenset[Gap]
    scanned_pages: tuple[int, ...]  # pages rendered as image-only scans (1-based, -1 = last)


@dataclass
class Draft:
    """A pair being built: the spec, the CRM fields, what was seeded and the gaps it must raise."""

    spec: SowSpec
    crm: dict[str, Any]
    seeded: str = "nothing: the CRM agrees with the document"
    expected: frozenset[Gap] = frozenset()


def clean_spec(spec_seed: int, **overrides: Any) -> SowSpec:
    """A SOW no document rule fires on (unless an override asks for it)."""
    settings: dict[str, Any] = {
        "document_type": "sow",
        "signature_state": "signed",
        "capped": True,
        "end_date_mistyped": False,
        "open_ended": False,
    }
    spec = generate_spec(spec_seed, **(settings | overrides))
    terms = spec.payment_terms_days
    if terms is not None and terms > STANDARD_TERMS_DAYS:
        spec = spec.model_copy(update={"payment_terms_days": CLEAN_TERMS_DAYS})
    return spec


def agreeing_crm(values: dict[str, Any], opportunity_id: str) -> dict[str, Any]:
    start = values["start_date"]
    return {
        "opportunity_id": opportunity_id,
        "account_name": values["client_name"],
        "amount": values["total_contract_value"],
        "currency": values["currency"],
        "close_date": (date.fromisoformat(start) - timedelta(days=14)).isoformat() if start else None,
        "start_date": start,
        "end_date": values["end_date"],
        "billing_type": values["billing_model"],
        "payment_terms_days": values["payment_terms_days"],
        "stage": "Closed Won",
        "customer_tier": "enterprise",
        "expected_margin_pct": 30.0,
    }


def _values(spec: SowSpec) -> dict[str, Any]:
    return {name: value for name, value in truth(spec).items() if not name.startswith("_")}


def _shifted(iso: str, days: int) -> str:
    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


def _legal_suffix(name: str) -> str | None:
    return next((suffix for suffix in LEGAL_SUFFIXES if name.endswith(f" {suffix}")), None)


# --- CRM side -------------------------------------------------------------------------------------------


def value_minus_10pct(draft: Draft, rng: random.Random) -> None:
    amount = Decimal(str(draft.crm["amount"]))
    draft.crm["amount"] = float((amount / Decimal("0.9")).quantize(Decimal("0.01")))
    draft.seeded = f"CRM amount {draft.crm['amount']:.2f}: the document's total is 10 % below it"
    draft.expected = frozenset({("VALUE_MISMATCH", "total_contract_value")})


def value_within_tolerance(draft: Draft, rng: random.Random) -> None:
    factor = 1 + rng.choice((-1, 1)) * rng.uniform(0.0005, 0.0045)
    draft.crm["amount"] = round(draft.crm["amount"] * factor, 2)
    draft.seeded = f"CRM amount {draft.crm['amount']:.2f}, within 0.5 % of the document's total"


def name_variant(draft: Draft, rng: random.Random) -> None:
    name: str = draft.crm["account_name"]
    suffix = _legal_suffix(name)
    variants = [name.upper(), name.replace(",", "").replace(".", "")]
    if suffix is not None:
        variants.append(name.removesuffix(f" {suffix}").rstrip(","))
        if suffix in SUFFIX_SPELLINGS:
            variants.append(f"{name.removesuffix(suffix)}{SUFFIX_SPELLINGS[suffix]}")
    draft.crm["account_name"] = rng.choice(variants)
    draft.seeded = f"CRM account {draft.crm['account_name']!r}: the same company written differently"


def different_entity(draft: Draft, rng: random.Random) -> None:
    name: str = draft.crm["account_name"]
    industry = next((word for word in CLIENT_INDUSTRIES if f" {word}" in name), None)
    if industry is not None and rng.random() < 0.5:
        sibling = rng.choice([word for word in CLIENT_INDUSTRIES if word != industry])
        other = name.replace(f" {industry}", f" {sibling}", 1)
    else:
        other = name
        while other.split()[0] == name.split()[0]:
            other = generate_spec(rng.randrange(10**9)).client.legal_name
    draft.crm["account_name"] = other
    draft.seeded = f"CRM account {other!r}: another company"
    draft.expected = frozenset({("VALUE_MISMATCH", "client_name")})


def dates_shifted(draft: Draft, rng: random.Random) -> None:
    start_days = rng.choice((-1, 1)) * rng.randint(7, 60)
    end_days = rng.choice((-1, 1)) * rng.randint(14, 90)
    draft.crm["start_date"] = _shifted(draft.crm["start_date"], start_days)
    draft.crm["end_date"] = _shifted(draft.crm["end_date"], end_days)
    draft.seeded = f"CRM start {start_days:+d} days, end {end_days:+d} days"
    draft.expected = frozenset({("VALUE_MISMATCH", "start_date"), ("VALUE_MISMATCH", "end_date")})


def currency_differs(draft: Draft, rng: random.Random) -> None:
    draft.crm["currency"] = rng.choice([code for code in CURRENCIES if code != draft.crm["currency"]])
    draft.seeded = f"CRM currency {draft.crm['currency']} (the amount is the same number)"
    draft.expected = frozenset({("VALUE_MISMATCH", "currency")})


def crm_fields_missing(draft: Draft, rng: random.Random) -> None:
    stated = [name for name in CRM_TO_RECORD if draft.crm[name] is not None]
    emptied = rng.sample(stated, rng.randint(1, 2))
    for name in emptied:
        draft.crm[name] = None
    draft.seeded = f"CRM without {', '.join(emptied)}"
    draft.expected = frozenset(("MISSING_IN_CRM", CRM_TO_RECORD[name]) for name in emptied)


# --- document side --------------------------------------------------------------------------------------


def long_payment_terms(spec: SowSpec, rng: random.Random) -> tuple[SowSpec, str, frozenset[Gap]]:
    days = rng.choice((60, 90))
    gaps = frozenset({("NONSTANDARD_PAYMENT_TERMS", "payment_terms_days")})
    return spec.model_copy(update={"payment_terms_days": days}), f"document terms Net {days}", gaps


def milestone_sum_off(spec: SowSpec, rng: random.Random) -> tuple[SowSpec, str, frozenset[Gap]]:
    """The first milestone's amount changed; the document still states the fee it had before."""
    first, *others = spec.fees.milestones
    assert first.amount is not None  # milestone billing prices every milestone
    factor = Decimal(str(1 + rng.choice((-1, 1)) * rng.uniform(0.05, 0.25)))
    changed = first.model_copy(update={"amount": (first.amount * factor / 100).quantize(Decimal(1)) * 100})
    fees = spec.fees.model_copy(update={"milestones": (changed, *others), "total_stated": True})
    seeded = f"first milestone {first.amount} → {changed.amount}; the stated fee stays {spec.fees.total}"
    return (
        spec.model_copy(update={"fees": fees}),
        seeded,
        frozenset({("MILESTONE_SUM_MISMATCH", "milestones")}),
    )


def uncapped_time_and_materials(spec: SowSpec, rng: random.Random) -> tuple[SowSpec, str, frozenset[Gap]]:
    seeded = f"document bills time and materials on an estimate of {spec.fees.total}, without a cap"
    return spec, seeded, frozenset({("UNCAPPED_TIME_AND_MATERIALS", "not_to_exceed")})


def unsigned(spec: SowSpec, rng: random.Random) -> tuple[SowSpec, str, frozenset[Gap]]:
    blocks = "; ".join(
        f"{block.party} {'named' if block.signer_name else 'no name'}, "
        f"{'dated' if block.signed_on else 'no date'}"
        for block in spec.signatures
    )
    return spec, f"document signature blocks: {blocks}", frozenset({("UNSIGNED", "signed")})


CrmEdit = Callable[[Draft, random.Random], None]
DocumentEdit = Callable[[SowSpec, random.Random], tuple[SowSpec, str, frozenset[Gap]]]


def _no_overrides(rng: random.Random) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Kind:
    side: str
    crm_edit: CrmEdit | None = None
    document_edit: DocumentEdit | None = None
    overrides: Callable[[random.Random], dict[str, Any]] = _no_overrides  # generator overrides


KINDS: Final[dict[str, Kind]] = {
    "agree": Kind("none"),
    "value_minus_10pct": Kind("crm", crm_edit=value_minus_10pct),
    "value_within_0_5pct": Kind("crm", crm_edit=value_within_tolerance),
    "name_variant": Kind("crm", crm_edit=name_variant),
    "different_entity": Kind("crm", crm_edit=different_entity),
    "dates_shifted": Kind("crm", crm_edit=dates_shifted),
    "currency_differs": Kind("crm", crm_edit=currency_differs),
    "crm_fields_missing": Kind("crm", crm_edit=crm_fields_missing),
    "net_60_90": Kind("document", document_edit=long_payment_terms),
    "uncapped_time_and_materials": Kind(
        "document",
        document_edit=uncapped_time_and_materials,
        overrides=lambda rng: {"billing_model": "time_and_materials", "capped": False},
    ),
    "unsigned": Kind(
        "document",
        document_edit=unsigned,
        overrides=lambda rng: {"signature_state": rng.choice(SIGNATURE_STATES[1:])},
    ),
    "milestone_sum_off": Kind(
        "document", document_edit=milestone_sum_off, overrides=lambda rng: {"billing_model": "milestone"}
    ),
}
# Kinds that seed nothing `handoff check` may report: every exception on them is a false positive.
AGREEING_KINDS: Final = frozenset(name for name, kind in KINDS.items() if kind.side == "none") | {
    "value_within_0_5pct",
    "name_variant",
}


def build_pair(seed: int, kind_name: str, index: int, scanned_share: float = 0.0) -> Pair:
    """Pair `index` of `kind_name` in the eval of `seed`; `scanned_share` of the pairs have scanned pages."""
    kind = KINDS[kind_name]
    rng = random.Random(f"evals.check-{seed}-{kind_name}-{index}")  # noqa: S311 - reproducible data
    # A stream of its own: the share of scans changes which pairs are scanned, never what they contain.
    scans = random.Random(f"evals.check-scan-{seed}-{kind_name}-{index}")  # noqa: S311
    pair_id = f"check-{seed}-{kind_name}-{index:03d}"
    spec = clean_spec(rng.randrange(10**9), **kind.overrides(rng))
    seeded, expected = "", frozenset[Gap]()
    if kind.document_edit is not None:
        spec, seeded, expected = kind.document_edit(spec, rng)
    values = _values(spec)
    opportunity_id = f"006{hashlib.sha256(pair_id.encode()).hexdigest()[:12]}"
    draft = Draft(spec=spec, crm=agreeing_crm(values, opportunity_id))
    if kind.crm_edit is not None:
        kind.crm_edit(draft, rng)
        seeded, expected = draft.seeded, draft.expected
    return Pair(
        pair_id=pair_id,
        kind=kind_name,
        side=kind.side,
        seeded=seeded or draft.seeded,
        spec=spec,
        values=values,
        opportunity=CrmOpportunity.model_validate(draft.crm),
        expected=expected,
        scanned_pages=scans.choice(SCAN_LAYOUTS) if scans.random() < scanned_share else (),
    )
