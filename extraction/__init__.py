"""ParsedDocument → HandoffRecord (issue 4)."""
