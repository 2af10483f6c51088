"""Who may do what: the one role matrix of handoff, used by review/ and by every API route.

| permission          | deal_desk | reviewer | approver | pmo | admin |
|---------------------|:---------:|:--------:|:--------:|:---:|:-----:|
| read                |     x     |    x     |    x     |  x  |   x   |
| upload              |     x     |          |          |     |   x   |
| check               |     x     |    x     |          |     |   x   |
| list_exceptions     |           |    x     |    x     |  x  |   x   |
| edit_record         |           |    x     |    x     |     |   x   |
| resolve_exception   |           |    x     |    x     |  x  |   x   |
| waive_exception     |           |          |    x     |  x  |   x   |
| approve             |           |          |    x     |     |   x   |
| read_audit          |           |    x     |    x     |  x  |   x   |
| export_corrections  |           |    x     |          |     |   x   |
| manage_users        |           |          |          |     |   x   |

`read` covers documents, the queue and records; every signed-in user manages their own API tokens. Approving
is further limited by the four-eyes rules in review.approval, which hold for admins too.
"""

from collections.abc import Iterable
from enum import StrEnum
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.orm import Role, User
from review.errors import Forbidden


class Permission(StrEnum):
    read = "read"
    upload = "upload"
    check = "check"
    list_exceptions = "list_exceptions"
    edit_record = "edit_record"
    resolve_exception = "resolve_exception"
    waive_exception = "waive_exception"
    approve = "approve"
    read_audit = "read_audit"
    export_corrections = "export_corrections"
    manage_users = "manage_users"


R = Role
MATRIX: Final[dict[Permission, frozenset[Role]]] = {
    Permission.read: frozenset(Role),
    Permission.upload: frozenset({R.deal_desk, R.admin}),
    Permission.check: frozenset({R.deal_desk, R.reviewer, R.admin}),
    Permission.list_exceptions: frozenset({R.reviewer, R.approver, R.pmo, R.admin}),
    Permission.edit_record: frozenset({R.reviewer, R.approver, R.admin}),
    Permission.resolve_exception: frozenset({R.reviewer, R.approver, R.pmo, R.admin}),
    Permission.waive_exception: frozenset({R.approver, R.pmo, R.admin}),
    Permission.approve: frozenset({R.approver, R.admin}),
    Permission.read_audit: frozenset({R.reviewer, R.approver, R.pmo, R.admin}),
    Permission.export_corrections: frozenset({R.reviewer, R.admin}),
    Permission.manage_users: frozenset({R.admin}),
}


def allows(roles: Iterable[str], permission: Permission) -> bool:
    """True when any of `roles` grants `permission`."""
    granted = {role.value for role in MATRIX[permission]}
    return any(role in granted for role in roles)


def require(session: Session, actor: str, permission: Permission) -> User:
    """The active user named `actor`, if their roles grant `permission`; else Forbidden."""
    user = session.scalar(select(User).where(User.username == actor))
    if user is None or not user.active:
        raise Forbidden(f"no active user {actor!r}")
    if not allows(user.roles, permission):
        raise Forbidden(f"{actor} ({', '.join(user.roles) or 'no roles'}) may not {permission.value}")
    return user
