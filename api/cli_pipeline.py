"""`handoff worker`, `retry`, `status`, `postings list|replay|relay` and `erp-sandbox`."""

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from api.cli_common import fail, out, user_errors
from erp.settings import SANDBOX_PORT
from models.orm import OutboxStatus

app = typer.Typer()

postings_app = typer.Typer(no_args_is_help=True, help="ERP postings: list, replay a dead-lettered one.")
app.add_typer(postings_app, name="postings")
CLI_ACTOR = "cli"


def _sessions() -> "sessionmaker[Session]":
    """Sessions on HANDOFF_DATABASE_URL (migrated), which this process's pipeline tasks then use too."""
    from models.db import DatabaseSettings, upgrade_database
    from pipeline.flow import sessions, use_database

    url = DatabaseSettings().database_url
    upgrade_database(url)
    use_database(url)
    return sessions()


@app.command("worker")
def worker_command(
    concurrency: Annotated[int, typer.Option(help="Tasks run at once.")] = 2,
    pool: Annotated[str, typer.Option(help="Celery pool: prefork, threads or solo.")] = "prefork",
    beat: Annotated[
        bool, typer.Option(help="Also sweep due ERP postings every HANDOFF_ERP_RELAY_INTERVAL_S.")
    ] = True,
    loglevel: Annotated[str, typer.Option(help="Celery log level.")] = "INFO",
) -> None:
    """Run a Celery worker on HANDOFF_BROKER_URL (Redis or RabbitMQ) for the pipeline and ERP posting."""
    from pipeline.queue import QueueSettings, celery_app

    if QueueSettings().eager:
        raise typer.Exit(
            _refuse("HANDOFF_BROKER_URL is not set: tasks already run in-process, no worker needed")
        )
    argv = ["worker", f"--concurrency={concurrency}", f"--pool={pool}", f"--loglevel={loglevel}"]
    if beat:
        argv += ["--beat", f"--schedule={Path('var') / 'celerybeat-schedule'}"]
        Path("var").mkdir(exist_ok=True)
    celery_app.worker_main(argv)


def _refuse(message: str) -> int:
    from api.cli_common import err

    err.print(f"error: {message}", markup=False, highlight=False)
    return 2


@app.command("retry")
def retry_command(document_id: Annotated[str, typer.Argument(help="A failed document's id.")]) -> None:
    """Run a failed document again from the stage that failed (a failed posting: replay it)."""
    from pipeline.flow import retry

    with user_errors(), _sessions()() as session:
        stage = retry(session, CLI_ACTOR, document_id)
    out.print(f"document {document_id}: {stage} queued again")


@app.command("status")
def status_command(
    document_id: Annotated[
        str | None, typer.Argument(help="A document id; none: the latest documents.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ops: Annotated[
        bool, typer.Option("--ops", help="The backlog instead: queue depths, postings, throughput, oldest.")
    ] = False,
) -> None:
    """Where documents are in the pipeline: status, failed stage and its error, ERP postings (--ops: the
    backlog at a glance)."""
    from erp.postings import list_postings
    from intake.service import get_document, list_documents

    if ops:
        _print_backlog(as_json)
        return
    with user_errors(), _sessions()() as session:
        rows = [get_document(session, document_id)] if document_id else list(list_documents(session, 50))
        found: list[dict[str, Any]] = [
            {
                "id": row.id,
                "filename": row.filename,
                "status": row.status,
                "failed_stage": row.failed_stage,
                "stage_error": row.stage_error,
                "postings": [p.model_dump(mode="json") for p in list_postings(session, document_id=row.id)],
            }
            for row in rows
        ]
    if as_json:
        sys.stdout.write(json.dumps(found if document_id is None else found[0], indent=2) + "\n")
        return
    table = Table()
    for column in ("document", "file", "status", "failed stage", "error", "postings"):
        table.add_column(column)
    for item in found:
        postings = ", ".join(f"{p['status']}:{p['erp_reference'] or '-'}" for p in item["postings"])
        table.add_row(
            item["id"],
            item["filename"],
            item["status"],
            item["failed_stage"] or "",
            item["stage_error"] or "",
            postings,
        )
    out.print(table)


def _print_backlog(as_json: bool) -> None:
    from pipeline.operations import backlog

    with user_errors(), _sessions()() as session:
        state = backlog(session)
    if as_json:
        sys.stdout.write(state.model_dump_json(indent=2) + "\n")
        return
    documents = ", ".join(f"{status} {count}" for status, count in sorted(state.documents.items())) or "none"
    postings = ", ".join(f"{status} {count}" for status, count in state.postings.items())
    out.print(f"documents: {documents}", highlight=False)
    out.print(f"ERP postings: {postings}; sent in the last hour: {state.sent_last_hour}", highlight=False)
    oldest = state.oldest_unposted_approval
    if oldest is None:
        out.print("every approved record is in the ERP", highlight=False)
    else:
        out.print(
            f"oldest approval not in the ERP: {oldest.filename} ({oldest.document_id}), approved "
            f"{oldest.approved_at:%Y-%m-%d %H:%M}, waiting {oldest.waiting_hours} h, "
            f"posting {oldest.posting_status}",
            highlight=False,
        )


@postings_app.command("list")
def postings_list_command(
    status: Annotated[OutboxStatus | None, typer.Option(help="Only postings with this status.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """ERP postings, newest first (dead = dead-lettered: see last error, then `postings replay ID`)."""
    from erp.postings import list_postings

    with user_errors(), _sessions()() as session:
        views = list_postings(session, status)
    if as_json:
        sys.stdout.write(json.dumps([v.model_dump(mode="json") for v in views], indent=2) + "\n")
        return
    table = Table()
    for column in ("id", "file", "kind", "status", "attempts", "erp", "last error"):
        table.add_column(column)
    for v in views:
        table.add_row(
            v.id, v.filename, v.kind, v.status, str(v.attempts), v.erp_reference or "", v.last_error or ""
        )
    out.print(table)


@postings_app.command("replay")
def postings_replay_command(
    entry_id: Annotated[str, typer.Argument(help="A dead-lettered posting's id.")],
) -> None:
    """Queue a dead-lettered posting again (same idempotency key: the ERP cannot get it twice)."""
    from erp.postings import replay
    from pipeline.flow import queue_posting

    with user_errors(), _sessions()() as session:
        view = replay(session, CLI_ACTOR, entry_id)
    queue_posting(entry_id)
    out.print(f"posting {entry_id} replayed: {view.status}")


@postings_app.command("relay")
def postings_relay_command() -> None:
    """Post every due posting now, in this process (what the worker's beat does periodically)."""
    from collections import Counter

    from erp.runtime import relay_due

    with user_errors():
        _sessions()
        outcomes = Counter(outcome.value for outcome in relay_due())
    out.print(", ".join(f"{count} {name}" for name, count in sorted(outcomes.items())) or "nothing due")


@app.command("erp-sandbox")
def erp_sandbox_command(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = SANDBOX_PORT,
    db: Annotated[Path, typer.Option(help="The sandbox's own SQLite file.")] = Path("var/erp-sandbox.db"),
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    latency_ms: Annotated[float, typer.Option(min=0, help="Time each posting takes.")] = 0.0,
    jitter_ms: Annotated[float, typer.Option(min=0, help="± random spread of that time.")] = 0.0,
    error_rate: Annotated[float, typer.Option(min=0, max=1, help="Share of postings answered 503.")] = 0.0,
    rate_limit: Annotated[
        str, typer.Option(help="Postings per second above which it answers 429, e.g. 50/s (0: none).")
    ] = "0",
) -> None:
    """A small real ERP receiver: stores projects, schedules and amendments, honours Idempotency-Key; with
    --latency-ms, --jitter-ms, --error-rate and --rate-limit it behaves like an ERP under load."""
    import uvicorn

    from erp.sandbox.app import Behaviour, create_sandbox

    try:
        limit = float(rate_limit.removesuffix("/s"))
    except ValueError:
        raise fail(f"--rate-limit {rate_limit!r}: give postings per second, e.g. 50/s") from None
    behaviour = Behaviour(latency_ms=latency_ms, jitter_ms=jitter_ms, error_rate=error_rate, rate_limit=limit)
    uvicorn.run(create_sandbox(db, behaviour), host=host, port=port, log_level="warning")
