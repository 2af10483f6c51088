"""`handoff eval` / `python -m evals.suite`: the evals on their CI or full subset, one JSON + Markdown
report with plots per eval (extraction, triage, check, e2e) in evals/results/."""
