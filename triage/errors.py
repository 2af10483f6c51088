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


class RankerError(TriageError):
    code = "ranker_error"
    http_status = 500
    title = "The exception ranker cannot be used"


class RankerModelMissing(RankerError):
    code = "ranker_model_missing"
    title = "The ranker model file does not exist"


class RankerModelCorrupt(RankerError):
    code = "ranker_model_corrupt"
    title = "The ranker model file is unreadable or malformed"


class RankerModelIncompatible(RankerError):
    code = "ranker_model_incompatible"
    title = "The ranker model file was built for another format or feature set; rebuild it"


class RankerExportMismatch(RankerError):
    code = "ranker_export_mismatch"
    title = "The exported ranker does not reproduce the trained scikit-learn model"


class RankerHistoryTooSmall(RankerError):
    code = "ranker_history_too_small"
    http_status = 422
    title = "The labelled history cannot train the ranker"
