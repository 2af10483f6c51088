"""Faults the sandbox can be told to inject (POST /admin/faults), real server behaviour for the tests:

- fail_next: answer 500 to the next N posting requests, before touching anything;
- delay_next / delay_s: wait delay_s before handling the next N postings (the client times out, the
  sandbox still commits afterwards);
- drop_next: commit the next N postings, then abort the TCP connection instead of answering;
- ack_twice_next: answer the next N postings, then write the same HTTP response a second time on the
  connection.
Each counter applies to POST requests only and counts down per request.
"""

import threading
from typing import Any, Literal

from pydantic import BaseModel, Field

Action = Literal["fail", "delay", "drop", "ack_twice"]
FAULT_STATE = "sandbox_fault"


class Faults(BaseModel):
    fail_next: int = Field(default=0, ge=0)
    delay_next: int = Field(default=0, ge=0)
    delay_s: float = Field(default=0.0, ge=0, le=120)
    drop_next: int = Field(default=0, ge=0)
    ack_twice_next: int = Field(default=0, ge=0)


class FaultBoard:
    """The armed faults and what was injected, shared by the request handlers (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.faults = Faults()
        self.injected: dict[str, int] = {"fail": 0, "delay": 0, "drop": 0, "ack_twice": 0}

    def arm(self, faults: Faults) -> None:
        with self._lock:
            self.faults = faults

    def reset(self) -> None:
        with self._lock:
            self.faults = Faults()
            self.injected = dict.fromkeys(self.injected, 0)

    def take(self) -> list[Action]:
        """The faults of one posting request, each counter down by one."""
        with self._lock:
            counters: dict[Action, str] = {
                "fail": "fail_next",
                "delay": "delay_next",
                "drop": "drop_next",
                "ack_twice": "ack_twice_next",
            }
            taken: list[Action] = []
            values: dict[str, Any] = self.faults.model_dump()
            for action, key in counters.items():
                if values[key] > 0:
                    values[key] -= 1
                    self.injected[action] += 1
                    taken.append(action)
            self.faults = Faults.model_validate(values)
            return taken
