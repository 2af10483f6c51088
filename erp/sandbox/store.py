"""The sandbox ERP's own SQLite database: projects, billing schedules, amendments and idempotency keys.

A posting and its idempotency key are written in one transaction, one writer at a time: the same key and
body again get the stored answer replayed; the same key with another body is refused.
"""

import hashlib
import json
import threading
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, create_engine, event, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker


class SandboxBase(DeclarativeBase):
    pass


class IdempotencyKey(SandboxBase):
    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    body_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    replays: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=lambda: datetime.now(UTC))


class Project(SandboxBase):
    __tablename__ = "projects"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    idempotency_key: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=lambda: datetime.now(UTC))


class Schedule(SandboxBase):
    __tablename__ = "billing_schedules"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    amendment_id: Mapped[str | None] = mapped_column(String(32))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class Amendment(SandboxBase):
    __tablename__ = "amendments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    idempotency_key: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=lambda: datetime.now(UTC))


class KeyReused(Exception):
    """The idempotency key was used before with a different body."""


class UnknownProject(Exception):
    pass


def body_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _fast_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """WAL without an fsync per commit: a sandbox's own disk must not be what a posting benchmark measures
    (with a sync per commit it caps near 250 postings/s here). Consistent after a crash; a power cut may
    lose the last postings, which a sandbox can afford."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class SandboxStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(f"sqlite:///{path}")
        event.listen(self.engine, "connect", _fast_sqlite)
        SandboxBase.metadata.create_all(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write = threading.Lock()

    def replayed(self, key: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        """The stored answer to `key`, if it was seen with this body; KeyReused if with another."""
        with self.sessions() as session:
            return self._replay(session, key, body)

    def _replay(self, session: Session, key: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        seen = session.get(IdempotencyKey, key)
        if seen is None:
            return None
        if seen.body_sha256 != body_hash(body):
            raise KeyReused(key)
        seen.replays += 1
        session.commit()
        return seen.status_code, seen.response

    def create_project(self, key: str, body: dict[str, Any]) -> tuple[int, dict[str, Any], bool]:
        """(status, answer, replayed): a new project and its schedule, or the answer stored for `key`."""
        with self._write, self.sessions() as session:
            replay = self._replay(session, key, body)
            if replay is not None:
                return (*replay, True)
            project = Project(id=self._next_id(session, Project, "PRJ"), body=body, idempotency_key=key)
            schedule = Schedule(
                id=self._next_id(session, Schedule, "SCH"),
                project_id=project.id,
                body=body["billing_schedule"],
            )
            answer = {"id": project.id, "schedule_id": schedule.id, "external_ref": body.get("external_ref")}
            session.add_all([project, schedule])
            session.flush()
            return self._remember(session, key, body, 201, answer)

    def create_amendment(
        self, project_id: str, key: str, body: dict[str, Any]
    ) -> tuple[int, dict[str, Any], bool]:
        with self._write, self.sessions() as session:
            replay = self._replay(session, key, body)
            if replay is not None:
                return (*replay, True)
            if session.get(Project, project_id) is None:
                raise UnknownProject(project_id)
            amendment = Amendment(
                id=self._next_id(session, Amendment, "AMD"),
                project_id=project_id,
                body=body,
                idempotency_key=key,
            )
            session.add(amendment)
            session.flush()
            schedule = Schedule(
                id=self._next_id(session, Schedule, "SCH"),
                project_id=project_id,
                amendment_id=amendment.id,
                body=body["billing_schedule"],
            )
            session.add(schedule)
            answer = {
                "id": amendment.id,
                "project_id": project_id,
                "schedule_id": schedule.id,
                "external_ref": body.get("external_ref"),
            }
            return self._remember(session, key, body, 201, answer)

    def _remember(
        self, session: Session, key: str, body: dict[str, Any], status: int, answer: dict[str, Any]
    ) -> tuple[int, dict[str, Any], bool]:
        session.add(IdempotencyKey(key=key, body_sha256=body_hash(body), status_code=status, response=answer))
        session.commit()
        return status, answer, False

    def _next_id(self, session: Session, table: type[SandboxBase], prefix: str) -> str:
        count = session.scalar(select(func.count()).select_from(table)) or 0
        return f"{prefix}-{count + 1:06d}"

    def projects(self) -> list[dict[str, Any]]:
        """Every project with its schedules and amendments, oldest first."""
        with self.sessions() as session:
            schedules: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for s in session.scalars(select(Schedule).order_by(Schedule.id)):
                schedules[s.project_id].append({"id": s.id, "amendment_id": s.amendment_id, **s.body})
            amendments: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for a in session.scalars(select(Amendment).order_by(Amendment.id)):
                amendments[a.project_id].append({"id": a.id, "idempotency_key": a.idempotency_key, **a.body})
            return [
                {
                    "id": project.id,
                    "idempotency_key": project.idempotency_key,
                    "created_at": project.created_at.isoformat(),
                    **project.body,
                    "schedules": schedules.get(project.id, []),
                    "amendments": amendments.get(project.id, []),
                }
                for project in session.scalars(select(Project).order_by(Project.id))
            ]

    def stats(self) -> dict[str, int]:
        with self.sessions() as session:
            return {
                "projects": session.scalar(select(func.count()).select_from(Project)) or 0,
                "schedules": session.scalar(select(func.count()).select_from(Schedule)) or 0,
                "amendments": session.scalar(select(func.count()).select_from(Amendment)) or 0,
                "idempotency_keys": session.scalar(select(func.count()).select_from(IdempotencyKey)) or 0,
                "replays": session.scalar(select(func.coalesce(func.sum(IdempotencyKey.replays), 0))) or 0,
            }

    def reset(self) -> None:
        with self._write, self.sessions() as session:
            for table in (Schedule, Amendment, Project, IdempotencyKey):
                session.query(table).delete()
            session.commit()
