"""`handoff demo`: what `make run` loads so the product can be tried end to end.

Five generated documents — a retainer, a milestone and a capped time-and-materials SOW, a base contract
and a change order amending it — each with a CRM opportunity registered the way the CRM webhook would,
three of them with a planted difference between what was sold and what was signed (the retainer's amount,
a milestone the CRM's amount leaves out, a T&M end date a month off). They are ingested as the demo deal
desk (so the demo approvers may approve them) and run through the pipeline. Users come from
`handoff users seed-demo` (one per role and a second approver, for four-eyes).
"""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Final

import typer

from api.cli_common import files_in, out, user_errors

app = typer.Typer()

DEMO_DESK: Final = "demo-deal-desk"
SAMPLES: Final = Path("var/samples")


def demo_specs() -> list[tuple[str, Any]]:
    """(what the sample shows, its SowSpec), base contract before its change order."""
    from evals.sow.generator import generate_spec
    from models.record import BillingModel, DocumentType

    sow, change = DocumentType.sow, DocumentType.change_order

    def first(seed: int, **overrides: Any) -> Any:
        """The first spec from `seed` on whose dates are as signed (the generator also writes SOWs with a
        mistyped end date, to test the checks; the demo's point is elsewhere)."""
        return next(
            spec
            for candidate in range(seed, seed + 500)
            if not (spec := generate_spec(candidate, **overrides)).end_date_mistyped
        )

    retainer = first(7, document_type=sow, billing_model=BillingModel.retainer)
    milestone = first(8, document_type=sow, billing_model=BillingModel.milestone)
    time_and_materials = first(
        9, document_type=sow, billing_model=BillingModel.time_and_materials, capped=True
    )
    change_order = first(10, document_type=change, billing_model=BillingModel.milestone)
    assert change_order.change_order is not None
    base = next(
        spec
        for seed in range(11, 500)
        if (spec := first(seed, document_type=sow, billing_model=BillingModel.milestone)).currency
        == change_order.currency
    )
    base = base.model_copy(
        update={
            "doc_id": f"{base.doc_id}-base",
            "contract_number": change_order.change_order.original_number,
            "client": change_order.client,
            "provider": change_order.provider,
        }
    )
    return [
        ("retainer (CRM amount differs)", retainer),
        ("milestones (CRM amount leaves one out)", milestone),
        ("time and materials (CRM end date differs)", time_and_materials),
        ("base contract of the change order", base),
        ("change order", change_order),
    ]


def crm_opportunity(label: str, spec: Any) -> dict[str, Any]:
    """The CRM's view of a sample: its truth, with the planted difference of its label."""
    from evals.check.pairs import agreeing_crm
    from evals.sow.truth import truth

    values = {name: value for name, value in truth(spec).items() if not name.startswith("_")}
    crm = agreeing_crm(values, f"OPP-DEMO-{spec.seed}")
    amount = Decimal(str(values["total_contract_value"])) if values["total_contract_value"] else None
    if label.startswith("retainer") and amount is not None:
        crm["amount"] = float(amount * Decimal("1.1"))
    elif label.startswith("milestones") and amount is not None and spec.fees.milestones:
        crm["amount"] = float(amount - spec.fees.milestones[-1].amount)
    elif label.startswith("time and materials") and values["end_date"]:
        crm["end_date"] = (date.fromisoformat(values["end_date"]) + timedelta(days=31)).isoformat()
    return crm


@app.command("demo")
def demo_command(
    folder: Annotated[Path, typer.Option("--out", help="where the sample PDFs are written")] = SAMPLES,
) -> None:
    """Load the demo: sample SOWs (retainer, milestone, T&M, a change order and its base), their CRM
    opportunities with planted differences, ingested as the demo deal desk and checked."""
    from evals.sow.render import render_document
    from intake.service import ingest
    from intake.settings import IntakeSettings, StorageSettings
    from intake.storage import make_storage
    from models.crm import CrmOpportunity
    from models.db import DatabaseSettings, make_engine, session_factory, upgrade_database
    from models.orm import utc_now
    from pipeline.flow import submit_new, use_database
    from triage.crm_store import register_opportunity

    database = DatabaseSettings()
    with user_errors():
        upgrade_database(database.database_url)
        use_database(database.database_url)
        folder.mkdir(parents=True, exist_ok=True)
        sessions = session_factory(make_engine(database.database_url))
        storage, settings = make_storage(StorageSettings()), IntakeSettings()
        for label, spec in demo_specs():
            path = folder / f"{spec.doc_id}.pdf"
            path.write_bytes(render_document(spec).data)
            opportunity = CrmOpportunity.model_validate(crm_opportunity(label, spec))
            with sessions() as session:
                register_opportunity(session, opportunity, sent_at=utc_now(), source="demo")
                result = ingest(
                    path.read_bytes(),
                    path.name,
                    session=session,
                    storage=storage,
                    settings=settings,
                    uploaded_by=DEMO_DESK,
                    crm_opportunity_id=opportunity.opportunity_id,
                )
                submit_new(session, result.document_id, result.created)
            state = "" if result.created else " (already loaded)"
            out.print(f"{path.name}: {label}, CRM {opportunity.opportunity_id}{state}", markup=False)
    out.print(f"{len(files_in(folder))} sample documents in {folder}", markup=False)
