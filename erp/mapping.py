"""The ERP field mapping (erp/default_mapping.yaml documents the format): a posting → the ERP's JSON body."""

from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Final

import yaml
from pydantic import Field, ValidationError

from erp.errors import InvalidErpMapping
from erp.models import Posting
from models.base import FrozenModel

DEFAULT_MAPPING: Final = "default_mapping.yaml"
DottedPath = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")]


class Endpoint(FrozenModel):
    path: str = Field(pattern=r"^/")
    fields: dict[DottedPath, DottedPath] = Field(min_length=1)


class ResponseKeys(FrozenModel):
    id: DottedPath = "id"
    project_id: DottedPath | None = None


class ErpMapping(FrozenModel):
    project: Endpoint
    amendment: Endpoint
    response: ResponseKeys = ResponseKeys()

    def endpoint(self, posting: Posting) -> Endpoint:
        return self.amendment if posting.kind == "amendment" else self.project


def load_erp_mapping(path: Path | None = None) -> ErpMapping:
    try:
        text = path.read_text() if path else resources.files("erp").joinpath(DEFAULT_MAPPING).read_text()
        return ErpMapping.model_validate(yaml.safe_load(text))
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise InvalidErpMapping(f"{path or DEFAULT_MAPPING}: {error}") from error


def read_path(data: Any, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(data, dict) or key not in data:
            raise InvalidErpMapping(f"the mapping names {path!r}, which a posting does not have")
        data = data[key]
    return data


def request_body(mapping: ErpMapping, posting: Posting) -> dict[str, Any]:
    """The ERP's JSON body for `posting`, built key by key from the mapping."""
    source = posting.model_dump(mode="json")
    body: dict[str, Any] = {}
    for target, origin in mapping.endpoint(posting).fields.items():
        *parents, leaf = target.split(".")
        node = body
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = read_path(source, origin)
    return body


def request_path(mapping: ErpMapping, posting: Posting) -> str:
    return mapping.endpoint(posting).path.format(**posting.model_dump(mode="json"))
