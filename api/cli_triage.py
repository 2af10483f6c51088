"""Triage on the command line: `handoff check`, `handoff exceptions` and `handoff train-ranker`.

The commands register on the `handoff` app of api/cli.py, which imports this module on its last line.

`handoff check` of a change order looks its base record up in the configured database only with --store:
without it the command touches no database (as before) and compares the change order alone, saying so on
stderr. With --store a stored base makes the comparison a delta on it; the base's rows are only read.
"""

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import typer
from pydantic import ValidationError
from rich import box
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.cli_common import err, fail, out, user_errors
from extraction.engine import extract
from intake.parse import parse
from intake.service import ingest
from intake.settings import IntakeSettings, StorageSettings
from intake.storage import make_storage
from models.crm import CrmOpportunity
from models.db import DatabaseSettings, make_engine, session_factory, upgrade_database
from models.document import ParsedDocument
from models.exceptions import HandoffException
from models.orm import ExceptionStatus, utc_now
from models.record import HandoffRecord
from triage.crm import FileCrm
from triage.policy import load_policy
from triage.ranker import DEFAULT_MODEL_PATH, load_ranker
from triage.settings import CrmSettings, make_crm
from triage.store import (
    ExceptionView,
    base_notes,
    checked_exceptions,
    exceptions_csv,
    find_base_record,
    is_change_order,
    list_exceptions,
    store_check,
)

app = typer.Typer()

CLI_ACTOR: Final = "cli"
# A --crm value with one of these suffixes names a file, so a missing one is an error, not an opportunity id.
CRM_FILE_SUFFIXES: Final = frozenset({".json", ".csv"})
StatusChoice = Literal["open", "resolved", "waived", "all"]
NOT_LOOKED_UP: Final = (
    "change order compared alone: its value, the increment, stands for the whole engagement; "
    "run with --store to compare it as a delta on its stored base record"
)


class Database:
    """The database of HANDOFF_DATABASE_URL, migrated and connected on first use, disposed on exit."""

    def __init__(self) -> None:
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None

    def sessions(self) -> sessionmaker[Session]:
        if self._sessions is None:
            url = DatabaseSettings().database_url
            upgrade_database(url)
            self._engine = make_engine(url)
            self._sessions = session_factory(self._engine)
        return self._sessions

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


@contextmanager
def database() -> Iterator[Database]:
    opened = Database()
    try:
        yield opened
    finally:
        opened.dispose()


def crm_settings() -> CrmSettings:
    try:
        return CrmSettings()
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'crm'}: {e['msg']}" for e in error.errors())
        raise fail(f"invalid CRM settings (HANDOFF_CRM_*, HANDOFF_SALESFORCE_*): {problems}") from None


def resolve_opportunity(crm: str | None, db: Database) -> CrmOpportunity | None:
    """--crm: an existing file holds the one opportunity; anything else is an id for the configured CRM."""
    if crm is None:
        return None
    candidate = Path(crm)
    if candidate.is_file():
        return FileCrm.load(candidate).single()
    if candidate.suffix.lower() in CRM_FILE_SUFFIXES:
        raise FileNotFoundError(2, "No such file or directory", crm)
    settings = crm_settings()
    # Only the database backend reads through sessions: the others must not migrate or touch a database.
    sessions = db.sessions() if settings.crm_backend == "database" else sessionmaker()
    return make_crm(settings, sessions).get(crm)


def ingested(
    path: Path, data: bytes, db: Database, opportunity: CrmOpportunity | None
) -> tuple[str, ParsedDocument]:
    with db.sessions()() as session:
        result = ingest(
            data,
            path.name,
            session=session,
            storage=make_storage(StorageSettings()),
            settings=IntakeSettings(),
            crm_opportunity_id=opportunity.opportunity_id if opportunity else None,
        )
    return result.document_id, result.parsed


@app.command("check")
def check_command(
    path: Annotated[
        Path, typer.Argument(help="A SOW, proposal or change order (PDF, DOCX, Markdown, text).")
    ],
    crm: Annotated[
        str | None,
        typer.Option(
            "--crm",
            help="A CRM file (JSON or CSV) holding the opportunity, or an opportunity id resolved through "
            "the configured CRM (HANDOFF_CRM_BACKEND). Without it only the document rules run.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print {record, exceptions} as JSON.")] = False,
    policy_file: Annotated[
        Path | None, typer.Option("--policy", help="A triage policy (TOML) merged over the defaults.")
    ] = None,
    store: Annotated[
        bool,
        typer.Option(
            "--store/--no-store",
            help="Also ingest the document and store the record and its exceptions (`handoff exceptions`); "
            "a change order is then compared as a delta on its stored base record, if any.",
        ),
    ] = False,
) -> None:
    """Parse, extract and compare a document with its CRM opportunity; list the exceptions by revenue risk."""
    with user_errors(), database() as db:
        checked = run_check(path, crm, policy_file, db, store=store)
    for note in checked.notes:
        err.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)
    if as_json:
        print_check_json(checked)
    else:
        print_check_table(checked)


@dataclass(frozen=True)
class Checked:
    record: HandoffRecord
    opportunity: CrmOpportunity | None
    exceptions: list[HandoffException]
    stored: dict[str, Any] | None
    base_document_id: str | None
    notes: list[str]


def run_check(path: Path, crm: str | None, policy_file: Path | None, db: Database, *, store: bool) -> Checked:
    policy, model = load_policy(policy_file), load_ranker()
    data = path.read_bytes()
    opportunity = resolve_opportunity(crm, db)
    raised_at = utc_now()
    if not store:
        record = extract(parse(data, path.name, IntakeSettings()))
        exceptions = checked_exceptions(record, opportunity, policy, model, raised_at)
        notes = [NOT_LOOKED_UP] if is_change_order(record) else []
        return Checked(record, opportunity, exceptions, None, None, notes)
    document_id, doc = ingested(path, data, db, opportunity)
    record = extract(doc)
    with db.sessions()() as session:
        base = find_base_record(session, record, excluding=document_id)
        exceptions = checked_exceptions(
            record, opportunity, policy, model, raised_at, base[1] if base else None
        )
        version = store_check(
            session, document_id, record, exceptions, created_by=CLI_ACTOR, raised_at=raised_at
        )
    stored = {"document_id": document_id, "record_version": version.version}
    return Checked(
        record, opportunity, exceptions, stored, base[0] if base else None, base_notes(record, base)
    )


def print_check_json(checked: Checked) -> None:
    result: dict[str, Any] = {
        "record": checked.record.model_dump(mode="json"),
        "exceptions": [exception.model_dump(mode="json") for exception in checked.exceptions],
    }
    if checked.stored is not None:
        result["stored"] = checked.stored
    result["base_document_id"] = checked.base_document_id
    result["notes"] = checked.notes
    sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


def shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def print_check_table(checked: Checked) -> None:
    record, opportunity, exceptions = checked.record, checked.opportunity, checked.exceptions
    against = f"CRM opportunity {opportunity.opportunity_id}" if opportunity else "no CRM opportunity"
    if not exceptions:
        out.print(f"{record.document.filename}: no exceptions against {against}")
    table = Table(title=f"{record.document.filename} against {against}", box=box.SIMPLE_HEAD)
    for column in ("#", "severity", "code", "field", "document", "CRM", "at risk", "owner", "due (UTC)"):
        table.add_column(column, justify="right" if column in {"#", "at risk"} else "left")
    # The code says what is wrong: a narrow terminal squeezes the other columns, never this one.
    for index, values in ((2, [e.code for e in exceptions]),):
        table.columns[index].no_wrap = True
        table.columns[index].min_width = max(map(len, values), default=1)
    for exception in exceptions:
        table.add_row(
            shown(exception.rank),
            exception.severity.value,
            exception.code,
            shown(exception.field),
            shown(exception.document_value),
            shown(exception.crm_value),
            shown(exception.revenue_at_risk),
            shown(exception.owner_team),
            f"{exception.due_at:%Y-%m-%d %H:%M}" if exception.due_at else "",
        )
    if exceptions:
        out.print(table)
    for exception in exceptions:
        out.print(f"{exception.rank}. {exception.message}", markup=False, highlight=False, soft_wrap=True)
    currency = record.fields.currency.value
    out.print(f"{len(exceptions)} exceptions; amounts in {currency or 'the document currency'}")
    if checked.stored is not None:
        stored = checked.stored
        out.print(f"stored as record version {stored['record_version']} of document {stored['document_id']}")
    if checked.base_document_id is not None:
        base = checked.base_document_id
        out.print(f"compared as a change order on the stored record of document {base}", soft_wrap=True)


@app.command("exceptions")
def exceptions_command(
    output_format: Annotated[
        Literal["table", "csv", "json"], typer.Option("--format", help="How to print the list.")
    ] = "table",
    owner: Annotated[
        str | None, typer.Option("--owner", help="Only this owner team (finance, legal, pmo, sales_ops…).")
    ] = None,
    min_risk: Annotated[
        float | None, typer.Option("--min-risk", min=0.0, max=1.0, help="Only risk_score ≥ this (0..1).")
    ] = None,
    status: Annotated[StatusChoice, typer.Option("--status", help="Exception status, or all.")] = "open",
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most this many.")] = None,
) -> None:
    """List the exceptions of every stored document's latest record, most revenue at risk first."""
    with user_errors(), database() as db, db.sessions()() as session:
        views = list_exceptions(
            session,
            owner=owner,
            min_risk=min_risk,
            status=None if status == "all" else ExceptionStatus(status),
            limit=limit,
        )
    if output_format == "csv":
        sys.stdout.write(exceptions_csv(views))
    elif output_format == "json":
        sys.stdout.write(json.dumps([view.model_dump(mode="json") for view in views], indent=2) + "\n")
    else:
        print_exceptions_table(views)


def print_exceptions_table(views: Sequence[ExceptionView]) -> None:
    if not views:
        out.print("no exceptions")
        return
    table = Table(show_header=True)
    columns = ("#", "document", "severity", "code", "field", "revenue at risk", "risk", "owner", "due", "")
    for column in columns:
        table.add_column(column, justify="right" if column in {"#", "revenue at risk", "risk"} else "left")
    for position, view in enumerate(views, start=1):
        exception = view.exception
        table.add_row(
            str(position),
            view.filename,
            exception.severity.value,
            exception.code,
            shown(exception.field),
            shown(exception.revenue_at_risk),
            "" if exception.risk_score is None else f"{exception.risk_score:.2f}",
            shown(exception.owner_team),
            f"{view.due_at:%Y-%m-%d %H:%M}" if view.due_at else "",
            "[red]overdue[/red]" if view.overdue else "",
        )
    out.print(table)
    out.print(f"{len(views)} exceptions, {sum(view.overdue for view in views)} overdue")


@app.command("train-ranker")
def train_ranker_command(
    data: Annotated[
        Path | None,
        typer.Argument(
            help="training data file of labelled exceptions (handoff training-data ranker makes one)"
        ),
    ] = None,
    out_path: Annotated[Path, typer.Option("--out", help="Model file to write.")] = DEFAULT_MODEL_PATH,
    seed: Annotated[int, typer.Option("--seed", help="The estimators' random state.")] = 0,
    from_dispositions: Annotated[
        bool,
        typer.Option(
            "--from-dispositions",
            help="Learn from reviewers' dispositions in HANDOFF_DATABASE_URL instead (use the model with "
            "HANDOFF_RANKER_MODEL).",
        ),
    ] = False,
) -> None:
    """Fit the exception ranker's model file on a training data file of labelled exceptions, or on how
    reviewers closed real exceptions (--from-dispositions)."""
    if from_dispositions:
        _train_from_dispositions(out_path if out_path != DEFAULT_MODEL_PATH else DISPOSITIONS_MODEL_PATH)
        return
    if data is None:
        raise fail(
            "give a training data file (handoff training-data ranker PATH makes one) or --from-dispositions"
        )
    import hashlib
    import time

    from triage.ranker_fit import train_from_file  # scikit-learn takes a second to import

    started = time.perf_counter()
    with user_errors():
        model = train_from_file(data, out_path, seed)
    info = model.training
    out.print(
        f"wrote {out_path}: {info.examples} exceptions ({info.history}), billing-error rate "
        f"{info.billing_error_rate:.3f}, scikit-learn {info.sklearn_version}, "
        f"{time.perf_counter() - started:.1f} s",
        soft_wrap=True,
    )
    out.print(f"sha256 {hashlib.sha256(out_path.read_bytes()).hexdigest()}", highlight=False)


DISPOSITIONS_MODEL_PATH = Path("var/ranker-dispositions.json")
DISPOSITIONS_HISTORY = "dispositions up to "


def _disposed(after: Any = None) -> list[Any]:
    from models.db import DatabaseSettings, make_engine, session_factory
    from triage.dispositions import disposed_exceptions
    from triage.errors import CrmError
    from triage.settings import CrmSettings, make_crm

    engine = make_engine(DatabaseSettings().database_url)
    sessions = session_factory(engine)
    crm = make_crm(CrmSettings(), sessions)

    def opportunity_of(opportunity_id: str) -> Any:
        try:
            return crm.get(opportunity_id)
        except CrmError:
            return None

    with sessions() as session:
        found = disposed_exceptions(session, opportunity_of, after=after)
    engine.dispose()
    return found


def _train_from_dispositions(out_path: Path) -> None:
    from triage.ranker_fit import fit_ranker, save_ranker

    with user_errors():
        disposed = _disposed()
        if not disposed:
            raise fail("no exception has a disposition yet: reviewers set one when they close an exception")
        cutoff = max(item.raised_at for item in disposed)
        model = fit_ranker(
            [item.example for item in disposed], 0, f"{DISPOSITIONS_HISTORY}{cutoff.isoformat()}"
        )
        save_ranker(model, out_path)
    confirmed = sum(item.example.billing_error for item in disposed)
    out.print(
        f"wrote {out_path}: {len(disposed)} disposed exceptions ({confirmed} confirmed), up to {cutoff}"
    )
    out.print(f"use it with HANDOFF_RANKER_MODEL={out_path}", highlight=False)


@app.command("eval-dispositions")
def eval_dispositions_command(
    model_path: Annotated[
        Path | None,
        typer.Option("--model", help="Ranker model file [default: HANDOFF_RANKER_MODEL or shipped]."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
) -> None:
    """Compare the ranker with the amount-only baseline on reviewers' dispositions (NDCG@10 of confirmed
    money impact), counting only dispositions newer than what the model was trained on."""
    from datetime import datetime

    from evals.triage.dispositions import compare_on_dispositions
    from triage.settings import RankerSettings

    with user_errors():
        model = load_ranker(model_path or RankerSettings().ranker_model)
        history = model.training.history
        after = (
            datetime.fromisoformat(history.removeprefix(DISPOSITIONS_HISTORY))
            if history.startswith(DISPOSITIONS_HISTORY)
            else None
        )
        report = compare_on_dispositions(model, _disposed(after))
    report["trained_on"] = history
    if as_json:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
        return
    for key, value in report.items():
        out.print(f"{key:<28} {value}", highlight=False)
