"""`handoff extract`: documents in, HandoffRecord v1 JSON out."""

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.cli_common import files_in, out, run_batch, user_errors
from extraction.backends import Backend, extract_with
from intake.parse import parse
from intake.settings import IntakeSettings
from models.record import HandoffRecord, RecordFields

app = typer.Typer()


def print_record_summary(record: HandoffRecord) -> None:
    table = Table(title=record.document.filename)
    for column in ("field", "value", "confidence", "page", "evidence"):
        table.add_column(column)
    for name in RecordFields.model_fields:
        field = getattr(record.fields, name)
        evidence = field.evidence[0] if field.evidence else None
        table.add_row(
            name,
            "" if field.value is None else str(field.value),
            f"{field.confidence:.2f}" if field.value is not None else "",
            str(evidence.page) if evidence and evidence.page else "",
            (evidence.quote[:60] if evidence else ""),
        )
    out.print(table)
    out.print(
        f"milestones={len(record.milestones)} rate_card={len(record.rate_card)} "
        f"extractor={record.extractor.backend}/{record.extractor.model} status={record.status}"
    )
    for warning in record.warnings:
        out.print(f"warning: {warning}", highlight=False)


@app.command("extract")
def extract_command(
    path: Annotated[
        Path, typer.Argument(help="A SOW/proposal/change order (PDF, DOCX, Markdown), or a folder.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the HandoffRecord v1 JSON.")] = False,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write one <name>.record.json per file here.")
    ] = None,
    backend: Annotated[
        Backend,
        typer.Option(
            help="offline (default, no network), llm (HANDOFF_LLM_*), or hybrid (the offline reading "
            "checked against the LLM's; disagreements go to review)."
        ),
    ] = "offline",
) -> None:
    """Extract a grounded handoff record: each value with confidence and verbatim evidence, or null."""
    settings = IntakeSettings()
    with user_errors():
        files = files_in(path)
        if len(files) == 1 and out_dir is None:
            record = extract_with(parse(files[0].read_bytes(), files[0].name, settings), backend)
            if as_json:
                sys.stdout.write(record.model_dump_json(indent=2) + "\n")
            else:
                print_record_summary(record)
            return
        target = out_dir or Path.cwd()
        target.mkdir(parents=True, exist_ok=True)

        def extract_one(file: Path) -> None:
            record = extract_with(parse(file.read_bytes(), file.name, settings), backend)
            (target / f"{file.name}.record.json").write_text(record.model_dump_json(indent=2))

        failures = run_batch(files, "extracting", extract_one)
    out.print(f"extracted {len(files) - failures} of {len(files)} files into {target}")
    if failures:
        raise typer.Exit(2)
