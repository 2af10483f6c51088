"""The ERP side of one process: its database sessions, its ERP adapter and settings, made once from the env.

Celery tasks and the embedded relay call these; tests that change HANDOFF_* call `reset()` in between.
"""

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy.orm import Session, sessionmaker

from erp.mapping import load_erp_mapping
from erp.outbox import Outcome, deliver, relay
from erp.ratelimit import RateLimiter
from erp.rest import RestErp
from erp.settings import ErpSettings
from models.db import DatabaseSettings, make_engine, session_factory


@dataclass(frozen=True)
class ErpRuntime:
    sessions: sessionmaker[Session]
    erp: RestErp
    settings: ErpSettings
    limiter: RateLimiter


_database: dict[str, str] = {}


def use_database(url: str) -> None:
    """Post from `url` (the app's database) instead of HANDOFF_DATABASE_URL."""
    if _database.get("url") != url:
        reset()
        _database["url"] = url


@lru_cache(maxsize=1)
def runtime() -> ErpRuntime:
    settings = ErpSettings()
    sessions = session_factory(make_engine(_database.get("url") or DatabaseSettings().database_url))
    erp = RestErp(settings, load_erp_mapping(settings.erp_mapping))
    return ErpRuntime(sessions, erp, settings, RateLimiter(settings.erp_rate_limit_per_s))


def reset() -> None:
    if runtime.cache_info().currsize:
        current = runtime()
        current.erp.close()
        bind = current.sessions.kw.get("bind")
        if bind is not None:
            bind.dispose()
    runtime.cache_clear()


def post_entry(entry_id: str) -> Outcome:
    current = runtime()
    return deliver(current.sessions, current.erp, current.settings, entry_id, current.limiter)


def relay_due(budget_s: float | None = None) -> list[Outcome]:
    current = runtime()
    return relay(current.sessions, current.erp, current.settings, current.limiter, budget_s)


def drain() -> list[Outcome]:
    """What a worker's posting task does after its own posting: post whatever else is due, up to
    `erp_concurrency` in flight, for `erp_drain_s`. Month end queues thousands of tasks; the first ones post
    the backlog concurrently and the rest find their posting sent (claims keep it exactly once)."""
    current = runtime()
    if current.settings.erp_drain_s <= 0:
        return []
    return relay_due(current.settings.erp_drain_s)
