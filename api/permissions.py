"""Who may call which route: every /api route (and /healthz) with the access it needs.

`PUBLIC` routes carry their own protection or none (the CRM webhook is HMAC-signed; signing in must be
possible without a session). `SIGNED_IN` routes are open to any active user. The rest need the named
permission of review.roles.MATRIX. tests/api/test_rbac.py calls every route as every role and anonymous
against this table, and fails for a route that is missing here.
"""

from typing import Final, Literal

from review.roles import Permission

PUBLIC: Final = "public"
SIGNED_IN: Final = "signed_in"
Access = Permission | Literal["public", "signed_in"]
P = Permission

ROUTE_ACCESS: Final[dict[tuple[str, str], Access]] = {
    ("GET", "/healthz"): PUBLIC,
    ("POST", "/api/crm/webhook"): PUBLIC,
    ("POST", "/api/session"): PUBLIC,
    ("DELETE", "/api/session"): SIGNED_IN,
    ("GET", "/api/me"): SIGNED_IN,
    ("POST", "/api/tokens"): SIGNED_IN,
    ("GET", "/api/tokens"): SIGNED_IN,
    ("DELETE", "/api/tokens/{token_id}"): SIGNED_IN,
    ("POST", "/api/documents"): P.upload,
    ("GET", "/api/documents"): P.read,
    ("GET", "/api/documents/{document_id}"): P.read,
    ("GET", "/api/documents/{document_id}/parsed"): P.read,
    ("GET", "/api/documents/{document_id}/file"): P.read,
    ("GET", "/api/documents/{document_id}/pages/{page}.png"): P.read,
    ("GET", "/api/documents/{document_id}/pages/{page}/boxes"): P.read,
    ("POST", "/api/documents/{document_id}/check"): P.check,
    ("GET", "/api/crm/opportunities/{opportunity_id}"): P.read,
    ("GET", "/api/exceptions"): P.list_exceptions,
    ("GET", "/api/queue"): P.read,
    ("GET", "/api/records/{document_id}"): P.read,
    ("POST", "/api/records/{document_id}/fields/accept"): P.edit_record,
    ("POST", "/api/records/{document_id}/fields/correct"): P.edit_record,
    ("POST", "/api/records/{document_id}/fields/not-in-document"): P.edit_record,
    ("POST", "/api/records/{document_id}/approve"): P.approve,
    ("POST", "/api/exceptions/{exception_id}/resolve"): P.resolve_exception,
    ("POST", "/api/exceptions/{exception_id}/waive"): P.waive_exception,
    ("GET", "/api/audit"): P.read_audit,
    ("GET", "/api/corrections"): P.export_corrections,
    ("POST", "/api/documents/{document_id}/retry"): P.check,
    ("GET", "/api/postings"): P.read,
    ("GET", "/api/postings/{entry_id}"): P.read,
    ("POST", "/api/postings"): P.approve,
    ("POST", "/api/postings/{entry_id}/replay"): P.approve,
}
