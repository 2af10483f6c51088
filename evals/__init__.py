"""Datasets, generators, metrics and thresholds run in CI."""
