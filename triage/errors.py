"""Typed triage errors. `code` values are stable: clients and tests match on them."""

from typing import ClassVar

from models.errors import HandoffError


class TriageError(HandoffError):
    code: ClassVar[str] = "triage_error"
    http_status: ClassVar[int] = 422
    title: ClassVar[str] = "The record could not be checked"


class InvalidPolicy(TriageError):
    code = "invalid_policy"
    title = "The triage policy file is unreadable or invalid"


class CrmError(TriageError):
    code = "crm_error"
    http_status = 502
    title = "The CRM could not be read"


class OpportunityNotFound(CrmError):
    code = "opportunity_not_found"
    http_status = 404
    title = "The CRM has no opportunity with this id"


class CrmFileUnreadable(CrmError):
    code = "crm_file_unreadable"
    http_status = 422
    title = "The CRM file cannot be read"


class InvalidCrmFile(CrmError):
    code = "invalid_crm_file"
    http_status = 422
    title = "The CRM file does not hold valid opportunities"


class AmbiguousCrmFile(CrmError):
    code = "ambiguous_crm_file"
    http_status = 422
    title = "The CRM file holds several opportunities; name one by its id"


class NotAChangeOrder(TriageError):
    code = "not_a_change_order"
    title = "The record is not a change order"


class ChangeOrderNotLinked(TriageError):
    code = "change_order_not_linked"
    title = "The change order does not reference the base document's contract number"
