"""What happens after an upload: the stages (extract, check), the Celery app and tasks that run them in
order with retries, and the outbox relay that posts approved records to the ERP. `api/` only calls it.

- `pipeline.stages`: each stage as a function of (sessions, document id, attempt), and the check that
  corrections re-run (`exceptions_of`);
- `pipeline.flow`: submitting a document, retrying a failed stage, queueing an ERP posting;
- `pipeline.queue`: the Celery app (in-process when HANDOFF_BROKER_URL is unset);
- `pipeline.relay`: the embedded relay that sweeps due postings when there is no worker beat.
"""
