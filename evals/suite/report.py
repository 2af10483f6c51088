"""The suite's reports: each eval's own Markdown (evals.extraction/check/triage report modules) with the
suite's additions and plots, written as evals/results/<eval>-<subset>.{json,md} and
evals/results/plots/<eval>-<subset>-<plot>.png."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evals.check.report import markdown as check_markdown
from evals.extraction.report import markdown as extraction_markdown
from evals.fingerprint import stamped
from evals.generalisation.report import markdown as generalisation_markdown
from evals.reporting import write_json_and_markdown
from evals.suite import plots
from evals.triage.report import markdown as triage_markdown


def _image(path: Path, results: Path, alt: str) -> str:
    return f"![{alt}]({path.relative_to(results).as_posix()})"


def _plot_path(results: Path, name: str, plot: str) -> Path:
    return results / "plots" / f"{name}-{plot}.png"


def extraction_report(summary: dict[str, Any], results: Path, name: str) -> str:
    generated, corpus = summary["generated"], summary["corpus_truth"]
    slices = {"generated (standard layout)": generated["per_field"]}
    if corpus["per_field"]:
        slices["real corpus with truth.json"] = corpus["per_field"]
    bars = plots.field_accuracy(slices, _plot_path(results, name, "field-accuracy"), "Per-field accuracy")
    curves = {"generated": generated["calibration"]["buckets"]}
    if summary["calibration_real_documents"]["emitted_values"]:
        curves["real documents"] = summary["calibration_real_documents"]["buckets"]
    curve = plots.calibration(curves, _plot_path(results, name, "calibration"))
    layout_rows = _layout_rows(summary["layouts"])
    layout_bars = plots.field_accuracy(
        {split: _merged_fields(table) for split, table in summary["layouts"].items()},
        _plot_path(results, name, "layouts-field-accuracy"),
        "Per-field accuracy on the new layouts",
    )
    return "\n".join(
        [
            extraction_markdown(summary),
            "## Plots",
            "",
            _image(bars, results, "per-field accuracy"),
            "",
            _image(curve, results, "calibration curve"),
            "",
            *layout_rows,
            "",
            _image(layout_bars, results, "per-field accuracy on the new layouts"),
            "",
        ]
    )


def _merged_fields(table: dict[str, Any]) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, int]] = {}
    for layout in table.values():
        for field, row in layout["per_field"].items():
            into = merged.setdefault(field, {"scored": 0, "correct": 0})
            into["scored"] += row["scored"]
            into["correct"] += row["correct"]
    return {f: {"accuracy": r["correct"] / r["scored"] if r["scored"] else None} for f, r in merged.items()}


def _layout_rows(layouts: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "## New layouts (evals.sow.layouts): dev split and held-out split",
        "",
        "Born-digital documents laid out as a letter of engagement, a government task order, a SOW with a "
        "VAT/GST fee summary (UK, DE, AU, India), a SOW with a 45–70-row milestone table over several pages, "
        "and (held-out only) a retainer letter. Dev split: seeds 50000+; held-out: seeds 70000+, never used "
        "for tuning. Reported as they are; the gate holds them at what they measured, not above.",
        "",
    ]
    for split, table in layouts.items():
        lines += [
            f"### {split}",
            "",
            "| layout | documents | pages | scalar accuracy | with list sub-fields | every field right |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {layout} | {row['documents']} | {row['pages']} | {row['scalar_fields']['accuracy']} "
            f"| {row['all_fields']['accuracy']} | {row['every_field_right']} of {row['documents']} |"
            for layout, row in table.items()
        ]
        lines.append("")
    return lines


def check_report(summary: dict[str, Any], results: Path, name: str) -> str:
    matrix = summary["confusion_by_code"]
    labels = [*sorted({*matrix, *(code for row in matrix.values() for code in row)} - {"none"}), "none"]
    image = plots.confusion(matrix, labels, _plot_path(results, name, "confusion"))
    return "\n".join(
        [
            check_markdown(summary),
            "## Exception confusion by code",
            "",
            "Rows: the code seeded in the pair; columns: the code the pipeline reported. A missed code and "
            "an unexpected code on the same field of one pair count as one confusion; `none` = nothing "
            "seeded or nothing reported.",
            "",
            _image(image, results, "exception confusion by code"),
            "",
        ]
    )


def triage_report(summary: dict[str, Any], results: Path, name: str) -> str:
    image = plots.ranking_gain(summary["held_out"], _plot_path(results, name, "ranking-gain"))
    stakes = [
        "## On labels independent of the ranker: revenue at stake",
        "",
        "The figures above use labels from the same rules the ranker was trained on "
        "(evals/triage/labels.py). "
        "Here the same held-out deals are labelled by the money booked wrong if an exception is not worked "
        "(evals/triage/stakes.py), and both orders are scored against it.",
        "",
        "| history seed | deals scored | NDCG@10 model | NDCG@10 sort by amount | model − amount |",
        "|---|---|---|---|---|",
        *(
            f"| {seed} | {row['deals_scored']} | {row['ndcg_model']:.4f} | {row['ndcg_amount_baseline']:.4f} "
            f"| {row['model_over_amount']:+.4f} |"
            for seed, row in summary.get("on_revenue_at_stake", {}).items()
        ),
        "",
    ]
    return "\n".join(
        [triage_markdown(summary), *stakes, "## Ranking gain", "", _image(image, results, "ranking gain"), ""]
    )


def e2e_report(summary: dict[str, Any], results: Path, name: str) -> str:
    lines = [
        f"# End to end: touchless rate, LLM cost, reliability ({summary['subset']} subset)",
        "",
        f"Re-run: `{summary['command']}` · {summary['date']} · {summary['seconds']} s "
        f"(load average {summary['load_average']}).",
        "",
        *_touchless_section(summary["touchless"], results, name),
        "",
        *_llm_rows(summary["llm"]),
        "",
        *_bad_input_section(summary["bad_inputs"]),
        "",
        *_injection_section(summary["injection"]),
        "",
    ]
    return "\n".join(lines)


def _touchless_section(touchless: dict[str, Any], results: Path, name: str) -> list[str]:
    rates = {label: row["touchless_rate"] for label, row in touchless["slices"].items()}
    image = plots.rates(rates, _plot_path(results, name, "touchless"), "Touchless rate", "share of documents")
    return [
        f"Touchless: {touchless['definition']}",
        "",
        "| slice | documents | touchless | rate | fields all right | no false exception |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {label} | {r['documents']} | {r['touchless']} | {r['touchless_rate']} | "
            f"{r['fields_all_right']} | {r['without_false_exceptions']} |"
            for label, r in touchless["slices"].items()
        ),
        "",
        _image(image, results, "touchless rate"),
        "",
        *_not_touchless_rows(touchless["not_touchless"]),
    ]


def _bad_input_section(bad: dict[str, Any]) -> list[str]:
    return [
        "## Bad inputs (through `ingest`, fresh SQLite database and storage folder)",
        "",
        f"{bad['right_code']} of {bad['files']} files refused with their stable error code; afterwards "
        f"{bad['documents_stored']} document rows and {bad['objects_stored']} stored objects.",
        "",
        "| file | kind | bytes | expected code | got |",
        "|---|---|---:|---|---|",
        *(
            f"| {c['name']} | {c['kind']} | {c['bytes']} | `{c['expected_code']}` | `{c['code']}` |"
            for c in bad["cases"]
        ),
    ]


def _injection_section(injection: dict[str, Any]) -> list[str]:
    return [
        "## Prompt injection (evals.sow.injection)",
        "",
        f"{injection['unchanged']} of {injection['documents']} injected documents extracted exactly as their "
        f"clean twin; {injection['planted_values_reported']} planted value(s) reported.",
        "",
        "| seed | injection | changed fields | planted values reported |",
        "|---:|---|---|---|",
        *(
            f"| {c['seed']} | {c['injection']} | {', '.join(c['changed_fields']) or '—'} "
            f"| {', '.join(c['planted_values_reported']) or '—'} |"
            for c in injection["cases"]
        ),
    ]


def _not_touchless_rows(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "### Documents a reviewer would have to correct",
        "",
        "| document | slice | wrong fields | false exceptions |",
    ]
    lines.append("|---|---|---|---|")
    lines += [
        f"| {r['document']} | {r['slice']} | {', '.join(r['wrong_fields'])[:120] or '—'} "
        f"| {', '.join(r['false_exceptions']) or '—'} |"
        for r in rows[:60]
    ]
    return lines if rows else ["Every document was touchless."]


def _llm_rows(llm: dict[str, Any]) -> list[str]:
    lines = ["## LLM backend: cost and tokens per document", ""]
    if not llm["configured"]:
        return [*lines, f"Not measured — {llm['reason']}."]
    prices = llm["prices_per_1k"]
    if not any(prices.values()):
        lines.append(
            "No token prices are configured (HANDOFF_LLM_PRICE_PROMPT_PER_1K / _COMPLETION_PER_1K; a local "
            "server costs nothing per token), so the estimated cost is 0; the token counts price it at any "
            "rate."
        )
        lines.append("")
    return [
        *lines,
        f"{llm['documents']} documents through `{llm['model']}` at {llm['base_url']} ({llm['dialect']}); "
        f"{llm['failed']} failed. Per read document: {llm['mean_prompt_tokens']} prompt + "
        f"{llm['mean_completion_tokens']} completion tokens, estimated cost {llm['mean_estimated_cost']} at "
        f"{json.dumps(llm['prices_per_1k'])} per 1,000 tokens, {llm['mean_seconds']} s; scalar accuracy "
        f"{llm['scalar_accuracy']} (per document in the JSON). Limits: {json.dumps(llm['limits'])}.",
    ]


def generalisation_report(summary: dict[str, Any], _results: Path, _name: str) -> str:
    return generalisation_markdown(summary["engines"], summary["fingerprint"], summary["command"])


REPORTS: dict[str, Callable[[dict[str, Any], Path, str], str]] = {
    "extraction": extraction_report,
    "check": check_report,
    "triage": triage_report,
    "e2e": e2e_report,
    "generalisation": generalisation_report,
}


def write_report(eval_name: str, subset: str, summary: dict[str, Any], results: Path) -> tuple[Path, Path]:
    name = f"{eval_name}-{subset}"
    summary = stamped(summary)
    # the JSON first: a run of many minutes is not lost to a fault in drawing its report
    as_json, as_markdown = write_json_and_markdown(summary, "", results, name)
    as_markdown.write_text(REPORTS[eval_name](summary, results, name), encoding="utf-8")
    return as_json, as_markdown
