"""Typed review errors. `code` values are stable: clients and tests match on them."""

from typing import ClassVar

from models.errors import HandoffError


class ReviewError(HandoffError):
    code: ClassVar[str] = "review_error"
    http_status: ClassVar[int] = 400
    title: ClassVar[str] = "The review action could not be carried out"


class Unauthenticated(ReviewError):
    code = "unauthenticated"
    http_status = 401
    title = "Sign in first"


class InvalidCredentials(ReviewError):
    code = "invalid_credentials"
    http_status = 401
    title = "Unknown username or wrong password"


class LoginThrottled(ReviewError):
    code = "login_throttled"
    http_status = 429
    title = "Too many failed sign-ins: try again later"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class Forbidden(ReviewError):
    code = "forbidden"
    http_status = 403
    title = "Your roles do not allow this"


class CsrfFailed(ReviewError):
    code = "csrf_failed"
    http_status = 403
    title = "Missing or wrong CSRF token"


class FourEyes(ReviewError):
    code = "four_eyes"
    http_status = 403
    title = "The four-eyes rules do not allow this"


class NotFound(ReviewError):
    code = "not_found"
    http_status = 404
    title = "No such item"


class Conflict(ReviewError):
    code = "conflict"
    http_status = 409
    title = "The item changed or is not in a state that allows this"


class Blocked(ReviewError):
    code = "blocked"
    http_status = 409
    title = "A blocker exception is still open"


class NotReady(ReviewError):
    code = "erp_not_ready"
    http_status = 409
    title = "The ERP cannot take this record yet"


class InvalidValue(ReviewError):
    code = "invalid_value"
    http_status = 422
    title = "The value is not valid here"
