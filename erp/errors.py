"""Typed ERP errors. `code` values are stable. `transient` says whether the outbox retries the posting (5xx,
timeouts, connection errors, a base project not yet posted) or sends it to the dead letter at once (the ERP
refused it, or the record cannot make a posting)."""

from typing import ClassVar

from models.errors import HandoffError


class ErpError(HandoffError):
    code: ClassVar[str] = "erp_error"
    http_status: ClassVar[int] = 502
    title: ClassVar[str] = "The ERP posting failed"
    transient: ClassVar[bool] = False


class ErpUnavailable(ErpError):
    code = "erp_unavailable"
    http_status = 503
    title = "The ERP did not answer, timed out or failed (5xx)"
    transient = True

    def __init__(self, detail: str, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.retry_after = retry_after  # the ERP's Retry-After (429, 503), in seconds


class ErpRejected(ErpError):
    code = "erp_rejected"
    http_status = 422
    title = "The ERP refused the posting (4xx)"


class UnpostableRecord(ErpError):
    code = "unpostable_record"
    http_status = 422
    title = "The approved record lacks what an ERP posting needs"


class BaseNotPosted(ErpError):
    code = "base_not_posted"
    http_status = 409
    title = "The change order's base project is not in the ERP yet"
    transient = True


class NotApproved(ErpError):
    code = "not_approved"
    http_status = 409
    title = "Only an approved record version is posted to the ERP"


class PostingNotFound(ErpError):
    code = "posting_not_found"
    http_status = 404
    title = "No such ERP posting"


class NotReplayable(ErpError):
    code = "not_replayable"
    http_status = 409
    title = "Only a dead-lettered posting can be replayed"


class InvalidErpMapping(ErpError):
    code = "invalid_erp_mapping"
    http_status = 500
    title = "The ERP field mapping file is unreadable or invalid"
