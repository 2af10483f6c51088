"""Field mapping: a Salesforce record, as JSON from the REST API or a webhook, → CrmOpportunity.

A mapping file (YAML; triage/default_salesforce_mapping.yaml documents every key) names, for each
CrmOpportunity field, the Salesforce field it is read from: an API name (`Amount`, `Start_Date__c`) or a
relationship path (`Account.Name`), with an optional value map for picklists ("Time & Materials" →
time_and_materials). A value the map does not name passes through unchanged and must then be valid for the
field. Every relationship a path uses is declared under `relationships` with its lookup field and object, so
the REST adapter can fetch the related record when the opportunity does not carry it inline.
"""

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Final

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from models.base import FrozenModel
from models.crm import CrmOpportunity
from triage.errors import CrmError

DEFAULT_MAPPING_FILE: Final = "default_salesforce_mapping.yaml"
_API_NAME: Final = r"[A-Za-z][A-Za-z0-9_]*"
ApiName = Annotated[str, Field(pattern=rf"^{_API_NAME}$")]
# One relationship hop at most: the REST adapter fetches a related record with one lookup request.
FieldPath = Annotated[str, Field(pattern=rf"^{_API_NAME}(\.{_API_NAME})?$")]
MappedValue = str | int | float | bool | None


class InvalidFieldMapping(CrmError):
    code = "invalid_field_mapping"
    http_status = 500
    title = "The CRM field mapping file is unreadable or invalid"


class InvalidOpportunityPayload(CrmError):
    code = "invalid_opportunity_payload"
    http_status = 422
    title = "The CRM record does not map to a valid opportunity"


class FieldRule(FrozenModel):
    path: FieldPath
    values: dict[str, MappedValue] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _path_alone(cls, data: Any) -> Any:
        # `amount: Amount` is short for `amount: {path: Amount}`.
        return {"path": data} if isinstance(data, str) else data

    @property
    def relationship(self) -> str | None:
        head, dot, _ = self.path.partition(".")
        return head if dot else None

    @property
    def leaf(self) -> str:
        return self.path.rpartition(".")[2]


class Relationship(FrozenModel):
    id_field: ApiName
    sobject: ApiName


class FieldMapping(FrozenModel):
    sobject: ApiName = "Opportunity"
    fields: dict[str, FieldRule]
    relationships: dict[ApiName, Relationship] = Field(default_factory=dict)

    @field_validator("fields")
    @classmethod
    def _targets_are_opportunity_fields(cls, value: dict[str, FieldRule]) -> dict[str, FieldRule]:
        unknown = sorted(set(value) - set(CrmOpportunity.model_fields))
        if unknown:
            raise ValueError(f"not CrmOpportunity fields: {', '.join(unknown)}")
        if "opportunity_id" not in value:
            raise ValueError("opportunity_id must be mapped (usually from Id)")
        return value

    @model_validator(mode="after")
    def _relationships_are_declared(self) -> "FieldMapping":
        undeclared = sorted(set(self.relationships_used()) - set(self.relationships))
        if undeclared:
            raise ValueError(f"relationships used but not declared: {', '.join(undeclared)}")
        return self

    def record_fields(self) -> list[str]:
        """The opportunity's own fields to request: direct paths and the lookup field of each relationship."""
        direct = {rule.path for rule in self.fields.values() if rule.relationship is None}
        lookups = {self.relationships[name].id_field for name in self.relationships_used()}
        return sorted(direct | lookups)

    def relationships_used(self) -> dict[str, list[str]]:
        """Each relationship a path goes through → the fields read from its record."""
        used: dict[str, set[str]] = {}
        for rule in self.fields.values():
            if rule.relationship is not None:
                used.setdefault(rule.relationship, set()).add(rule.leaf)
        return {name: sorted(leaves) for name, leaves in sorted(used.items())}


def load_mapping(path: Path | None = None) -> FieldMapping:
    """The mapping in `path`, or the packaged default mapping when `path` is None."""
    try:
        if path is None:
            text = resources.files("triage").joinpath(DEFAULT_MAPPING_FILE).read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise InvalidFieldMapping(f"{path or DEFAULT_MAPPING_FILE}: {error}") from error
    try:
        return FieldMapping.model_validate(data)
    except ValidationError as error:
        raise InvalidFieldMapping(f"{path or DEFAULT_MAPPING_FILE}: {_problems(error)}") from error


def map_opportunity(record: Mapping[str, Any], mapping: FieldMapping) -> CrmOpportunity:
    """The opportunity that `record` (a Salesforce record, relationships inline) describes; pure."""
    values = {name: _mapped_value(record, rule) for name, rule in mapping.fields.items()}
    try:
        return CrmOpportunity.model_validate(values)
    except ValidationError as error:
        raise InvalidOpportunityPayload(_problems(error, mapping)) from error


def _mapped_value(record: Mapping[str, Any], rule: FieldRule) -> Any:
    value: Any = record
    walked: list[str] = []
    for segment in rule.path.split("."):
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise InvalidOpportunityPayload(f"{'.'.join(walked)} is {type(value).__name__}, not a record")
        walked.append(segment)
        value = value.get(segment)
    if isinstance(value, str) and value in rule.values:
        return rule.values[value]
    return value


def _problems(error: ValidationError, mapping: FieldMapping | None = None) -> str:
    """One line naming each invalid field, with the Salesforce path it was read from."""
    described = []
    for issue in error.errors():
        where = ".".join(str(part) for part in issue["loc"])
        if mapping is not None and where in mapping.fields:
            where = f"{where} (from {mapping.fields[where].path}, value {issue['input']!r})"
        described.append(f"{where}: {issue['msg']}")
    return "; ".join(described)
