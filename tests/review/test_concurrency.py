"""Two approvers approving one record at the same moment, on SQLite and PostgreSQL: the lock approve takes
serialises them, so the second sees the first's approval and the record is approved exactly once."""

import threading

from models.db import make_engine, session_factory, upgrade_database
from models.orm import RecordVersion
from review.approval import approve
from tests.review.builders import add_users, checked_document, outbox_count


def test_two_concurrent_approvals_approve_once(database_url: str) -> None:
    upgrade_database(database_url)
    engine = make_engine(database_url)
    sessions = session_factory(engine)
    with sessions() as session:
        add_users(session)
        version_id = checked_document(session, total=480000).id
    start = threading.Barrier(2)
    results: dict[str, bool] = {}

    def approve_as(actor: str) -> None:
        with sessions() as session:
            start.wait()
            results[actor] = approve(session, actor, version_id).approved

    threads = [threading.Thread(target=approve_as, args=(actor,)) for actor in ("alex", "bea")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    with sessions() as session:
        version = session.get(RecordVersion, version_id)
        assert version is not None and version.status == "approved"
        assert outbox_count(session) == 1
    engine.dispose()
    assert sorted(results.values()) == [False, True]
