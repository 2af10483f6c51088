"""The policy file: documented defaults, partial overrides merged over them, invalid files refused by code."""

from pathlib import Path

import pytest

from models.exceptions import ExceptionCode, Severity
from tests.triage.builders import codes, opportunity, record
from triage.compare import find_gaps
from triage.errors import InvalidPolicy
from triage.policy import DEFAULT_POLICY, load_policy, merged


def policy_file(tmp_path: Path, text: str, name: str = "policy.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_defaults_are_those_documented() -> None:
    assert load_policy() == DEFAULT_POLICY
    thresholds = DEFAULT_POLICY.thresholds
    assert thresholds.amount_tolerance_pct == 0.5
    assert thresholds.standard_payment_terms_days == 45
    assert DEFAULT_POLICY.low_confidence.threshold == 0.6
    assert all(DEFAULT_POLICY.enabled(code) for code in ExceptionCode)
    assert {severity: DEFAULT_POLICY.sla_of(severity) for severity in Severity} == {
        Severity.blocker: 24,
        Severity.high: 48,
        Severity.medium: 120,
        Severity.low: 240,
    }


@pytest.mark.parametrize(
    ("code", "field", "team"),
    [
        (ExceptionCode.VALUE_MISMATCH, "total_contract_value", "finance"),
        (ExceptionCode.VALUE_MISMATCH, "billing_model", "finance"),
        (ExceptionCode.NONSTANDARD_PAYMENT_TERMS, "payment_terms_days", "finance"),
        (ExceptionCode.UNSIGNED, "signed", "legal"),
        (ExceptionCode.VALUE_MISMATCH, "governing_law", "legal"),
        (ExceptionCode.VALUE_MISMATCH, "start_date", "pmo"),
        (ExceptionCode.MILESTONE_SUM_MISMATCH, "milestones", "pmo"),
        (ExceptionCode.MISSING_IN_CRM, "total_contract_value", "sales_ops"),
        (ExceptionCode.VALUE_MISMATCH, "project_name", "pmo"),
    ],
)
def test_owner_team_by_code_then_field_then_default(code: ExceptionCode, field: str, team: str) -> None:
    assert DEFAULT_POLICY.owner_of(code, field) == team


def test_severity_by_field_then_code_then_default() -> None:
    assert (
        DEFAULT_POLICY.severity_of(ExceptionCode.VALUE_MISMATCH, "total_contract_value") is Severity.blocker
    )
    assert DEFAULT_POLICY.severity_of(ExceptionCode.VALUE_MISMATCH, "end_date") is Severity.medium
    assert DEFAULT_POLICY.severity_of(ExceptionCode.UNSIGNED, "signed") is Severity.blocker


def test_a_policy_file_overrides_only_what_it_states(tmp_path: Path) -> None:
    policy = load_policy(
        policy_file(
            tmp_path,
            """
[thresholds]
standard_payment_terms_days = 60

[rules]
UNSIGNED = false

[owners.fields]
signed = "contracts_desk"

[sla_hours]
blocker = 8
""",
        )
    )
    assert policy.thresholds.standard_payment_terms_days == 60
    assert policy.thresholds.amount_tolerance_pct == 0.5
    assert policy.owner_of(ExceptionCode.UNSIGNED, "signed") == "contracts_desk"
    assert policy.owner_of(ExceptionCode.VALUE_MISMATCH, "currency") == "finance"
    assert (policy.sla_of(Severity.blocker), policy.sla_of(Severity.low)) == (8, 240)
    document = record(signed=False, payment_terms_days=60)
    assert find_gaps(document, opportunity(payment_terms_days=60), policy) == []
    assert codes(find_gaps(record(payment_terms_days=90), opportunity(payment_terms_days=90), policy)) == [
        ("NONSTANDARD_PAYMENT_TERMS", "payment_terms_days")
    ]


def test_a_wider_tolerance_lets_a_larger_delta_pass(tmp_path: Path) -> None:
    policy = load_policy(policy_file(tmp_path, "[thresholds]\namount_tolerance_pct = 2.0\n"))
    assert find_gaps(record(), opportunity(amount=489000), policy) == []
    assert find_gaps(record(), opportunity(amount=489000), DEFAULT_POLICY) != []


def test_a_list_replaces_the_default_list() -> None:
    assert merged({"a": [1, 2], "t": {"x": 1, "y": 2}}, {"a": [3], "t": {"y": 5}}) == {
        "a": [3],
        "t": {"x": 1, "y": 5},
    }


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("[rules]\nNO_SUCH_RULE = true\n", "rules.NO_SUCH_RULE"),
        ('[owners.fields]\nsignatory = "legal"\n', "unknown record fields: signatory"),
        ('[low_confidence]\nfields = ["milestones"]\n', "unknown record fields: milestones"),
        ('[severity.codes]\nUNSIGNED = "urgent"\n', "severity.codes.UNSIGNED"),
        ("[sla_hours]\nhigh = -1\n", "cannot be negative"),
        ("[thresholds]\namount_tolerance_pct = -0.5\n", "thresholds.amount_tolerance_pct"),
        ("[thresholds\n", "not valid TOML"),
    ],
)
def test_an_invalid_policy_is_refused_with_its_code(tmp_path: Path, text: str, complaint: str) -> None:
    with pytest.raises(InvalidPolicy) as refused:
        load_policy(policy_file(tmp_path, text))
    assert refused.value.code == "invalid_policy"
    assert complaint in refused.value.detail
    assert refused.value.detail.startswith("policy.toml")


def test_a_policy_must_be_a_readable_toml_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidPolicy, match="TOML"):
        load_policy(policy_file(tmp_path, "thresholds: {}", name="policy.yaml"))
    with pytest.raises(InvalidPolicy, match=r"missing\.toml"):
        load_policy(tmp_path / "missing.toml")
