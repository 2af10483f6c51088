"""Celery tasks of ERP posting: they take ids and call erp.runtime (no logic here).

`erp.post` is queued after an approval commits (the on_approved callback); `erp.relay` runs every
`erp_relay_interval_s` (celery beat in `handoff worker`) and posts whatever is due: retries after backoff,
postings whose queueing failed, claims left by a worker that died. Both are safe to run twice: a posting is
claimed before it is posted, and the ERP replays an idempotency key it has seen.
"""

from celery import shared_task

from erp.runtime import post_entry, relay_due


@shared_task(name="erp.post", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def post_task(entry_id: str) -> str:
    return post_entry(entry_id).value


@shared_task(name="erp.relay", ignore_result=True)
def relay_task() -> int:
    return len(relay_due())
