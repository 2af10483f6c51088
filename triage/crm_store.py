"""Opportunities registered ahead of their documents (table crm_opportunities), and `DbCrm`, the CRM adapter
that reads them.

A registration is an upsert by opportunity_id in one statement (INSERT … ON CONFLICT, SQLite and PostgreSQL),
so two deliveries of the same opportunity racing each other leave one row. A delivery signed before the
stored one is ignored: webhooks can arrive out of order, and the older one describes an older state.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from models.crm import CrmOpportunity
from models.orm import CrmOpportunityRow, new_id, utc_now
from triage.errors import OpportunityNotFound


def register_opportunity(
    session: Session, opportunity: CrmOpportunity, *, sent_at: datetime, source: str
) -> bool:
    """Store `opportunity` over a registration sent no later; False when a newer one is stored already."""
    values = {
        "payload": opportunity.model_dump(mode="json"),
        "source": source,
        "sent_at": sent_at,
        "received_at": utc_now(),
    }
    insert = (
        postgresql.insert(CrmOpportunityRow)
        if session.get_bind().dialect.name == "postgresql"
        else sqlite.insert(CrmOpportunityRow)
    )
    statement = insert.values(id=new_id(), opportunity_id=opportunity.opportunity_id, **values)
    upsert = statement.on_conflict_do_update(
        index_elements=[CrmOpportunityRow.opportunity_id],
        set_=values,
        where=CrmOpportunityRow.sent_at <= statement.excluded.sent_at,
    ).returning(CrmOpportunityRow.opportunity_id)
    # The conflict's WHERE leaves a newer stored row untouched, and then no row is returned.
    written = session.execute(upsert).scalar_one_or_none()
    session.commit()
    return written is not None


def registered_opportunity(session: Session, opportunity_id: str) -> CrmOpportunityRow:
    row = session.scalars(
        select(CrmOpportunityRow).where(CrmOpportunityRow.opportunity_id == opportunity_id)
    ).one_or_none()
    if row is None:
        raise OpportunityNotFound(f"no opportunity {opportunity_id} has been registered")
    return row


class DbCrm:
    """The opportunities the CRM webhook registered, one short session per lookup."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def get(self, opportunity_id: str) -> CrmOpportunity:
        with self._sessions() as session:
            return CrmOpportunity.model_validate(registered_opportunity(session, opportunity_id).payload)
