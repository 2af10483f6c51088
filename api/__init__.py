"""FastAPI app, routes, web queue templates and the `handoff` CLI."""
