"""Committed reports are what the current code and inputs produce: each evals/results/*.json carries the
fingerprint it was measured under (evals/fingerprint.py), and a stale one fails here and in the gate."""

import json
import shutil
from pathlib import Path

from evals.fingerprint import fingerprint, stale_reports, stamped
from evals.reporting import REPOSITORY, RESULTS_DIRECTORY


def test_every_committed_report_is_fresh() -> None:
    stale = stale_reports(RESULTS_DIRECTORY)
    assert not stale, "regenerate with `handoff eval` and `python -m evals.gate --write`:\n" + "\n".join(
        stale
    )


def test_a_report_of_other_code_or_without_a_fingerprint_is_stale(tmp_path: Path) -> None:
    current = fingerprint()
    (tmp_path / "fresh.json").write_text(json.dumps(stamped({"a": 1}, current)))
    (tmp_path / "old.json").write_text(json.dumps(stamped({"a": 1}, "0" * 16)))
    (tmp_path / "edited.json").write_text(json.dumps({"a": 1}))
    assert [line.split(":")[0] for line in stale_reports(tmp_path, current)] == ["edited.json", "old.json"]


def test_a_code_change_changes_the_fingerprint(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    for name in ("models", "intake", "extraction", "triage", "evals"):
        shutil.copytree(
            REPOSITORY / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", "results")
        )
    shutil.copy(REPOSITORY / "pyproject.toml", copy / "pyproject.toml")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "doc.txt").write_text("a")
    before = fingerprint(copy, corpus)
    (copy / "results-are-not-code.json").write_text("{}")  # outside the packages: not hashed
    thresholds = copy / "evals" / "thresholds.toml"
    thresholds.write_text(thresholds.read_text() + "\n# raised\n")  # judges the figures, does not make them
    assert fingerprint(copy, corpus) == before
    engine = copy / "extraction" / "engine.py"
    engine.write_text(engine.read_text() + "\n# changed\n")
    assert fingerprint(copy, corpus) != before
    (corpus / "doc.txt").write_text("b")
    changed_code = fingerprint(copy, corpus)
    engine.write_text(engine.read_text().removesuffix("\n# changed\n"))
    assert fingerprint(copy, corpus) not in (before, changed_code)
