"""The product and its tests carry no knowledge of particular corpus documents: no party name of a labelled
corpus document (CUAD `Parties`, truth.json client and provider) appears in the product's packages or the
tests, in code, comments, label lists, fixtures or data files. A rule must come from the general cause, not
from a document."""

import json
import re
from itertools import pairwise
from pathlib import Path

import pytest

from evals.reporting import CORPUS, REPOSITORY

PRODUCT_PACKAGES = ("intake", "extraction", "triage", "review", "erp", "models", "api", "tests")
SUFFIXES = (".py", ".toml", ".yaml", ".yml", ".json", ".html", ".md", ".txt")
# Words that are part of many company names and say nothing about one of them.
_GENERIC_WORDS = """
    inc incorporated llc lp llp ltd limited corp corporation co company plc gmbh ag sa nv na bv pte pty
    the of and a an for in on at by with formerly known as which dba individually collectively together
    each party parties referred herein hereinafter sometimes shall be group holdings holding
    international global national capital management services service solutions systems technologies
    technology industries data health healthcare financial fund funds trust bank insurance life annuity
    assurance company consulting partners investments investment enterprises science sciences software
    computer interactive power energy tax operations institutional variable separate account customer
    client provider consultant contractor supplier developer adviser advisor licensee licensor owner
    company sub mr ms dr affiliates products business new york america united states clear force general
    private virtual short any its or to press processing machines brokers
"""
GENERIC = frozenset(_GENERIC_WORDS.split())


def _names() -> set[str]:
    names: set[str] = set()
    for labels in CORPUS.glob("*/cuad_labels.json"):
        answer = json.loads(labels.read_text(encoding="utf-8")).get("Parties", {}).get("answer", "")
        names.update(re.sub(r"\([^()]*\)", " ", part) for part in answer.split(";"))
    for truth in CORPUS.glob("*/truth.json"):
        data = json.loads(truth.read_text(encoding="utf-8"))
        for key in ("client_name", "provider_name"):
            value = data.get(key)
            value = value.get("value") if isinstance(value, dict) else value
            if isinstance(value, str):
                names.add(value)
    return names


def distinctive_terms(name: str) -> set[str]:
    """Two consecutive words of a name (case-folded), and each word of it that no other company would have."""
    words = [word for word in re.split(r"[^\w&]+", name.casefold()) if len(word) > 1]
    terms = {f"{a} {b}" for a, b in pairwise(words) if {a, b} - GENERIC}
    terms |= {word for word in words if len(word) >= 5 and word not in GENERIC and not word.isdigit()}
    return {term for term in terms if not set(term.split()) <= GENERIC}


def _product_text() -> dict[Path, str]:
    files = {}
    for package in PRODUCT_PACKAGES:
        for path in (REPOSITORY / package).rglob("*"):
            # golden files are the parser's own output of the documents they name, not rules or labels
            if path.suffix in SUFFIXES and "__pycache__" not in path.parts and "golden" not in path.parts:
                files[path] = " ".join(re.split(r"[^\w&]+", path.read_text(encoding="utf-8").casefold()))
    return files


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not next to the repository")
def test_no_corpus_party_name_in_the_product() -> None:
    terms = set().union(*(distinctive_terms(name) for name in _names()))
    assert len(terms) > 50  # the corpus was read
    found = [
        f"{path.relative_to(REPOSITORY)}: {term!r}"
        for path, text in _product_text().items()
        for term in sorted(terms)
        if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text)
    ]
    assert not found, "corpus party names in the product:\n" + "\n".join(found)


def test_distinctive_terms_leave_out_generic_words() -> None:
    assert distinctive_terms("Quarry Hill Resources Ltd.") == {
        "quarry hill",
        "hill resources",
        "resources ltd",
        "quarry",
        "resources",
    }
    assert distinctive_terms("Global Technologies, Ltd") == set()
