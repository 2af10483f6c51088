"""Users, sign-in with throttling, sessions, CSRF and API tokens against a real database."""

import contextlib
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.orm import ApiToken, LoginAttempt, User, WebSession, utc_now
from review.audit import USER, list_audit
from review.auth import (
    authenticate,
    check_csrf,
    create_session,
    create_token,
    list_tokens,
    lookup_session,
    lookup_token,
    revoke_session,
    revoke_token,
    sha256,
)
from review.errors import Conflict, CsrfFailed, InvalidCredentials, InvalidValue, LoginThrottled, NotFound
from review.settings import ReviewSettings
from review.throttle import new_device
from review.users import DEMO_USERS, create_user, list_users, seed_demo_users
from tests.review.builders import PASSWORD, add_users

SETTINGS = ReviewSettings(login_max_failures=5, login_window_minutes=15)


def user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def test_created_user_signs_in_with_an_argon2_hash(session: Session) -> None:
    created = create_user(session, "cli", "rita", ["reviewer"], password="a long enough password")

    assert created.password is None
    stored = user(session, "rita")
    assert stored.password_hash.startswith("$argon2id$")
    assert authenticate(session, "Rita", "a long enough password", "10.0.0.1").username == "rita"
    with pytest.raises(InvalidCredentials):
        authenticate(session, "rita", "wrong password", "10.0.0.1")
    with pytest.raises(InvalidCredentials):
        authenticate(session, "nobody", "a long enough password", "10.0.0.1")


def test_a_generated_password_is_returned_once_and_works(session: Session) -> None:
    created = create_user(session, "cli", "alex", ["approver", "reviewer"])

    assert created.password is not None and len(created.password) >= 20
    assert authenticate(session, "alex", created.password, "c").roles == ["approver", "reviewer"]


def test_bad_users_are_refused(session: Session) -> None:
    with pytest.raises(InvalidValue):
        create_user(session, "cli", "Bad Name", ["reviewer"])
    with pytest.raises(InvalidValue):
        create_user(session, "cli", "ok", ["superuser"])
    with pytest.raises(InvalidValue):
        create_user(session, "cli", "ok", ["reviewer"], password="short")
    create_user(session, "cli", "ok", ["reviewer"])
    with pytest.raises(Conflict):
        create_user(session, "cli", "ok", ["pmo"])


def test_an_inactive_user_cannot_sign_in(session: Session) -> None:
    add_users(session)
    user(session, "rita").active = False
    session.commit()

    with pytest.raises(InvalidCredentials):
        authenticate(session, "rita", PASSWORD, "c")


def fail_at(
    session: Session, username: str, client: str, moment: datetime, device: str | None = None
) -> None:
    with pytest.raises(InvalidCredentials):
        authenticate(session, username, "guess", client, device=device, settings=SETTINGS, now=moment)


def test_failures_of_an_account_back_off_exponentially_without_a_fixed_lock_out(session: Session) -> None:
    add_users(session)
    now = utc_now()
    for second in range(5):
        fail_at(session, "rita", f"10.0.0.{second}", now + timedelta(seconds=second))

    with pytest.raises(LoginThrottled) as first:  # from yet another address: the account is what counts
        authenticate(
            session, "rita", PASSWORD, "10.9.9.9", settings=SETTINGS, now=now + timedelta(seconds=4.5)
        )
    assert first.value.retry_after == 2  # 2 s after the last failure
    fail_at(session, "rita", "10.0.0.7", now + timedelta(seconds=7))
    with pytest.raises(LoginThrottled) as doubled:
        authenticate(session, "rita", PASSWORD, "10.9.9.9", settings=SETTINGS, now=now + timedelta(seconds=8))
    assert doubled.value.retry_after == 3  # the wait doubled to 4 s, from 7 s

    later = now + timedelta(seconds=12)
    assert (
        authenticate(session, "rita", PASSWORD, "10.9.9.9", settings=SETTINGS, now=later).username == "rita"
    )
    refused = session.scalars(select(LoginAttempt).where(LoginAttempt.client == "10.9.9.9")).all()
    assert [attempt.success for attempt in refused] == [True]  # throttled tries are not failures


def test_a_browser_that_signed_in_before_is_not_kept_out_by_others_failures(session: Session) -> None:
    add_users(session)
    now = utc_now()
    device = new_device()
    authenticate(session, "rita", PASSWORD, "10.0.0.1", device=device, settings=SETTINGS, now=now)
    for second in range(40):  # someone else, from many addresses, aims failures at rita
        moment = now + timedelta(seconds=1 + second)
        with contextlib.suppress(LoginThrottled):
            fail_at(session, "rita", f"10.1.0.{second}", moment)

    with pytest.raises(LoginThrottled):
        authenticate(
            session, "rita", PASSWORD, "10.2.0.1", settings=SETTINGS, now=now + timedelta(seconds=42)
        )
    owner = authenticate(
        session,
        "rita",
        PASSWORD,
        "10.2.0.1",
        device=device,
        settings=SETTINGS,
        now=now + timedelta(seconds=42),
    )
    assert owner.username == "rita"
    # a known browser's own failures still back off
    for second in range(5):
        fail_at(session, "rita", "10.0.0.1", now + timedelta(seconds=50 + second), device=device)
    with pytest.raises(LoginThrottled):
        authenticate(
            session,
            "rita",
            PASSWORD,
            "10.0.0.1",
            device=device,
            settings=SETTINGS,
            now=now + timedelta(seconds=55),
        )


def test_one_address_cannot_walk_through_the_user_list(session: Session) -> None:
    add_users(session)
    now = utc_now()
    settings = ReviewSettings(login_address_max_failures=10)
    for second in range(10):
        with pytest.raises(InvalidCredentials):
            authenticate(session, f"user{second}", "guess", "10.6.6.6", settings=settings, now=now)

    with pytest.raises(LoginThrottled) as throttled:
        authenticate(session, "rita", PASSWORD, "10.6.6.6", settings=settings, now=now + timedelta(seconds=1))
    assert "from this address" in throttled.value.detail
    assert authenticate(session, "rita", PASSWORD, "10.7.7.7", settings=settings, now=now).username == "rita"


def test_password_spraying_from_many_addresses_slows_every_unknown_browser(session: Session) -> None:
    add_users(session)
    now = utc_now()
    device = new_device()
    settings = ReviewSettings(login_global_failures_per_minute=12)
    authenticate(session, "alex", PASSWORD, "10.0.0.1", device=device, settings=settings, now=now)
    for index in range(12):  # one password tried once per user, each from its own address
        with pytest.raises(InvalidCredentials):
            authenticate(
                session, f"user{index}", "Summer2026!", f"10.3.0.{index}", settings=settings, now=now
            )

    with pytest.raises(LoginThrottled) as spraying:
        authenticate(session, "rita", PASSWORD, "10.4.0.1", settings=settings, now=now + timedelta(seconds=5))
    assert "across all accounts" in spraying.value.detail and 50 <= spraying.value.retry_after <= 60
    known = authenticate(session, "alex", PASSWORD, "10.0.0.1", device=device, settings=settings, now=now)
    assert known.username == "alex"
    after = now + timedelta(seconds=61)
    assert (
        authenticate(session, "rita", PASSWORD, "10.4.0.1", settings=settings, now=after).username == "rita"
    )


def test_throttling_is_audited_once_a_minute(session: Session) -> None:
    add_users(session)
    now = utc_now()
    for _ in range(5):
        fail_at(session, "rita", "10.0.0.9", now)
    for tries in range(3):
        with pytest.raises(LoginThrottled):
            authenticate(
                session,
                "rita",
                "guess",
                "10.0.0.9",
                settings=SETTINGS,
                now=now + timedelta(seconds=tries / 10),
            )

    events = list_audit(session, entity_type=USER, entity_id="rita")
    throttled = [event for event in events if event.action == "login.throttled"]
    assert len(throttled) == 1 and throttled[0].actor == "anonymous@10.0.0.9"
    assert throttled[0].after["reason"] == "for this account"


def test_a_success_clears_earlier_failures(session: Session) -> None:
    add_users(session)
    now = utc_now()
    for second in range(4):
        with pytest.raises(InvalidCredentials):
            authenticate(
                session, "rita", "guess", "c", settings=SETTINGS, now=now + timedelta(seconds=second)
            )
    authenticate(session, "rita", PASSWORD, "c", settings=SETTINGS, now=now + timedelta(seconds=5))
    for second in range(4):
        with pytest.raises(InvalidCredentials):
            authenticate(
                session, "rita", "guess", "c", settings=SETTINGS, now=now + timedelta(seconds=6 + second)
            )

    assert len(session.scalars(select(LoginAttempt)).all()) == 9


def test_sessions_store_only_a_hash_expire_and_revoke(session: Session) -> None:
    add_users(session)
    secret, row = create_session(session, user(session, "rita"), settings=ReviewSettings(session_hours=1))

    assert row.id == sha256(secret) and secret not in {w.id for w in session.scalars(select(WebSession))}
    found = lookup_session(session, secret)
    assert found is not None and found.user.username == "rita"
    assert lookup_session(session, secret + "x") is None
    assert lookup_session(session, secret, now=utc_now() + timedelta(hours=2)) is None
    revoke_session(session, secret)
    assert lookup_session(session, secret) is None


def test_csrf_token_must_match(session: Session) -> None:
    add_users(session)
    _, row = create_session(session, user(session, "rita"))

    check_csrf(row, row.csrf_token)
    for wrong in (None, "", row.csrf_token[:-1], row.csrf_token + "0"):
        with pytest.raises(CsrfFailed):
            check_csrf(row, wrong)


def test_api_tokens_are_shown_once_looked_up_by_hash_and_revoked(session: Session) -> None:
    add_users(session)
    made = create_token(session, "rita", "rita", "laptop")

    assert made.token.startswith("hnd_")
    assert session.scalars(select(ApiToken.token_sha256)).one() == sha256(made.token)
    found = lookup_token(session, made.token)
    assert found is not None and found.username == "rita"
    assert lookup_token(session, made.token[:-2]) is None
    assert [t.name for t in list_tokens(session, "rita")] == ["laptop"]
    with pytest.raises(NotFound):
        revoke_token(session, user(session, "alex"), made.view.id)
    revoke_token(session, user(session, "rita"), made.view.id)
    assert lookup_token(session, made.token) is None


def test_an_admin_revokes_anyones_token(session: Session) -> None:
    add_users(session)
    made = create_token(session, "rita", "rita", "ci")

    assert revoke_token(session, user(session, "ada"), made.view.id).revoked_at is not None


def test_seed_demo_is_idempotent(session: Session) -> None:
    first = seed_demo_users(session, "make run")
    again = seed_demo_users(session, "make run")

    assert [c.user.username for c in first] == [name for name, _ in DEMO_USERS]
    assert all(c.password for c in first)
    assert all(c.password is None for c in again)
    assert len(list_users(session)) == len(DEMO_USERS)
    assert authenticate(session, first[0].user.username, first[0].password or "", "c")
