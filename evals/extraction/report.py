"""The eval's results on disk: evals/results/extraction.json and a readable Markdown beside it."""

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

from evals.reporting import write_json_and_markdown

RESULTS_NAME: Final = "extraction"
MISTAKES_SHOWN: Final = 60
VARIANT_NAMES: Final = {
    "born_digital": "born-digital",
    "scanned_signature": "signature page scanned (OCR)",
    "fully_scanned": "every page scanned (OCR)",
}
OUTCOME_MARKS: Final = {"correct": "✓", "wrong": "✗ wrong", "missed": "✗ missed", "false_value": "✗ false"}


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.4f}"


def _value(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return (text if len(text) <= 60 else text[:57] + "…").replace("|", "\\|")


def tally_rows(
    label: str, table: dict[str, dict[str, Any]], names: dict[str, str] | None = None
) -> list[str]:
    has_documents = any("documents" in row for row in table.values())
    documents = " documents |" if has_documents else ""
    rows = [
        f"| {label} |{documents} scored | accuracy | wrong | missed | false value |",
        f"|---|{'---:|' if has_documents else ''}---:|---:|---:|---:|---:|",
    ]
    for key, row in table.items():
        count = f" {row['documents']} |" if has_documents else ""
        rows.append(
            f"| {(names or {}).get(key, key)} |{count} {row['scored']} | {_score(row['accuracy'])} "
            f"| {row['wrong']} | {row['missed']} | {row['false_value']} |"
        )
    return rows


def calibration_rows(summary: dict[str, Any]) -> list[str]:
    rows = ["| confidence | values | correct | accuracy | mean confidence |", "|---|---:|---:|---:|---:|"]
    rows += [
        f"| {b['bucket']} | {b['count']} | {b['correct']} | {_score(b['accuracy'])} "
        f"| {_score(b['mean_confidence'])} |"
        for b in summary["buckets"]
    ]
    return [*rows, "", f"Expected calibration error: {_score(summary['expected_calibration_error'])}."]


def mistake_rows(found: Iterable[dict[str, Any]], limit: int | None = None) -> list[str]:
    every = list(found)
    rows = ["| document | field | outcome | extracted | truth | confidence |", "|---|---|---|---|---|---:|"]
    rows += [
        f"| {m['document']} | {m['field']} | {m['outcome']} | {_value(m['extracted'])} "
        f"| {_value(m['expected'])} | {_score(m['confidence'])} |"
        for m in every[:limit]
    ]
    if limit is not None and len(every) > limit:
        rows.append(f"| … {len(every) - limit} more in extraction.json | | | | | |")
    return rows if every else ["None."]


def cuad_rows(cuad: dict[str, Any]) -> list[str]:
    fields = list(cuad["per_field"])
    rows = [f"| contract | {' | '.join(fields)} |", f"|---|{'---|' * len(fields)}"]
    for document, results in cuad["per_document"].items():
        cells = []
        for name in fields:
            result = results.get(name)
            cells.append(
                "not scored"
                if result is None
                else f"{OUTCOME_MARKS[result['outcome']]}"
                f"{'' if result['outcome'] == 'correct' else ' ' + _value(result['extracted'])}"
            )
        rows.append(f"| {document} | {' | '.join(cells)} |")
    return rows


def grounding_rows(grounding: dict[str, Any]) -> list[str]:
    rows = ["| documents | emitted values | grounded | share |", "|---|---:|---:|---:|"]
    for source, row in grounding["by_source"].items():
        share = row["grounded"] / row["emitted"] if row["emitted"] else None
        rows.append(f"| {source} | {row['emitted']} | {row['grounded']} | {_score(share)} |")
    failures = [
        f"- {f['document']} `{f['field']}` = {_value(f['value'])}: {f['reason']}"
        for f in grounding["failures"]
    ]
    return [*rows, "", *(failures or ["No ungrounded value."])]


def _generated_section(generated: dict[str, Any]) -> list[str]:
    lists = generated["lists_exactly_right"]
    exact = ", ".join(f"{name} {row['exactly_right']}/{row['documents']}" for name, row in lists.items())
    sections: list[str] = []
    for group, title in (
        ("by_document_type", "document type"),
        ("by_billing_model", "billing model"),
        ("by_date_style", "date style"),
        ("by_money_style", "money style"),
    ):
        sections += ["", *tally_rows(title, generated[group])]
    return [
        "## Held-out generated documents: scalar fields per variant",
        "",
        *tally_rows("variant", generated["by_variant"], VARIANT_NAMES),
        "",
        "## Per field (all variants)",
        "",
        *tally_rows("field", generated["per_field"]),
        "",
        "## Per document type, billing model, date and money style (scalar fields)",
        *sections,
        "",
        "## List fields (sub-fields after alignment)",
        "",
        *tally_rows("list sub-field", generated["list_sub_fields"]),
        "",
        f"Lists exactly right (documents): {exact}.",
        "",
        "## Calibration (emitted scalar values of the generated documents)",
        "",
        *calibration_rows(generated["calibration"]),
        "",
        f"## Scalar mistakes on generated documents (first {MISTAKES_SHOWN})",
        "",
        *mistake_rows(generated["mistakes"], MISTAKES_SHOWN),
    ]


def _real_section(summary: dict[str, Any]) -> list[str]:
    corpus, cuad = summary["corpus_truth"], summary["cuad"]
    return [
        f"## Real documents with hand-labelled truth ({len(corpus['documents'])}; `_alternates` accepted)",
        "",
        *tally_rows("field", corpus["per_field"]),
        "",
        *tally_rows("list sub-field", corpus["list_sub_fields"]),
        "",
        *tally_rows("document", corpus["per_document"]),
        "",
        "Mistakes (scalar fields):",
        "",
        *mistake_rows(corpus["mistakes"]),
        "",
        f"## CUAD contracts ({cuad['documents']}; matching rules in evals/extraction/README.md)",
        "",
        *tally_rows("field", cuad["per_field"]),
        "",
        *cuad_rows(cuad),
        "",
        "## Calibration on the real documents (scored fields, emitted values)",
        "",
        *calibration_rows(summary["calibration_real_documents"]),
    ]


def _headline(summary: dict[str, Any]) -> list[str]:
    run, generated, grounding = summary["run"], summary["generated"], summary["grounding"]
    corpus, cuad = summary["corpus_truth"], summary["cuad"]
    seeds = "; ".join(
        f"{VARIANT_NAMES[variant]} seeds {first}–{last}" for variant, (first, last) in run["seeds"].items()
    )
    return [
        f"Re-run: `{summary['command']}` · {summary['date']} · extraction `{run['extraction_model']}` · "
        f"{run['workers']} worker process(es), {run['seconds']} s (load average {run['load_average']}). "
        "How documents are built and scored: evals/extraction/README.md.",
        "",
        f"- Held-out generated slice ({seeds}): {generated['documents']} documents, {generated['pages']} "
        f"pages ({generated['ocr_pages']} OCR). Held out by seed only: the same generator, whose layouts "
        "the engine was developed on; the real documents below are the out-of-family check.",
        f"- **Scalar field accuracy {_score(generated['scalar_fields']['accuracy'])}** "
        f"({generated['scalar_fields']['correct']} of {generated['scalar_fields']['scored']}); with list "
        f"sub-fields {_score(generated['all_fields']['accuracy'])} ({generated['all_fields']['scored']}).",
        f"- **Grounded: {grounding['grounded']} of {grounding['emitted']} emitted values** "
        f"(share {grounding['share']}) over {grounding['documents']} documents; "
        f"{grounding['nulled_by_extraction']} values nulled by extraction's own grounding.",
        f"- Real documents with truth.json: scalar accuracy {_score(corpus['scalar_fields']['accuracy'])} "
        f"({corpus['scalar_fields']['scored']} fields). CUAD: "
        f"{_score(cuad['all_scored_fields']['accuracy'])} over {cuad['all_scored_fields']['scored']} "
        "scored fields, reported as they are (nothing tuned on them).",
    ]


def markdown(summary: dict[str, Any]) -> str:
    lines = [
        "# Offline extraction: field accuracy, grounding, calibration",
        "",
        *_headline(summary),
        "",
        "## Grounding (every document: scalar fields, list items and their sub-fields)",
        "",
        *grounding_rows(summary["grounding"]),
        "",
        *_generated_section(summary["generated"]),
        "",
        *_real_section(summary),
        "",
    ]
    return "\n".join(lines)


def write_results(summary: dict[str, Any], directory: Path) -> tuple[Path, Path]:
    return write_json_and_markdown(summary, markdown(summary), directory, RESULTS_NAME)
