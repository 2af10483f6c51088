"""Cost and tokens per document of the LLM backend, measured only when one is configured.

Configured means HANDOFF_LLM_BASE_URL is set and its `/models` answers within a few seconds. Otherwise the
result says why it was not measured; no number is made up. Documents: born-digital generated SOWs at the
extraction eval's held-out seeds (30000+), each read by `run_llm_extraction` with the settings from the
environment (model, dialect, prices per 1,000 tokens).
"""

import os
import statistics
import time
from typing import Any

import httpx

from evals.extraction.evaluate import score_against_truth
from evals.extraction.scoring import SCALAR_FIELDS, Outcome
from evals.sow import generate_spec, render_pdf, truth
from extraction.llm import run_llm_extraction
from extraction.llm_errors import LlmError
from extraction.llm_settings import LlmSettings
from intake.parse import parse
from intake.settings import IntakeSettings

FIRST_SEED = 30000
PROBE_TIMEOUT_S = 3.0


def endpoint_problem() -> str | None:
    """None when an LLM endpoint is configured and answering; otherwise why not."""
    base = os.environ.get("HANDOFF_LLM_BASE_URL")
    if not base:
        return "not configured: HANDOFF_LLM_BASE_URL is not set"
    try:
        httpx.get(f"{base.rstrip('/')}/models", timeout=PROBE_TIMEOUT_S).raise_for_status()
    except httpx.HTTPError as error:
        return f"not configured: {base} did not answer /models ({type(error).__name__}: {error})"
    return None


def llm_cost(documents: int, settings: IntakeSettings) -> dict[str, Any]:
    problem = endpoint_problem()
    if problem or documents == 0:
        return {"configured": False, "reason": problem or "not measured on this subset (0 documents)"}
    llm = LlmSettings()
    rows = [_one(seed, settings, llm) for seed in range(FIRST_SEED, FIRST_SEED + documents)]
    read = [row for row in rows if row["error"] is None]

    def mean(key: str) -> float | None:
        return round(statistics.mean(row[key] for row in read), 4) if read else None

    return {
        "configured": True,
        "base_url": llm.llm_base_url,
        "model": llm.llm_model,
        "dialect": llm.llm_dialect,
        "prices_per_1k": {
            "prompt": llm.llm_price_prompt_per_1k,
            "completion": llm.llm_price_completion_per_1k,
        },
        "limits": {
            "max_chars_per_part": llm.llm_max_chars_per_part,
            "max_list_items": llm.llm_max_list_items,
            "max_output_tokens": llm.llm_max_output_tokens,
            "max_reasks": llm.llm_max_reasks,
        },
        "documents": len(rows),
        "failed": len(rows) - len(read),
        "mean_prompt_tokens": mean("prompt_tokens"),
        "mean_completion_tokens": mean("completion_tokens"),
        "mean_estimated_cost": mean("estimated_cost"),
        "mean_seconds": mean("seconds"),
        "scalar_accuracy": mean("scalar_accuracy"),
        "per_document": rows,
    }


def _one(seed: int, settings: IntakeSettings, llm: LlmSettings) -> dict[str, Any]:
    spec = generate_spec(seed)
    document = parse(render_pdf(spec), f"{spec.doc_id}.pdf", settings)
    started = time.perf_counter()
    row: dict[str, Any] = {"document": spec.doc_id, "pages": len(document.pages), "error": None}
    try:
        extraction = run_llm_extraction(document, llm)
    except LlmError as error:
        usage = error.usage
        return row | {"error": f"{error.code}: {error}", "prompt_tokens": usage.prompt_tokens}
    usage = extraction.usage
    results, _ = score_against_truth(extraction.record, truth(spec))
    scalars = [result for result in results if result.field in SCALAR_FIELDS]
    return row | {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "calls": usage.calls,
        "reasks": usage.reasks,
        "estimated_cost": usage.estimated_cost,
        "seconds": round(time.perf_counter() - started, 2),
        "scalar_accuracy": sum(r.outcome is Outcome.correct for r in scalars) / len(scalars),
    }
