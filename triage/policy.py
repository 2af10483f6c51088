"""The triage policy: thresholds, enabled rules, severities, owner teams and SLAs.

The defaults live in triage/default_policy.toml, which documents every key. A policy file states only what it
changes: `load_policy(path)` merges it over the defaults table by table (a list replaces the default list).
"""

import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Final

from pydantic import Field, ValidationError, field_validator

from models.base import FrozenModel
from models.exceptions import ExceptionCode, Severity
from models.record import LIST_ITEM_TYPES, FieldValue, RecordFields
from triage.errors import InvalidPolicy

DEFAULT_POLICY_FILE: Final = "default_policy.toml"
# Fields an exception can be about: the record's scalar fields and its list fields.
KNOWN_FIELDS: Final = frozenset(RecordFields.model_fields) | frozenset(LIST_ITEM_TYPES)


def _known_fields(names: Mapping[str, Any] | tuple[str, ...], known: frozenset[str] = KNOWN_FIELDS) -> None:
    unknown = sorted(set(names) - known)
    if unknown:
        raise ValueError(f"unknown record fields: {', '.join(unknown)}")


class Thresholds(FrozenModel):
    amount_tolerance_pct: float = Field(ge=0)
    milestone_sum_tolerance_pct: float = Field(ge=0)
    standard_payment_terms_days: int = Field(ge=0)
    name_match: float = Field(ge=0, le=100)


class LowConfidenceRule(FrozenModel):
    threshold: float = Field(ge=0, le=1)
    fields: tuple[str, ...]

    def unsure(self, name: str, stated: FieldValue[Any]) -> bool:
        """A stated value of a watched field read below the threshold: LOW_CONFIDENCE sends it to review,
        and until a person confirms or corrects it, it does not on its own contradict the CRM."""
        return stated.value is not None and name in self.fields and stated.confidence < self.threshold

    @field_validator("fields")
    @classmethod
    def _watched_fields_exist(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        _known_fields(value, frozenset(RecordFields.model_fields))
        return value


class SeverityRules(FrozenModel):
    default: Severity
    codes: dict[ExceptionCode, Severity]
    fields: dict[ExceptionCode, dict[str, Severity]]

    @field_validator("fields")
    @classmethod
    def _fields_exist(
        cls, value: dict[ExceptionCode, dict[str, Severity]]
    ) -> dict[ExceptionCode, dict[str, Severity]]:
        for by_field in value.values():
            _known_fields(by_field)
        return value


class OwnerRules(FrozenModel):
    default: str = Field(min_length=1)
    codes: dict[ExceptionCode, str]
    fields: dict[str, str]

    @field_validator("fields")
    @classmethod
    def _fields_exist(cls, value: dict[str, str]) -> dict[str, str]:
        _known_fields(value)
        return value


class Policy(FrozenModel):
    thresholds: Thresholds
    low_confidence: LowConfidenceRule
    rules: dict[ExceptionCode, bool]
    severity: SeverityRules
    owners: OwnerRules
    sla_hours: dict[Severity, int]

    @field_validator("sla_hours")
    @classmethod
    def _every_severity_has_an_sla(cls, value: dict[Severity, int]) -> dict[Severity, int]:
        missing = [s.value for s in Severity if s not in value]
        if missing:
            raise ValueError(f"no SLA for severities: {', '.join(missing)}")
        if any(hours < 0 for hours in value.values()):
            raise ValueError("SLA hours cannot be negative")
        return value

    def enabled(self, code: ExceptionCode) -> bool:
        return self.rules.get(code, True)

    def severity_of(self, code: ExceptionCode, field: str | None) -> Severity:
        by_field = self.severity.fields.get(code, {})
        if field is not None and field in by_field:
            return by_field[field]
        return self.severity.codes.get(code, self.severity.default)

    def owner_of(self, code: ExceptionCode, field: str | None) -> str:
        if code in self.owners.codes:
            return self.owners.codes[code]
        if field is not None and field in self.owners.fields:
            return self.owners.fields[field]
        return self.owners.default

    def sla_of(self, severity: Severity) -> int:
        return self.sla_hours[severity]


def merged(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """`overrides` over `base`, table by table; any other value (lists included) replaces the base value."""
    result = dict(base)
    for key, value in overrides.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def policy_from_mapping(overrides: Mapping[str, Any]) -> Policy:
    """The default policy with `overrides` merged over it (pure: the defaults are read once, at import)."""
    try:
        return Policy.model_validate(merged(DEFAULT_TABLES, overrides))
    except ValidationError as error:
        raise InvalidPolicy(_describe(error)) from error


def load_policy(path: Path | None = None) -> Policy:
    """The policy of a TOML file merged over the defaults; the defaults alone when `path` is None."""
    if path is None:
        return DEFAULT_POLICY
    if path.suffix.lower() != ".toml":
        raise InvalidPolicy(f"{path.name}: a policy file is TOML (.toml)")
    try:
        overrides = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidPolicy(f"{path}: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise InvalidPolicy(f"{path.name}: not valid TOML: {error}") from error
    try:
        return policy_from_mapping(overrides)
    except InvalidPolicy as error:
        raise InvalidPolicy(f"{path.name}: {error.detail}") from error


def _describe(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in issue['loc']) or 'policy'}: {issue['msg']}"
        for issue in error.errors()
    )


DEFAULT_TABLES: Final[Mapping[str, Any]] = tomllib.loads(
    resources.files("triage").joinpath(DEFAULT_POLICY_FILE).read_text(encoding="utf-8")
)
DEFAULT_POLICY: Final = Policy.model_validate(DEFAULT_TABLES)
