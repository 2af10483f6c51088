"""HandoffRecord + CrmOpportunity → ranked exceptions (issue 5)."""
