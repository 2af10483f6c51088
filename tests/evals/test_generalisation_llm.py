"""The generalisation eval through the LLM backend: a document the endpoint fails on is scored with every
field missed and its error kept — never dropped from the figures."""

from collections import Counter
from pathlib import Path

import pytest

from evals.extraction.documents import CUAD_FILE, TRUTH_FILE
from evals.extraction.scoring import Outcome
from evals.generalisation.documents import GeneratedDoc, Job, RealDoc, run
from evals.generalisation.run import sliced_real
from tests.extraction.llm_server import error, scripted_openai


def test_a_document_the_llm_fails_on_counts_as_missed(monkeypatch: pytest.MonkeyPatch) -> None:
    with scripted_openai(*[error(400)] * 20) as server:
        monkeypatch.setenv("HANDOFF_LLM_BASE_URL", server.url)
        monkeypatch.setenv("HANDOFF_LLM_RETRIES", "0")
        scored = run(Job(GeneratedDoc("standard", "standard", 80000), engine="llm"))
        assert server.requests  # the endpoint was asked
    assert scored.error is not None and scored.error.startswith("llm_")
    stated = [result for result in scored.results if result.expected is not None]
    assert stated and all(result.outcome is Outcome.missed for result in stated)
    assert scored.exceptions is not None and scored.exceptions.raised  # the empty record is triaged too


def _corpus(root: Path, names: list[str], truth: set[str]) -> list[RealDoc]:
    documents = []
    for name in names:
        folder = root / name
        folder.mkdir()
        (folder / (TRUTH_FILE if name in truth else CUAD_FILE)).write_text("{}")
        documents.append(RealDoc(folder, "tune" if int(name[-1]) % 2 else "report"))
    return documents


def test_the_llm_slice_takes_a_fixed_few_of_each_half_and_kind(tmp_path: Path) -> None:
    names = [f"doc-{i}" for i in range(20)]
    documents = _corpus(tmp_path, names, truth={f"doc-{i}" for i in range(0, 20, 3)})
    picked = sliced_real(documents, 2)
    groups = Counter((doc.purpose, (doc.folder / TRUTH_FILE).is_file()) for doc in picked)
    assert groups == {("tune", True): 2, ("tune", False): 2, ("report", True): 2, ("report", False): 2}
    # by the folder names alone: the same picks whatever order the corpus is listed in
    assert {d.folder for d in sliced_real(list(reversed(documents)), 2)} == {d.folder for d in picked}
    assert len(sliced_real(documents, 1000)) == len(documents)
