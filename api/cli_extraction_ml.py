"""`handoff train-extractor`: rebuild the offline engine's learned total chooser.

Registers on the `handoff` app of api/cli.py, which imports this module on one line at its end.
"""

from pathlib import Path
from typing import Annotated

import typer

from api.cli_common import out, user_errors
from extraction.total_model import DEFAULT_MODEL_PATH

app = typer.Typer()


@app.command("train-extractor")
def train_extractor_command(
    out_path: Annotated[Path, typer.Option("--out", help="Model file to write.")] = DEFAULT_MODEL_PATH,
    seed: Annotated[
        int | None, typer.Option("--seed", help="First generator seed [default: the shipped model's].")
    ] = None,
    documents: Annotated[
        int | None,
        typer.Option("--documents", min=1, help="Generated documents [default: the shipped model's]."),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Parallel processes.")] = 1,
) -> None:
    """Retrain the learned total chooser (which amount is the contract total) on generated documents."""
    # scikit-learn and the generator are only needed here.
    from evals.extraction.train import TRAINING_DOCUMENTS, TRAINING_SEED, train_total_ranker

    with user_errors():
        report = train_total_ranker(
            out_path,
            TRAINING_SEED if seed is None else seed,
            documents or TRAINING_DOCUMENTS,
            workers,
        )
    out.print(
        f"wrote {report.path}: {report.candidates} amounts ({report.positives} totals) of "
        f"{report.documents} documents ({report.seeds}), scikit-learn {report.sklearn_version}, "
        f"{report.seconds} s"
    )
    out.print(f"sha256 {report.sha256}", highlight=False)
