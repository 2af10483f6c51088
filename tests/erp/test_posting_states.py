"""Postings as a state machine, property-tested (hypothesis): random sequences of approve-a-new-version,
deliver (the ERP accepts, fails for now, or refuses), a worker whose claim expired reporting late, and
replay of any posting. After every step:

- a posting that was sent stays sent, and the ERP made at most one project per idempotency key;
- the ERP is only ever sent the document's current approved version (never a superseded one);
- once the current version's posting is sent the document is `posted`, and nothing but a newer approved
  version moves it from there (no retry, late worker or replay sends it backwards).
"""

import itertools
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from erp.errors import ErpRejected, ErpUnavailable, NotReplayable
from erp.models import ErpReceipt, Posting
from erp.outbox import _failed, claim, deliver
from erp.postings import replay
from erp.settings import ErpSettings
from models.db import make_engine, session_factory, upgrade_database
from models.orm import Document, OutboxEntry, RecordStatus, RecordVersion
from review.approval import approve
from review.edits import correct_field
from review.users import create_user
from tests.erp.conftest import APPROVERS, ensure_approvers, stored_document
from tests.erp.records import milestone_record
from triage.store import store_check

ERP_SETTINGS = ErpSettings(erp_backoff_s=0, erp_max_backoff_s=0, erp_max_attempts=3, erp_claim_s=60)
EDITOR = "editor-eve"
OUTCOMES = ("ok", "transient", "permanent")
_documents = itertools.count()


class ScriptedErp:
    """An ERP whose next answer the test chooses; it keeps the first answer per idempotency key."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self.outcome = "ok"
        self.projects: dict[str, str] = {}
        self.posted_versions: list[tuple[str, str]] = []  # (version id, its status when posted)

    def post(self, posting: Posting, idempotency_key: str) -> ErpReceipt:
        with self.sessions() as session:
            version = session.get(RecordVersion, posting.record_version_id)
            assert version is not None
            self.posted_versions.append((version.id, version.status))
        if self.outcome == "transient":
            raise ErpUnavailable("the ERP answered 503")
        if self.outcome == "permanent":
            raise ErpRejected("the ERP refused the posting (422)")
        replayed = idempotency_key in self.projects
        reference = self.projects.setdefault(idempotency_key, f"PRJ-{len(self.projects) + 1}")
        return ErpReceipt(
            reference=reference, project_id=reference, status_code=201, replayed=replayed, body={}
        )


class PostingMachine(RuleBasedStateMachine):
    sessions: sessionmaker[Session]

    def __init__(self) -> None:
        super().__init__()
        self.erp = ScriptedErp(self.sessions)
        with self.sessions() as session:
            record = milestone_record(f"{next(_documents):064x}")
            self.document_id = stored_document(session, record)
            version = store_check(session, self.document_id, record, [], created_by="pipeline")
            self._approve(session, version.id)
        self.ever_sent: set[str] = set()
        self.posted_since_approval = False

    def _approve(self, session: Session, version_id: str) -> None:
        for approver in APPROVERS:
            if approve(session, approver, version_id).approved:
                return
        raise AssertionError("two approvers did not approve")

    def _entries(self, session: Session) -> list[OutboxEntry]:
        return list(
            session.scalars(
                select(OutboxEntry)
                .join(RecordVersion, OutboxEntry.record_version_id == RecordVersion.id)
                .where(RecordVersion.document_id == self.document_id)
                .order_by(OutboxEntry.created_at, OutboxEntry.id)
            )
        )

    def _pick(self, index: int) -> str:
        with self.sessions() as session:
            entries = self._entries(session)
            return entries[index % len(entries)].id

    @rule(name=st.text(alphabet="abcdefgh", min_size=1, max_size=6))
    def approve_a_new_version(self, name: str) -> None:
        with self.sessions() as session:
            latest = session.scalars(
                select(RecordVersion)
                .where(RecordVersion.document_id == self.document_id)
                .order_by(RecordVersion.version.desc())
            ).first()
            assert latest is not None
            result = correct_field(session, EDITOR, latest.id, "fields.project_name", f"Project {name}")
            if result.changed:
                self._approve(session, result.record_version_id)
                self.posted_since_approval = False

    @rule(index=st.integers(0, 20), outcome=st.sampled_from(OUTCOMES))
    def deliver_a_posting(self, index: int, outcome: str) -> None:
        self.erp.outcome = outcome
        deliver(self.sessions, self.erp, ERP_SETTINGS, self._pick(index))

    @rule(index=st.integers(0, 20), outcome=st.sampled_from(OUTCOMES))
    def a_late_worker_reports_after_another_finished(self, index: int, outcome: str) -> None:
        entry_id = self._pick(index)
        with self.sessions() as session:
            claimed = claim(session, ERP_SETTINGS, entry_id=entry_id)
        if not claimed:
            return
        self.erp.outcome = "ok"
        with self.sessions() as session:  # the claim expires; another worker delivers it
            session.get(OutboxEntry, entry_id).claimed_until = None  # type: ignore[union-attr]
            session.commit()
        deliver(self.sessions, self.erp, ERP_SETTINGS, entry_id)
        if outcome != "ok":  # ... and only now does the first worker hear its error
            error = ErpUnavailable("timeout") if outcome == "transient" else ErpRejected("422")
            with self.sessions() as session:
                _failed(session, entry_id, ERP_SETTINGS.erp_max_attempts, error, ERP_SETTINGS)

    @rule(index=st.integers(0, 20))
    def replay_a_posting(self, index: int) -> None:
        with self.sessions() as session:
            try:
                replay(session, "approver-ana", self._pick(index))
            except NotReplayable:
                session.rollback()

    @invariant()
    def postings_move_only_forward(self) -> None:
        with self.sessions() as session:
            document = session.get(Document, self.document_id)
            assert document is not None
            session.refresh(document)
            entries = self._entries(session)
            statuses = {entry.id: entry.status for entry in entries}
            assert self.ever_sent <= {entry_id for entry_id, status in statuses.items() if status == "sent"}
            self.ever_sent |= {entry_id for entry_id, status in statuses.items() if status == "sent"}
            current = [e for e in entries if e.record_version.status == RecordStatus.approved.value]
            assert len(current) == 1
            if current[0].status == "sent":
                self.posted_since_approval = True
            if self.posted_since_approval:
                assert document.status == "posted", (document.status, statuses)
            if document.status == "posted":
                assert current[0].status == "sent"
        assert all(status == RecordStatus.approved.value for _, status in self.erp.posted_versions)
        assert len(self.erp.projects) == len(set(self.erp.projects.values()))


@pytest.mark.slow
def test_no_sequence_of_posting_events_moves_a_document_backwards() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'postings.db'}"
        upgrade_database(url)
        engine = make_engine(url)
        sessions = session_factory(engine)
        with sessions() as session:
            ensure_approvers(session)
            create_user(session, "admin", EDITOR, ["reviewer"], password="a-long-test-password")
        PostingMachine.sessions = sessions
        run_state_machine_as_test(
            PostingMachine,
            settings=settings(
                max_examples=40,
                stateful_step_count=12,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
        engine.dispose()
