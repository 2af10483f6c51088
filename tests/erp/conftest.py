"""ERP test fixtures: a real sandbox ERP server (subprocess), approved records made through review.approve."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from models.orm import Document
from models.record import HandoffRecord
from review.approval import approve
from review.users import create_user
from triage.store import store_check

HANDOFF = Path(sys.executable).parent / "handoff"
APPROVERS = ("approver-ana", "approver-ben")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not come up")


@dataclass
class Sandbox:
    url: str
    process: subprocess.Popen[bytes]

    def projects(self) -> list[dict[str, Any]]:
        answer: list[dict[str, Any]] = httpx.get(f"{self.url}/api/projects", timeout=5).json()
        return answer

    def stats(self) -> dict[str, Any]:
        answer: dict[str, Any] = httpx.get(f"{self.url}/admin/stats", timeout=5).json()
        return answer

    def arm(self, **faults: float) -> None:
        httpx.post(f"{self.url}/admin/faults", json=faults, timeout=5).raise_for_status()

    def reset(self) -> None:
        httpx.post(f"{self.url}/admin/reset", timeout=5).raise_for_status()


def start_sandbox(db: Path, port: int | None = None, *options: str) -> Sandbox:
    """A `handoff erp-sandbox` subprocess; `options` such as "--latency-ms", "200" shape its behaviour."""
    port = port or free_port()
    command = [str(HANDOFF), "erp-sandbox", "--port", str(port), "--db", str(db), *options]
    process = subprocess.Popen(command, env=os.environ.copy())
    sandbox = Sandbox(f"http://127.0.0.1:{port}", process)
    wait_for(f"{sandbox.url}/healthz")
    return sandbox


@pytest.fixture(scope="session")
def sandbox_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    sandbox = start_sandbox(tmp_path_factory.mktemp("erp") / "sandbox.db")
    yield sandbox
    sandbox.process.terminate()
    sandbox.process.wait(10)


@pytest.fixture
def sandbox(sandbox_server: Sandbox) -> Sandbox:
    """The sandbox ERP, emptied and with no faults armed."""
    sandbox_server.reset()
    return sandbox_server


def stored_document(session: Session, record: HandoffRecord, uploaded_by: str = "deal-desk") -> str:
    document = Document(
        sha256=record.document.sha256,
        filename=record.document.filename,
        media_type="application/pdf",
        size_bytes=100,
        pages=record.document.pages,
        parser=record.document.parser,
        parse_status="ok",
        ocr_pages=[],
        parsed={},
        storage_key=f"documents/{record.document.sha256}",
        uploaded_by=uploaded_by,
        status="ready_for_review",
    )
    session.add(document)
    session.commit()
    return document.id


def ensure_approvers(session: Session) -> None:
    from models.orm import User

    for name in APPROVERS:
        if session.query(User).filter_by(username=name).first() is None:
            create_user(session, "admin", name, ["approver"], password="a-long-test-password")


Approve = Callable[..., tuple[str, str, str]]


@pytest.fixture
def approve_record() -> Approve:
    """Store `record` as a document's draft version and approve it through review.approve; returns
    (document id, record version id, outbox entry id)."""

    def run(
        session: Session, record: HandoffRecord, on_approved: Callable[[str], None] | None = None
    ) -> tuple[str, str, str]:
        ensure_approvers(session)
        document_id = stored_document(session, record)
        version = store_check(session, document_id, record, [], created_by="pipeline")
        result = None
        for approver in APPROVERS:
            result = approve(session, approver, version.id, on_approved=on_approved)
            if result.approved:
                break
        assert result is not None and result.outbox_entry_id is not None
        return document_id, version.id, result.outbox_entry_id

    return run
