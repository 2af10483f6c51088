"""How extraction does on documents nobody tuned it on: leave-one-family-out over the generator's layout
families, the real corpus in its tune and report halves, and the training fit beside them.

- Leave-one-family-out (LOFO): for each family of evals.splits.LAYOUT_FAMILIES, the engine's learned parts
  (the total chooser; the date chooser, with the CUAD training contracts) are fitted on training documents
  of the *other* families (seeds `lofo_training`) and score documents of the held-out family (seeds
  `lofo_report`). The rules were written against every
  family, so LOFO bounds what the learned parts add, not what the rules would do on a new family; the real
  report half is the number that says that.
- Real documents: every corpus folder with truth (truth.json or CUAD labels), split by
  evals.splits.real_purpose.
  The tune half is printed per document; the report half only in aggregate.
- Training fit: the generator's standard layout at the gate's seeds, and the CUAD training contracts
  (../shared/corpus-train, read without OCR), read by the shipped engine.
Calibration, the selective accuracy curve and the touchless share are measured on the report data (LOFO
held-out families + the real report half).
"""

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import cache, partial
from pathlib import Path
from typing import Any, Final, Literal

from evals.extraction.documents import CUAD_FILE, TRUTH_FILE
from evals.extraction.scoring import Outcome
from evals.extraction.train_dates import cuad_documents, cuad_folders, generated_documents, generated_jobs
from evals.generalisation.documents import Engine, GeneratedDoc, Job, RealDoc, Scored, run, training_document
from evals.generalisation.metrics import (
    F1_LISTS,
    calibration_summary,
    exception_scores,
    f1,
    field_accuracy,
    overall_accuracy,
)
from evals.injection.run import run_injection_set
from evals.parallel import parallel_map
from evals.splits import LAYOUT_FAMILIES, real_purpose, seed_range
from evals.suite.llm_cost import endpoint_problem
from extraction.date_fit import DateTrainingDocument, fit_date_model
from extraction.date_model import DateChooserModel
from extraction.settings import ExtractionSettings
from extraction.total_fit import TrainingDocument, fit_total_ranker
from extraction.total_model import TotalRankerModel

Subset = Literal["ci", "full"]


@dataclass(frozen=True)
class Sizes:
    report_per_layout: int
    train_per_layout: int
    fit_documents: int


SIZES: Final[dict[Subset, Sizes]] = {"ci": Sizes(4, 10, 12), "full": Sizes(16, 40, 60)}


@dataclass(frozen=True)
class LlmSlice:
    """What the LLM engine reads of each split. The local model (Gemma 3 270M on llama.cpp) takes tens of
    seconds per part of a document on two cores, so its column is measured on a fixed slice chosen without
    looking at any result: the first seeds of every layout, real documents of each half and kind by a hash
    of the folder name, the first base documents of the injection set. The report prints the slice's sizes."""

    lofo_per_layout: int
    real_per_group: int
    fit_documents: int
    injection_bases: int


LLM_SLICES: Final[dict[Subset, LlmSlice]] = {"ci": LlmSlice(1, 2, 2, 1), "full": LlmSlice(4, 1000, 12, 4)}


def lofo_documents(sizes: Sizes) -> tuple[list[GeneratedDoc], list[GeneratedDoc]]:
    """(training documents, report documents) of every family."""
    train_first, report_first = seed_range("lofo_training").seeds.start, seed_range("lofo_report").seeds.start
    training, report = [], []
    for family, layouts in LAYOUT_FAMILIES.items():
        for layout in layouts:
            training += [GeneratedDoc(family, layout, train_first + i) for i in range(sizes.train_per_layout)]
            report += [GeneratedDoc(family, layout, report_first + i) for i in range(sizes.report_per_layout)]
    return training, report


@dataclass(frozen=True)
class Fold:
    """A held-out family's learned parts, fitted without it (the date chooser only when it is used)."""

    total: TotalRankerModel
    dates: DateChooserModel | None


def fold_models(training: Sequence[GeneratedDoc], workers: int) -> dict[str, Fold]:
    """Each family's fold: the total chooser fitted on the other families' training documents; with
    HANDOFF_DATE_CHOOSER=learned, the date chooser on the shipped one's data without the family
    (evals/extraction/train_dates.py: the other families' documents and the CUAD training contracts)."""
    candidates: list[TrainingDocument] = list(parallel_map(training_document, training, workers))
    learned = ExtractionSettings().date_chooser == "learned"
    date_jobs = generated_jobs() if learned else []
    dated = generated_documents(date_jobs, workers)
    cuad = _cuad_dates(workers) if learned else []
    models = {}
    for family in LAYOUT_FAMILIES:
        kept = [doc for meta, doc in zip(training, candidates, strict=True) if meta.family != family]
        kept_dates = [doc for job, doc in zip(date_jobs, dated, strict=True) if job[0] != family]
        others = sorted({meta.family for meta in training} - {family})
        source = f"leave-one-family-out without {family}: {', '.join(others)}"
        dates = (
            fit_date_model([*kept_dates, *cuad], f"{source}; {len(cuad)} CUAD training contracts")
            if learned
            else None
        )
        models[family] = Fold(fit_total_ranker(kept, source), dates)
    return models


@cache
def _cuad_dates(workers: int) -> list[DateTrainingDocument]:
    """The CUAD training contracts' date candidates, read once per process."""
    return cuad_documents(cuad_folders(), workers)


def real_documents(corpus: Path) -> list[RealDoc]:
    folders = sorted(path for path in corpus.iterdir() if path.is_dir()) if corpus.is_dir() else []
    return [
        RealDoc(folder, real_purpose(folder))
        for folder in folders
        if (folder / TRUTH_FILE).is_file() or (folder / CUAD_FILE).is_file()
    ]


def _first_report_seed() -> int:
    return seed_range("lofo_report").seeds.start


def fit_documents(sizes: Sizes) -> list[GeneratedDoc]:
    first = seed_range("gate_generated").seeds.start
    return [GeneratedDoc("fit", "standard", first + i) for i in range(sizes.fit_documents)]


def group_summary(scored: Sequence[Scored]) -> dict[str, Any]:
    results = [result for item in scored for result in item.results]
    counts = [item.exceptions for item in scored if item.exceptions is not None]
    return {
        "documents": len(scored),
        "backend_failures": sum(item.error is not None for item in scored),
        "scalar_accuracy": overall_accuracy(results),
        "fields": field_accuracy(results),
        "lists": {
            name: f1(item.lists[name] for item in scored if name in item.lists)
            for name in F1_LISTS
            if any(name in item.lists for item in scored)
        },
        "exceptions": exception_scores(counts) if counts else None,
    }


def _minimum(families: dict[str, dict[str, Any]], read: Callable[[dict[str, Any]], float | None]) -> Any:
    values = [(value, name) for name, summary in families.items() if (value := read(summary)) is not None]
    if not values:
        return None
    value, name = min(values)
    return {"value": value, "family": name}


def _list_f1(summary: dict[str, Any], name: str) -> float | None:
    value: float | None = (summary["lists"].get(name) or {}).get("f1")
    return value


def _exception_score(summary: dict[str, Any], key: str) -> float | None:
    value: float | None = (summary["exceptions"] or {}).get(key)
    return value


def lofo_summary(scored: Sequence[Scored]) -> dict[str, Any]:
    families = {
        family: group_summary([item for item in scored if item.group == family]) for family in LAYOUT_FAMILIES
    }
    accuracies = [summary["scalar_accuracy"] for summary in families.values() if summary["scalar_accuracy"]]
    worst: dict[str, Any] = {"scalar_accuracy": _minimum(families, lambda s: s["scalar_accuracy"])}
    for name in F1_LISTS:
        worst[f"{name}_f1"] = _minimum(families, partial(_list_f1, name=name))
    for key in ("precision", "recall"):
        worst[f"exceptions_{key}"] = _minimum(families, partial(_exception_score, key=key))
    return {
        "families": families,
        "mean_scalar_accuracy": round(sum(accuracies) / len(accuracies), 4) if accuracies else None,
        "worst": worst,
        "all": group_summary(scored),
    }


def tune_errors(scored: Iterable[Scored]) -> list[dict[str, Any]]:
    """Per document of the tune half: every field that was not right (the report half never gets this)."""
    return [
        {
            "document": item.doc_id,
            "wrong": [
                {
                    "field": r.field,
                    "outcome": r.outcome.value,
                    "extracted": r.extracted,
                    "expected": r.expected,
                }
                for r in item.results
                if r.outcome is not Outcome.correct
            ],
        }
        for item in scored
    ]


def real_summary(scored: Sequence[Scored], purpose: str) -> dict[str, Any]:
    members = [item for item in scored if item.group == purpose]
    summary = {
        "documents": len(members),
        "truth": group_summary([item for item in members if item.kind == "truth"]),
        "cuad": group_summary([item for item in members if item.kind == "cuad"]),
    }
    if purpose == "tune":
        summary["per_document"] = tune_errors(members)
    return summary


def sliced_real(documents: Sequence[RealDoc], per_group: int) -> list[RealDoc]:
    """At most `per_group` documents of each half and kind (truth.json, CUAD labels), the first by a hash of
    the folder name (not by content or result)."""

    def rank(doc: RealDoc) -> str:
        return hashlib.sha256(f"llm-slice:{doc.folder.name}".encode()).hexdigest()

    groups: dict[tuple[str, bool], list[RealDoc]] = {}
    for doc in sorted(documents, key=rank):
        groups.setdefault((doc.purpose, (doc.folder / TRUTH_FILE).is_file()), []).append(doc)
    kept = {doc.folder for members in groups.values() for doc in members[:per_group]}
    return [doc for doc in documents if doc.folder in kept]


def _llm_settings() -> dict[str, Any]:
    """What the LLM column was read with (the address is left out: a local server's port changes)."""
    from extraction.llm_settings import LlmSettings

    settings = LlmSettings()
    return {
        "model": settings.llm_model,
        "dialect": settings.llm_dialect,
        "max_output_tokens": settings.llm_max_output_tokens,
        "max_list_items": settings.llm_max_list_items,
        "max_chars_per_part": settings.llm_max_chars_per_part,
        "max_reasks": settings.llm_max_reasks,
        "token_budget": settings.llm_token_budget,
    }


def evaluate(
    subset: Subset, corpus: Path, workers: int, engine: Engine = "offline", on_llm_slice: bool = False
) -> dict[str, Any]:
    """The whole generalisation eval for one engine: the JSON-ready summary the report is written from.
    The LLM engines read the LLM slice; `on_llm_slice` makes the offline engine read it too, so that the
    engines compare on the same documents."""
    started = time.perf_counter()
    sizes = SIZES[subset]
    training, report_docs = lofo_documents(sizes)
    real_docs, fit_docs = real_documents(corpus), fit_documents(sizes)
    llm_slice = LLM_SLICES[subset] if engine != "offline" or on_llm_slice else None
    if llm_slice is not None:
        report_docs = [
            doc for doc in report_docs if doc.seed - _first_report_seed() < llm_slice.lofo_per_layout
        ]
        real_docs = sliced_real(real_docs, llm_slice.real_per_group)
        fit_docs = fit_docs[: llm_slice.fit_documents]
    models = fold_models(training, workers) if engine != "llm" else {}
    # The CUAD training contracts, by the shipped engine: a fit (rules and the date chooser were tuned on
    # them), read only by the offline engine on its whole run.
    contracts = [RealDoc(folder, "train") for folder in cuad_folders()] if llm_slice is None else []
    jobs = [
        *(Job(doc, engine, *_fold_parts(models.get(doc.family))) for doc in report_docs),
        *(Job(doc, engine) for doc in real_docs),
        *(Job(doc, engine) for doc in fit_docs),
        *(Job(doc, engine) for doc in contracts),
    ]
    scored = list(parallel_map(run, jobs, workers))
    lofo = [item for item in scored if item.kind == "generated" and item.group != "fit"]
    real = [item for item in scored if item.kind in ("truth", "cuad") and item.group != "train"]
    contract_fit = [item for item in scored if item.group == "train"]
    fit = [item for item in scored if item.group == "fit"]
    report_results = [r for item in [*lofo, *(i for i in real if i.group == "report")] for r in item.results]
    return {
        "engine": engine,
        "label": f"{engine} on the LLM slice" if engine == "offline" and on_llm_slice else engine,
        "on_llm_slice": llm_slice is not None,
        "subset": subset,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 1),
        "load_average": round(os.getloadavg()[0], 2),
        "workers": workers,
        "sizes": {
            "lofo_training_per_layout": sizes.train_per_layout,
            "lofo_report_per_layout": llm_slice.lofo_per_layout if llm_slice else sizes.report_per_layout,
            "fit_documents": len(fit),
            "real_documents": len(real_docs),
        },
        "llm_slice": asdict(llm_slice) if llm_slice else None,
        "date_chooser": ExtractionSettings().date_chooser,
        "llm": _llm_settings() if engine != "offline" else None,
        "seeds": {
            name: [seed_range(name).seeds.start, seed_range(name).seeds.stop - 1]
            for name in ("lofo_training", "lofo_report", "gate_generated")
        },
        "lofo": lofo_summary(lofo),
        "real": {purpose: real_summary(real, purpose) for purpose in ("report", "tune")},
        "training_fit": group_summary(fit),
        "cuad_training_fit": group_summary(contract_fit) if contract_fit else None,
        "calibration_on_report_data": calibration_summary(report_results),
        "injection_outside": run_injection_set(
            engine, bases=llm_slice.injection_bases if llm_slice else None
        ),
        "folds": {
            family: {
                **fold.total.training.model_dump(),
                **({"date_chooser": fold.dates.source} if fold.dates else {}),
            }
            for family, fold in models.items()
        },
    }


def _fold_parts(fold: Fold | None) -> tuple[TotalRankerModel | None, DateChooserModel | None]:
    return (fold.total, fold.dates) if fold is not None else (None, None)


def gate_metrics(summary: dict[str, Any]) -> dict[str, float]:
    """The figures the CI gate holds, flat: report splits only (LOFO worst family, real report half)."""
    lofo, real, calibration = (
        summary["lofo"],
        summary["real"]["report"],
        summary["calibration_on_report_data"],
    )
    prefix = f"generalisation.{summary['engine']}"
    metrics: dict[str, float | None] = {
        f"{prefix}.lofo.worst_family.scalar_accuracy": (lofo["worst"]["scalar_accuracy"] or {}).get("value"),
        f"{prefix}.lofo.mean.scalar_accuracy": lofo["mean_scalar_accuracy"],
        f"{prefix}.real_report.truth.scalar_accuracy": real["truth"]["scalar_accuracy"],
        f"{prefix}.real_report.cuad.accuracy": real["cuad"]["scalar_accuracy"],
        f"{prefix}.report.ece": calibration["ece"],
        f"{prefix}.report.touchless_share_at_99": calibration["touchless_at_99"]["share"],
    }
    # list F1 over all held-out families (a family that reads a list as nothing has F1 0: the report shows it)
    for name in ("milestones", "rate_card", "subcontractors", "deliverables"):
        metrics[f"{prefix}.lofo.all.{name}_f1"] = (lofo["all"]["lists"].get(name) or {}).get("f1")
    injection = summary["injection_outside"]
    metrics[f"{prefix}.injection_outside.documents_changed"] = injection["documents_changed"]
    metrics[f"{prefix}.injection_outside.planted_values_accepted"] = injection["planted_values_accepted"]
    exceptions = lofo["all"]["exceptions"] or {}
    metrics[f"{prefix}.lofo.exceptions.precision"] = exceptions.get("precision")
    metrics[f"{prefix}.lofo.exceptions.recall"] = exceptions.get("recall")
    metrics[f"{prefix}.lofo.exceptions.impossible"] = exceptions.get("impossible")
    return {name: float(value) for name, value in metrics.items() if value is not None}


def run_generalisation(
    subset: Subset, corpus: Path, workers: int, engines: Sequence[Engine]
) -> dict[str, Any]:
    """Every asked engine; the LLM only when its endpoint answers (otherwise it says why not)."""
    summaries = []
    llm_problem = endpoint_problem() if any(engine != "offline" for engine in engines) else None
    for engine in engines:
        problem = llm_problem if engine != "offline" else None
        if problem:
            summaries.append({"engine": engine, "not_configured": problem})
            continue
        summaries.append(evaluate(subset, corpus, workers, engine))
        if engine == "offline" and len(engines) > 1 and llm_problem is None:
            summaries.append(evaluate(subset, corpus, workers, engine, on_llm_slice=True))
    return {"command": f"handoff eval generalisation --subset {subset}", "engines": summaries}
