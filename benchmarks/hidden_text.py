"""Hidden text at intake (intake/hidden.py): what it flags on documents that hide nothing, what it catches,
and what it costs.

    .venv/bin/python benchmarks/hidden_text.py    # writes results/hidden-text.{json,md} (about 2 minutes)

- False alarms: every PDF of ../shared/corpus-train/cuad (195 real contracts, the training corpus) and the
  generator's documents of every layout (2 seeds each, 20 of the standard layout) are parsed; a document
  with a hidden_text warning is a false alarm (none of them hides text).
- Catches: the injection set's PDF cases (evals/injection) whose technique hides text; the page must be
  flagged and its words be the clean twin's (line breaks may differ where the hidden line was).
- Cost: parse pages/s of 40 training contracts with the hidden-text pass and with it switched off,
  alternating three times in one process (compare the two in one run; the machine is shared).
"""

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from bench_env import machine_facts

import intake.form_layers
from evals.injection.documents import cases
from evals.sow import generate_spec, render_document
from evals.sow.layouts import LAYOUTS, layout_spec
from intake.errors import IntakeError
from intake.hidden import HIDDEN_TEXT
from intake.parse import parse
from intake.settings import IntakeSettings

RESULTS_DIR: Final = Path(__file__).resolve().parent / "results"
TRAINING: Final = Path(__file__).resolve().parents[2] / "shared" / "corpus-train" / "cuad"
SETTINGS: Final = IntakeSettings(ocr_workers=1)
SPEED_DOCUMENTS: Final = 40
ROUNDS: Final = 3


def _flagged(data: bytes, name: str) -> bool | None:
    try:
        parsed = parse(data, name, SETTINGS)
    except IntakeError:
        return None
    return any(warning.code == HIDDEN_TEXT for warning in parsed.warnings)


def false_alarms() -> dict[str, Any]:
    contracts = sorted(path for path in TRAINING.glob("*/*") if path.suffix.lower() == ".pdf")
    contract_flags = [(path.parent.name, _flagged(path.read_bytes(), path.name)) for path in contracts]
    generated = [(layout, seed) for layout in LAYOUTS for seed in (100000, 100001)]
    generated_flags = [
        (f"{layout}-{seed}", _flagged(render_document(layout_spec(seed, layout)).data, "g.pdf"))
        for layout, seed in generated
    ]
    generated_flags += [
        (f"standard-{seed}", _flagged(render_document(generate_spec(seed)).data, "g.pdf"))
        for seed in range(100000, 100020)
    ]
    return {
        "training_contracts": len(contract_flags),
        "training_contracts_unreadable": sum(flag is None for _, flag in contract_flags),
        "training_contracts_flagged": [name for name, flag in contract_flags if flag],
        "generated_documents": len(generated_flags),
        "generated_flagged": [name for name, flag in generated_flags if flag],
    }


def catches() -> list[dict[str, Any]]:
    rows = []
    for case in cases():
        if case.technique.format != "pdf" or case.technique.style not in ("white", "tiny"):
            continue
        parsed = parse(case.injected, case.filename, SETTINGS)
        clean = parse(case.clean, case.filename, SETTINGS)
        rows.append(
            {
                "case": case.case_id,
                "technique": case.technique.name,
                "flagged": any(warning.code == HIDDEN_TEXT for warning in parsed.warnings),
                "words_as_clean": parsed.text.split() == clean.text.split(),
            }
        )
    return rows


def _pages_per_second(documents: list[tuple[bytes, str]]) -> float:
    started, pages = time.perf_counter(), 0
    for data, name in documents:
        try:
            pages += len(parse(data, name, SETTINGS).pages)
        except IntakeError:
            continue
    return pages / (time.perf_counter() - started)


def cost() -> dict[str, Any]:
    paths = sorted(path for path in TRAINING.glob("*/*") if path.suffix.lower() == ".pdf")[:SPEED_DOCUMENTS]
    documents = [(path.read_bytes(), path.name) for path in paths]
    module = vars(intake.form_layers)  # the pass is switched by replacing the name page_reading calls
    real: Callable[..., Any] = module["visible_text"]
    rates: dict[str, list[float]] = {"with": [], "without": []}
    for _ in range(ROUNDS):
        for mode in ("with", "without"):
            module["visible_text"] = real if mode == "with" else (lambda page, textpage, objects: None)
            rates[mode].append(round(_pages_per_second(documents), 1))
    module["visible_text"] = real
    median = {mode: statistics.median(values) for mode, values in rates.items()}
    return {
        "documents": len(documents),
        "pages_per_second": rates,
        "median": median,
        "slowdown": round(median["without"] / median["with"], 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    arguments = parser.parse_args()
    load = os.getloadavg()[0]
    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": machine_facts(["pypdfium2"]),
        "load_1min_before_after": [round(load, 2)],
        "false_alarms": false_alarms(),
        "catches": catches(),
        "cost": cost(),
    }
    results["load_1min_before_after"].append(round(os.getloadavg()[0], 2))
    arguments.results.mkdir(parents=True, exist_ok=True)
    (arguments.results / "hidden-text.json").write_text(json.dumps(results, indent=2) + "\n")
    alarms, speed = results["false_alarms"], results["cost"]
    lines = [
        "# Hidden text at intake: false alarms, catches, cost",
        "",
        f"{results['date']} · {json.dumps(results['machine'])} · load {results['load_1min_before_after']}",
        "",
        "Written by `benchmarks/hidden_text.py` (see its docstring).",
        "",
        f"- False alarms: {len(alarms['training_contracts_flagged'])} of {alarms['training_contracts']} "
        f"training contracts flagged ({alarms['training_contracts_unreadable']} refused by intake), "
        f"{len(alarms['generated_flagged'])} of {alarms['generated_documents']} generated documents flagged.",
        f"- Parse speed on {speed['documents']} training contracts, pages/s (median of {ROUNDS}): "
        f"{speed['median']['with']} with the hidden-text pass, {speed['median']['without']} without "
        f"({speed['slowdown']}x); every round: {speed['pages_per_second']}.",
        "",
        "| injection case | technique | flagged | same words as the clean twin |",
        "|---|---|---|---|",
        *(
            f"| {row['case']} | {row['technique']} | {row['flagged']} | {row['words_as_clean']} |"
            for row in results["catches"]
        ),
    ]
    (arguments.results / "hidden-text.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    flagged = alarms["training_contracts_flagged"] or alarms["generated_flagged"]
    return 1 if flagged else 0


if __name__ == "__main__":
    raise SystemExit(main())
