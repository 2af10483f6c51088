"""Root of every stage's typed error tree.

Each error carries a stable machine `code` (part of the public contract, never renamed) and the HTTP
status the API answers with; the CLI prints `code: message` on stderr and exits 2.
"""

from typing import ClassVar


class HandoffError(Exception):
    code: ClassVar[str] = "handoff_error"
    http_status: ClassVar[int] = 400
    title: ClassVar[str] = "Request could not be processed"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}"
