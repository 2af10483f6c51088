"""The `handoff` command line. Errors print one line on stderr and exit with code 2."""

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from pydantic import BaseModel
from rich.table import Table

from api.cli_common import EXIT_BAD_INPUT, err, fail, files_in, out, progress, run_batch, user_errors
from intake.parse import parse
from intake.settings import IntakeSettings
from models.crm import CrmOpportunity
from models.document import ParsedDocument
from models.exceptions import HandoffException
from models.record import HandoffRecord

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="SOW → project, billing and staffing handoff."
)
db_app = typer.Typer(no_args_is_help=True, help="Database migrations.")
app.add_typer(db_app, name="db")

SCHEMAS: dict[str, type[BaseModel]] = {
    "record": HandoffRecord,
    "crm": CrmOpportunity,
    "exception": HandoffException,
    "parsed": ParsedDocument,
}


def _version(value: bool) -> None:
    if value:
        out.print(f"handoff {version('handoff')}")
        raise typer.Exit


@app.callback()
def main(
    show_version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """handoff: signed SOWs in, approved ERP-ready handoff records out."""


def print_parsed_summary(doc: ParsedDocument) -> None:
    table = Table(title=doc.filename, show_header=True)
    for column in ("page", "chars", "ocr", "first line"):
        table.add_column(column)
    for page in doc.pages:
        first = next((line.strip() for line in page.text.splitlines() if line.strip()), "")
        table.add_row(str(page.number), str(len(page.text)), "yes" if page.ocr else "", first[:70])
    out.print(table)
    out.print(
        f"parser={doc.parser} status={doc.status} sha256={doc.sha256[:12]}… ocr_pages={list(doc.ocr_pages)}"
    )
    for warning in doc.warnings:
        err.print(f"warning: {warning.code}: {warning.message}", highlight=False)


@app.command("parse")
def parse_command(
    path: Annotated[Path, typer.Argument(help="A PDF, DOCX, Markdown or text file, or a folder of them.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the ParsedDocument as JSON.")] = False,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write one <name>.json per file here.")
    ] = None,
    ocr: Annotated[bool, typer.Option(help="OCR image-only pages with tesseract.")] = True,
) -> None:
    """Parse documents into text with page offsets (the input of extraction)."""
    settings = IntakeSettings(ocr_enabled=ocr)
    with user_errors():
        files = files_in(path)
        if len(files) == 1 and out_dir is None:
            doc = parse(files[0].read_bytes(), files[0].name, settings)
            if as_json:
                sys.stdout.write(doc.model_dump_json(indent=2) + "\n")
            else:
                print_parsed_summary(doc)
            return
        target = out_dir or Path.cwd()
        target.mkdir(parents=True, exist_ok=True)

        def parse_one(file: Path) -> None:
            doc = parse(file.read_bytes(), file.name, settings)
            (target / f"{file.name}.json").write_text(doc.model_dump_json(indent=2))

        failures = run_batch(files, "parsing", parse_one)
    out.print(f"parsed {len(files) - failures} of {len(files)} files into {target}")
    if failures:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command("schema")
def schema_command(
    name: Annotated[
        Literal["record", "crm", "exception", "parsed"], typer.Argument(help="Which contract to print.")
    ] = "record",
) -> None:
    """Print the JSON Schema of a record of the data contract (spec v1)."""
    schema: dict[str, Any] = SCHEMAS[name].model_json_schema(mode="serialization")
    sys.stdout.write(json.dumps(schema, indent=2) + "\n")


@app.command("serve")
def serve_command(
    host: Annotated[
        str | None, typer.Option(help="Interface to bind (default HANDOFF_HOST or 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default HANDOFF_PORT or 8000).")] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, max=64, help="Server processes (default HANDOFF_WEB_WORKERS, else one per core)."
        ),
    ] = None,
) -> None:
    """Serve the web queue and the REST API (migrates the database first) in one process per core: a
    reviewer's page is rendered while another's is, and no request waits behind another's CPU."""
    import uvicorn

    from api.app import served
    from api.settings import ApiSettings

    settings = ApiSettings()
    count = workers or settings.worker_count
    with user_errors():
        # Built here once: it migrates the database and fails fast on bad settings before any worker starts.
        application = served()
    options: dict[str, Any] = {
        "host": host or settings.host,
        "port": port or settings.port,
        # proxy headers are handled by the app for HANDOFF_TRUSTED_PROXIES only, never by uvicorn's default
        "proxy_headers": False,
        "server_header": False,
    }
    with embedded_relay():  # in this process only: one relay however many server processes
        if count == 1:
            uvicorn.run(application, **options)
            return
        os.environ["HANDOFF_MIGRATE_ON_START"] = "false"  # the workers inherit it: migrated above, once
        uvicorn.run("api.app:served", factory=True, workers=count, **options)


@contextmanager
def embedded_relay() -> Iterator[None]:
    """Without a broker, sweep due ERP postings in this process (a worker's beat does it otherwise)."""
    from erp.settings import ErpSettings
    from pipeline.queue import QueueSettings
    from pipeline.relay import EmbeddedRelay

    if not QueueSettings().eager:
        yield
        return
    with EmbeddedRelay(ErpSettings().erp_relay_interval_s):
        yield


@db_app.command("upgrade")
def db_upgrade_command() -> None:
    """Apply every Alembic migration to HANDOFF_DATABASE_URL."""
    from models.db import DatabaseSettings, upgrade_database

    url = DatabaseSettings().database_url
    upgrade_database(url)
    out.print(f"database is at the latest schema: {redact(url)}")


def redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@app.command("ingest")
def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to upload into the document store.")],
    crm_opportunity_id: Annotated[str | None, typer.Option("--crm-id", help="CRM opportunity id.")] = None,
    uploaded_by: Annotated[
        str | None, typer.Option("--uploaded-by", help="username recorded as uploader (four-eyes)")
    ] = None,
) -> None:
    """Parse and store documents, and queue them for extraction and checks (with HANDOFF_BROKER_URL unset
    the pipeline runs right here); the same bytes twice make one document."""
    from intake.service import ingest
    from intake.settings import StorageSettings
    from intake.storage import make_storage
    from models.db import DatabaseSettings, make_engine, session_factory, upgrade_database
    from pipeline.flow import submit_new

    database = DatabaseSettings()
    with user_errors():
        files = [file for path in paths for file in files_in(path)]
        upgrade_database(database.database_url)
        storage = make_storage(StorageSettings())
        sessions = session_factory(make_engine(database.database_url))
        settings = IntakeSettings()
        counts = {"new": 0, "existing": 0}

        def ingest_one(file: Path) -> None:
            with sessions() as session:
                result = ingest(
                    file.read_bytes(),
                    file.name,
                    session=session,
                    storage=storage,
                    settings=settings,
                    uploaded_by=uploaded_by,
                    crm_opportunity_id=crm_opportunity_id,
                )
                submit_new(session, result.document_id, result.created)
            counts["new" if result.created else "existing"] += 1

        failures = run_batch(files, "ingesting", ingest_one)
    out.print(f"{counts['new']} new (queued), {counts['existing']} already stored, {failures} refused")
    if failures:
        raise typer.Exit(EXIT_BAD_INPUT)


# The sub-CLIs (extract, check, exceptions, train-extractor, users, export-corrections, eval, bench, worker,
# retry, status, postings, erp-sandbox, demo …): each module has its own Typer app, imports only
# api.cli_common and its stage, and is mounted here without a name, so its commands sit at the top level.
from api import (  # noqa: E402
    cli_demo,
    cli_eval,
    cli_extract,
    cli_extraction_ml,
    cli_pipeline,
    cli_review,
    cli_triage,
)

for _module in (cli_extract, cli_triage, cli_review, cli_extraction_ml, cli_eval, cli_pipeline, cli_demo):
    app.add_typer(_module.app)
__all__ = ["EXIT_BAD_INPUT", "app", "err", "fail", "files_in", "out", "progress", "run_batch", "user_errors"]
