"""Why the approve button is disabled, for the person looking at it.

This only explains; review.approval.approve enforces the same rules (four-eyes, own upload, open blockers,
what the ERP still needs) when the button is pressed, and its refusal is shown if the explanation was ever
out of date.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from api.web.auth import WebUser
from models.orm import ExceptionStatus, RecordStatus
from review.records import RecordDetail
from review.roles import Permission


@dataclass(frozen=True)
class ApprovalState:
    given: int
    required: int
    approvers: tuple[str, ...]
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def approval_state(
    detail: RecordDetail, user: WebUser, erp_needs: Sequence[tuple[str, str]] = ()
) -> ApprovalState | None:
    """None for someone who may not approve at all (the button is not shown), else the button's state."""
    if not user.can(Permission.approve) or detail.version.status != RecordStatus.draft.value:
        return None
    approvers = tuple(item.approver for item in detail.approvals)
    reasons: list[str] = []
    if detail.uploaded_by == user.username:
        reasons.append("You uploaded this document: someone else must approve it (four-eyes).")
    if user.username in approvers:
        reasons.append("You approved this version already; it waits for another approver.")
    blockers = sorted(
        item.code
        for item in detail.exceptions
        if item.status == ExceptionStatus.open and item.severity == "blocker"
    )
    if blockers:
        reasons.append(f"Open blocker exception: {', '.join(blockers)}. Resolve or waive it first.")
    if erp_needs:
        needs = "; ".join(message for _, message in erp_needs)
        reasons.append(f"The ERP cannot take this record yet: {needs}. Correct the fields marked above.")
    notes: list[str] = []
    if user.username in detail.editors:
        notes.append(
            "You edited this record: your approval counts, but an approver who did not edit it must "
            "approve too."
        )
    if detail.required_approvals > 1:
        notes.append(
            f"This record needs {detail.required_approvals} approvers (its value is high or unknown)."
        )
    return ApprovalState(len(approvers), detail.required_approvals, approvers, reasons, notes)
