"""Review workflow: states, corrections, approvals, four-eyes, audit log (issue 6)."""
