"""Celery tasks of ERP posting: they take ids and call erp.runtime (no logic here).

`erp.post` is queued after an approval commits (the on_approved callback); on a worker it then drains
what else is due with `erp_concurrency` postings in flight (erp.runtime.drain), so a month-end backlog is
posted concurrently, not one task at a time; run in-process (eager, inside the approval's request) it posts
only its own. `erp.relay` runs every
`erp_relay_interval_s` (celery beat in `handoff worker`) and posts whatever is due: retries after backoff,
postings whose queueing failed, claims left by a worker that died. Both are safe to run twice: a posting is
claimed before it is posted, and the ERP replays an idempotency key it has seen.
"""

from typing import Any

from celery import shared_task

from erp.runtime import drain, post_entry, relay_due


@shared_task(name="erp.post", bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def post_task(self: Any, entry_id: str) -> str:
    outcome = post_entry(entry_id)
    if not self.request.is_eager:
        drain()
    return outcome.value


@shared_task(name="erp.relay", ignore_result=True)
def relay_task() -> int:
    return len(relay_due())
