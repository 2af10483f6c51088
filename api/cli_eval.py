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
) -> None:
    """Run the evals on the dev datasets; write evals/results/<eval>-<subset>.json, .md and plots."""
    # imported here: the eval suite pulls in matplotlib, scikit-learn and the extraction engine, which no
    # other command needs at start-up
    from evals.suite.__main__ import EVALS, run_evals

    names = EVALS if name == "all" else (name,)
    with user_errors():
        written = run_evals(names, subset, corpus=corpus, workers=workers, results=results)
    for path in written:
        out.print(f"wrote {path}", highlight=False)


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
