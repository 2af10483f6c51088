"""`handoff erp-sandbox`: a small real ERP receiver (FastAPI + its own SQLite) for the demo and the tests."""
