"""The embedded setup's ERP relay: with no broker, `handoff serve` sweeps due postings (retries after
backoff, postings whose first try failed) in a background thread, as the worker's beat does otherwise."""

import logging
import threading
from types import TracebackType

from erp.runtime import relay_due

logger = logging.getLogger(__name__)


class EmbeddedRelay:
    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="erp-relay", daemon=True)

    def __enter__(self) -> "EmbeddedRelay":
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval_s + 30)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                relay_due()
            except Exception:
                # The next sweep tries again; a posting's own failure is recorded on its row.
                logger.exception("ERP relay sweep failed")
