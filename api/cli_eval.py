"""`handoff eval` (the eval suite, evals/suite) and `handoff bench` (benchmarks/bench.py)."""

import subprocess
import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from api.cli_common import fail, out, user_errors
from evals.reporting import CORPUS, RESULTS_DIRECTORY

app = typer.Typer()

REPOSITORY = Path(__file__).resolve().parents[1]
BENCH_SCRIPT = REPOSITORY / "benchmarks" / "bench.py"
LOGIN_FLOOD_SCRIPT = REPOSITORY / "benchmarks" / "login_flood.py"
EvalName = Literal["extraction", "triage", "check", "e2e", "generalisation", "all"]


@app.command("eval")
def eval_command(
    name: Annotated[EvalName, typer.Argument(help="which eval, or all")] = "all",
    subset: Annotated[
        Literal["ci", "full"], typer.Option(help="ci: the gate's small subset; full: the full runs")
    ] = "ci",
    corpus: Annotated[Path, typer.Option(help="the real-document corpus folder")] = CORPUS,
    workers: Annotated[int, typer.Option(min=1, help="parallel processes for extraction")] = 2,
    results: Annotated[Path, typer.Option(help="where the reports go")] = RESULTS_DIRECTORY,
    llm: Annotated[
        Literal["local", "endpoint", "off"],
        typer.Option(
            help="the LLM the generalisation eval also reads with: local = the packaged Gemma 3 270M on "
            "llama-server (built once, answers cached in var/llm-cache); endpoint = HANDOFF_LLM_BASE_URL; "
            "off = offline engine only"
        ),
    ] = "local",
) -> None:
    """Run the evals on the dev datasets; write evals/results/<eval>-<subset>.json, .md and plots."""
    # imported here: the eval suite pulls in matplotlib, scikit-learn and the extraction engine, which no
    # other command needs at start-up
    from evals.llm_local import LocalLlmError
    from evals.suite.__main__ import EVALS, run_evals

    names = EVALS if name == "all" else (name,)
    with user_errors():
        try:
            written = run_evals(names, subset, corpus=corpus, workers=workers, results=results, llm=llm)
        except LocalLlmError as problem:
            raise fail(f"the local LLM could not be started ({problem}); --llm off runs without it") from None
    for path in written:
        out.print(f"wrote {path}", highlight=False)


@app.command("training-data")
def training_data_command(
    kind: Annotated[
        Literal["total-chooser", "ranker"],
        typer.Argument(help="total-chooser: generated SOWs' amounts; ranker: the labelled exception history"),
    ],
    out_path: Annotated[Path, typer.Argument(help="file to write (.jsonl, or .jsonl.gz compressed)")],
    seed: Annotated[
        int | None, typer.Option(help="first generator seed / history seed [default: the shipped model's]")
    ] = None,
    count: Annotated[
        int | None, typer.Option(min=1, help="documents / deals [default: the shipped model's]")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="parallel processes (total-chooser)")] = 2,
) -> None:
    """Write a training data file from the evals' generators (train seeds of evals/splits.py only);
    `handoff train-extractor` / `handoff train-ranker` fit a model on it."""
    with user_errors():
        if kind == "total-chooser":
            from evals.extraction.train import TRAINING_DOCUMENTS, TRAINING_SEED, write_total_training_data

            written = write_total_training_data(
                out_path, TRAINING_SEED if seed is None else seed, count or TRAINING_DOCUMENTS, workers
            )
            out.print(
                f"wrote {out_path}: {written} documents; fit: handoff train-extractor {out_path}",
                soft_wrap=True,
            )
            return
        from evals.triage.train import TRAINING_DEALS, write_ranker_training_data
        from evals.triage.train import TRAINING_SEED as HISTORY_SEED

        history_seed = HISTORY_SEED if seed is None else seed
        written = write_ranker_training_data(out_path, history_seed, count or TRAINING_DEALS)
        out.print(
            f"wrote {out_path}: {written} exceptions; "
            f"fit: handoff train-ranker {out_path} --seed {history_seed}",
            soft_wrap=True,
        )


@app.command("bench")
def bench_command(
    quick: Annotated[bool, typer.Option(help="fewer documents and no 200-page document")] = False,
    login_flood: Annotated[
        bool, typer.Option("--login-flood", help="server memory under 200 concurrent failed sign-ins instead")
    ] = False,
) -> None:
    """Parse / extract / check throughput and peak memory against pypdf and unstructured (or, with
    --login-flood, the server's memory under a flood of failed sign-ins)."""
    script = LOGIN_FLOOD_SCRIPT if login_flood else BENCH_SCRIPT
    if not script.is_file():
        raise fail(f"{script} is not there: `handoff bench` runs from a source checkout")
    command = [sys.executable, str(script), *(["--quick"] if quick and not login_flood else [])]
    completed = subprocess.run(command, cwd=REPOSITORY, check=False)
    if completed.returncode:
        raise typer.Exit(completed.returncode)
