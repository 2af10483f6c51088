"""Writing an eval's results: one JSON file for machines and one Markdown report for people, side by side,
in RESULTS_DIRECTORY, stamped with the fingerprint of what was measured (evals/fingerprint.py); CORPUS is the
real-document corpus the evals read in place."""

import json
from pathlib import Path
from typing import Any

from evals.fingerprint import CORPUS, REPOSITORY, RESULTS_DIRECTORY, stamped

__all__ = ["CORPUS", "REPOSITORY", "RESULTS_DIRECTORY", "write_json_and_markdown"]


def write_json_and_markdown(
    summary: dict[str, Any], markdown: str, directory: Path, name: str
) -> tuple[Path, Path]:
    """Both files; the JSON carries the fingerprint of the code and inputs it was measured under."""
    summary = stamped(summary)
    directory.mkdir(parents=True, exist_ok=True)
    as_json = directory / f"{name}.json"
    as_json.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    as_markdown = directory / f"{name}.md"
    as_markdown.write_text(markdown, encoding="utf-8")
    return as_json, as_markdown
