"""Properties of the comparison over generated values (hypothesis)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tests.triage.builders import codes, opportunity, record
from triage.compare import PAIRS, find_gaps
from triage.findings import SEVERITY_ORDER
from triage.names import CONNECTORS, LEGAL_FORMS, same_entity
from triage.policy import DEFAULT_POLICY

TOLERANCE = Decimal(str(DEFAULT_POLICY.thresholds.amount_tolerance_pct)) / 100
PAIR_FIELDS = [pair.field for pair in PAIRS]
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=10).filter(
    lambda word: word not in LEGAL_FORMS | CONNECTORS | {"the"}
)
SUFFIXES = st.sampled_from(
    ["", " Inc.", ", Inc.", " Corp.", " Corporation", " LLC", " L.L.C.", " Ltd", " GmbH"]
)
CENTS = Decimal("0.01")


@given(
    crm_amount=st.decimals(min_value=1000, max_value=10**9, places=2),
    delta_pct=st.decimals(min_value=-3, max_value=3, places=3),
)
def test_amounts_mismatch_exactly_beyond_the_tolerance(crm_amount: Decimal, delta_pct: Decimal) -> None:
    amount = (crm_amount * (1 + delta_pct / 100)).quantize(CENTS)
    document = record((), billing_model="fixed_fee", total_contract_value=amount)
    found = codes(
        find_gaps(document, opportunity(amount=crm_amount, billing_type="fixed_fee"), DEFAULT_POLICY)
    )
    beyond = abs(amount - crm_amount) > crm_amount * TOLERANCE
    assert found == ([("VALUE_MISMATCH", "total_contract_value")] if beyond else [])


@given(
    document_nulls=st.sets(st.sampled_from(PAIR_FIELDS)),
    crm_nulls=st.sets(st.sampled_from(PAIR_FIELDS)),
)
def test_nulls_raise_missing_on_one_side_and_nothing_on_both(
    document_nulls: set[str], crm_nulls: set[str]
) -> None:
    crm_names = {pair.field: pair.crm_field for pair in PAIRS}
    document = record(values=dict.fromkeys(document_nulls))
    crm = opportunity(**{crm_names[field]: None for field in crm_nulls})
    expected = [("MISSING_IN_DOCUMENT", field) for field in document_nulls - crm_nulls]
    expected += [("MISSING_IN_CRM", field) for field in crm_nulls - document_nulls]
    assert sorted(codes(find_gaps(document, crm, DEFAULT_POLICY))) == sorted(expected)


@given(words=st.lists(WORDS, min_size=1, max_size=4), first=SUFFIXES, second=SUFFIXES)
def test_a_name_matches_its_own_variants(words: list[str], first: str, second: str) -> None:
    name = " ".join(words)
    assert same_entity(name.title() + first, name.upper() + second, DEFAULT_POLICY.thresholds.name_match)


@given(words=st.lists(WORDS, min_size=1, max_size=4), extra=WORDS, form=SUFFIXES)
def test_a_name_with_another_distinctive_word_is_another_entity(
    words: list[str], extra: str, form: str
) -> None:
    name = " ".join(words)
    assert not same_entity(f"{name} {extra}", name + form, DEFAULT_POLICY.thresholds.name_match)


@given(
    signed=st.booleans(),
    terms=st.sampled_from([0, 30, 45, 60, 90]),
    crm_terms=st.sampled_from([None, 30, 60]),
    contract_number=st.sampled_from([None, "SOW-1"]),
    account=st.sampled_from(["Northwind Health", "Southwind Health", None]),
)
def test_exceptions_are_deterministic_and_most_severe_first(
    signed: bool, terms: int, crm_terms: int | None, contract_number: str | None, account: str | None
) -> None:
    document = record(signed=signed, payment_terms_days=terms, contract_number=contract_number)
    crm = opportunity(payment_terms_days=crm_terms, account_name=account)
    found = find_gaps(document, crm, DEFAULT_POLICY)
    assert found == find_gaps(document, crm, DEFAULT_POLICY)
    ranks = [SEVERITY_ORDER[gap.severity] for gap in found]
    assert ranks == sorted(ranks)
    assert len({(gap.code, gap.field) for gap in found}) == len(found)
