"""Intake: bytes in, ParsedDocument out; file validation, storage and dedup."""
