"""Pacing calls to the ERP: a token bucket shared by a process's posting threads, which a 429 (or 503) with
Retry-After also pauses, so every thread backs off when the ERP says it is overloaded."""

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """At most `per_second` acquisitions per second (bursts up to one second's worth); 0 = unlimited."""

    def __init__(
        self,
        per_second: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_second = per_second
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._tokens = max(per_second, 1.0)
        self._updated = clock()
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """No call starts for `seconds` from now (the ERP's Retry-After)."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    def acquire(self) -> None:
        """Wait until a call may start."""
        while True:
            with self._lock:
                now = self._clock()
                wait = self._paused_until - now
                if wait <= 0 and self.per_second <= 0:
                    return
                if wait <= 0:
                    capacity = max(self.per_second, 1.0)
                    self._tokens = min(capacity, self._tokens + (now - self._updated) * self.per_second)
                    self._updated = now
                    if self._tokens >= 1:
                        self._tokens -= 1
                        return
                    wait = (1 - self._tokens) / self.per_second
            self._sleep(wait)
