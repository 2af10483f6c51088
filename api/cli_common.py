"""What every `handoff` sub-command shares: the consoles, the one-line error and exit code 2, batches with a
progress bar. The root (api/cli.py) and each sub-CLI module import this, never each other."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from intake.sniff import SUPPORTED_SUFFIXES
from models.errors import HandoffError

EXIT_BAD_INPUT = 2
out = Console()
err = Console(stderr=True)


def fail(message: str) -> typer.Exit:
    err.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_BAD_INPUT)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn typed errors and unreadable paths into one stderr line and exit code 2."""
    try:
        yield
    except HandoffError as error:
        raise fail(str(error)) from None
    except OSError as error:
        raise fail(f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")) from None


def progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )


def files_in(path: Path) -> list[Path]:
    """A file as given, or the documents under a folder (by extension; what else is there is listed as
    skipped on stderr: a folder of generated samples also holds their .truth.json files)."""
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        taken = [p for p in found if p.suffix.lower() in SUPPORTED_SUFFIXES]
        skipped = [p for p in found if p.suffix.lower() not in SUPPORTED_SUFFIXES]
        if skipped:
            kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
            names = ", ".join(str(p.relative_to(path)) for p in skipped[:10])
            more = f" and {len(skipped) - 10} more" if len(skipped) > 10 else ""
            err.print(
                f"skipped {len(skipped)} file(s) in {path} that are not documents ({kinds}): {names}{more}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        return taken
    if not path.exists():
        raise FileNotFoundError(2, "No such file or directory", str(path))
    return [path]


def run_batch(files: list[Path], description: str, work: Callable[[Path], None]) -> int:
    """Apply `work` to each file with a progress bar; report failures and return how many failed."""
    failures = 0
    with progress() as bar:
        task = bar.add_task(description, total=len(files))
        for file in files:
            try:
                work(file)
            except HandoffError as error:
                failures += 1
                bar.console.print(f"[red]{file}[/red]: {error}", highlight=False)
            bar.advance(task)
    return failures
