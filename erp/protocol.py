"""The ERP as handoff needs it: one call that posts a project or an amendment, exactly once per key."""

from typing import Protocol

from erp.models import ErpReceipt, Posting


class Erp(Protocol):
    def post(self, posting: Posting, idempotency_key: str) -> ErpReceipt:
        """Post `posting`; the same key again must not create a second project (the ERP replays).

        Raises ErpUnavailable (retry later) or ErpRejected (the ERP refused it: do not retry).
        """
        ...
