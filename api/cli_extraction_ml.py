"""`handoff train-extractor DATA`: fit the offline engine's learned total chooser on a training data file.

The data comes from whoever makes it — `handoff training-data total-chooser PATH` writes the generator's
(models/training_data.py describes the file); this command only reads the file and imports only the
extraction stage. Registers on the `handoff` app of api/cli.py.
"""

from pathlib import Path
from typing import Annotated

import typer

from api.cli_common import out, user_errors
from extraction.total_model import DEFAULT_MODEL_PATH

app = typer.Typer()


@app.command("train-extractor")
def train_extractor_command(
    data: Annotated[
        Path, typer.Argument(help="training data file (handoff training-data total-chooser makes one)")
    ],
    out_path: Annotated[Path, typer.Option("--out", help="Model file to write.")] = DEFAULT_MODEL_PATH,
) -> None:
    """Fit the learned total chooser (which amount is the contract total) on a training data file."""
    import hashlib
    import time

    from extraction.total_fit import train_from_file  # scikit-learn: only this command needs it

    started = time.perf_counter()
    with user_errors():
        model = train_from_file(data, out_path)
    info = model.training
    out.print(
        f"wrote {out_path}: {info.candidates} amounts ({info.positives} totals) of {info.documents} "
        f"documents ({info.seeds}), scikit-learn {info.sklearn_version}, "
        f"{time.perf_counter() - started:.1f} s",
        soft_wrap=True,
    )
    out.print(f"sha256 {hashlib.sha256(out_path.read_bytes()).hexdigest()}", highlight=False)
