"""CRM adapters: where opportunities come from. `CrmAdapter` is the protocol; `FileCrm` reads a local file.

A CRM file is JSON (one opportunity object, or a list of them) or CSV with a header row of the spec's field
names (§2: opportunity_id, account_name, amount, currency, …); an empty CSV cell is null. Every opportunity
is validated as a CrmOpportunity, ids are unique; a file that breaks either raises InvalidCrmFile naming the
entry and the field.
"""

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError

from models.crm import CrmOpportunity
from triage.errors import AmbiguousCrmFile, CrmFileUnreadable, InvalidCrmFile, OpportunityNotFound


class CrmAdapter(Protocol):
    def get(self, opportunity_id: str) -> CrmOpportunity:
        """The opportunity with this id; raises OpportunityNotFound when the CRM has none."""
        ...


class FileCrm:
    """Opportunities read once from a JSON or CSV file."""

    def __init__(self, opportunities: Sequence[CrmOpportunity], source: str) -> None:
        self.source = source
        self._by_id: dict[str, CrmOpportunity] = {}
        for opportunity in opportunities:
            if opportunity.opportunity_id in self._by_id:
                raise InvalidCrmFile(f"{source}: opportunity_id {opportunity.opportunity_id} appears twice")
            self._by_id[opportunity.opportunity_id] = opportunity

    @classmethod
    def load(cls, path: Path) -> "FileCrm":
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CrmFileUnreadable(f"{path}: {error}") from error
        if path.suffix.lower() == ".csv":
            return cls(opportunities_from_csv(text, path.name), path.name)
        return cls(opportunities_from_json(text, path.name), path.name)

    def get(self, opportunity_id: str) -> CrmOpportunity:
        try:
            return self._by_id[opportunity_id]
        except KeyError:
            raise OpportunityNotFound(f"{self.source} has no opportunity {opportunity_id}") from None

    def opportunities(self) -> list[CrmOpportunity]:
        return list(self._by_id.values())

    def single(self) -> CrmOpportunity:
        """The file's only opportunity (`handoff check FILE --crm CRM.json`)."""
        if len(self._by_id) != 1:
            raise AmbiguousCrmFile(f"{self.source} holds {len(self._by_id)} opportunities, not one")
        return next(iter(self._by_id.values()))


def _validated(entry: object, where: str) -> CrmOpportunity:
    if not isinstance(entry, Mapping):
        raise InvalidCrmFile(f"{where}: an opportunity is an object, not {type(entry).__name__}")
    try:
        return CrmOpportunity.model_validate(entry)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc'])}: {issue['msg']}" for issue in error.errors()
        )
        raise InvalidCrmFile(f"{where}: {problems}") from error


def opportunities_from_json(text: str, source: str) -> list[CrmOpportunity]:
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidCrmFile(f"{source}: not valid JSON: {error}") from error
    if isinstance(data, list):
        return [_validated(entry, f"{source} entry {index}") for index, entry in enumerate(data)]
    return [_validated(data, source)]


def opportunities_from_csv(text: str, source: str) -> list[CrmOpportunity]:
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    opportunities = []
    try:
        header = [name.strip() for name in reader.fieldnames or ()]
        if "opportunity_id" not in header:
            raise InvalidCrmFile(f"{source}: the header row has no opportunity_id column")
        reader.fieldnames = header
        for row in reader:
            opportunities.append(_row_opportunity(row, f"{source} line {reader.line_num}"))
    except csv.Error as error:
        raise InvalidCrmFile(f"{source} line {reader.line_num}: not valid CSV: {error}") from error
    return opportunities


def _row_opportunity(row: Mapping[str | None, str | list[str] | None], where: str) -> CrmOpportunity:
    """One CSV row: every column has its cell (no more, no fewer); an empty cell is null."""
    if None in row or None in row.values():
        raise InvalidCrmFile(f"{where}: the row's cells do not match the header's columns")
    cells = {name: value.strip() or None for name, value in row.items() if name and isinstance(value, str)}
    return _validated(cells, where)
