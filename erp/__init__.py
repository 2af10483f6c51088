"""Posting approved records to the ERP: outbox, idempotency, retries, dead-letter (issue 7)."""
