"""Password reset by email on both stores: the outbox row is written in the request's transaction, a
link works once and expires, and the mailer delivers through a real SMTP server, retrying failures."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from sqlmodel import select

from data.models import AuthSession, EmailOutbox
from data.settings import get_settings
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts import auth, email_links, password_reset
from domain.errors import InvalidCredentials, SessionExpired, ValidationFailed
from ops import mailer
from tests.support.factories import PASSWORD, make_user
from tests.support.smtp import Inbox

NEW_PASSWORD = "Brand-New-Pass-42"


def outbox() -> list[EmailOutbox]:
    with UnitOfWork(write=False) as uow:
        return list(uow.session.exec(select(EmailOutbox).where(EmailOutbox.kind == "password_reset")
                                     .order_by(EmailOutbox.id)).all())  # type: ignore[arg-type]


def token_in(body: str) -> str:
    url = next(word for word in body.split() if word.startswith("http"))
    return parse_qs(urlparse(url).query)["token"][0]


def ask(email: str) -> str:
    password_reset.password_reset_request(email)
    return token_in(outbox()[-1].body)


def test_request_queues_one_email_with_a_link_to_the_reset_page(store: str) -> None:
    user = make_user(email="reset@example.com")
    answer = password_reset.password_reset_request("  Reset@Example.com ")
    [row] = outbox()
    assert row.to_address == user.email and row.kind == "password_reset" and row.status == "pending"
    assert f"{get_settings().app_base_url}/reset_password?token=" in row.body
    assert answer == password_reset.password_reset_request("nobody@example.com")  # the same answer
    assert len(outbox()) == 1  # an unknown address queues nothing


@pytest.mark.parametrize("typed", ["", "   ", "forgetful.example.com"])
def test_a_request_without_an_address_is_refused_and_queues_nothing(store: str, typed: str) -> None:
    """An empty or mistyped address is told so: "a link is on its way" would send them to wait for it."""
    make_user(email="forgetful@example.com")
    with pytest.raises(ValidationFailed) as refused:
        password_reset.password_reset_request(typed)
    assert "Email" in refused.value.problems["email"]
    assert outbox() == []


def test_a_rolled_back_request_writes_no_email(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    make_user(email="rollback@example.com")

    def audit_fails(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the store failed mid-request")

    monkeypatch.setattr(UnitOfWork, "audit", audit_fails)
    with pytest.raises(RuntimeError):
        password_reset.password_reset_request("rollback@example.com")
    assert outbox() == []


def test_requests_are_limited_per_address_per_hour(store: str) -> None:
    make_user(email="spam@example.com")
    for _ in range(get_settings().password_resets_per_hour + 3):
        password_reset.password_reset_request("spam@example.com")
    assert len(outbox()) == get_settings().password_resets_per_hour


def test_a_link_sets_the_password_once_and_signs_out_everywhere(store: str) -> None:
    user = make_user(email="once@example.com")
    signed_in = auth.user_login(email=user.email, password=PASSWORD, address="a")
    token = ask(user.email)
    assert password_reset.password_reset_confirm(token, NEW_PASSWORD) == user.email
    with pytest.raises(ValidationFailed, match="already used"):
        password_reset.password_reset_confirm(token, "Another-Pass-77")
    with pytest.raises(SessionExpired):
        auth.session_resolve(signed_in.token)
    with pytest.raises(InvalidCredentials):
        auth.user_login(email=user.email, password=PASSWORD, address="a")
    assert auth.user_login(email=user.email, password=NEW_PASSWORD, address="a").actor.id == user.id
    with UnitOfWork(write=False) as uow:
        open_sessions = uow.session.exec(select(AuthSession).where(AuthSession.revoked_at == None)).all()  # noqa: E711
    assert len(open_sessions) == 1


def test_a_link_expires(store: str) -> None:
    user = make_user(email="late@example.com")
    token = ask(user.email)
    later = utcnow() + timedelta(minutes=get_settings().password_reset_minutes + 1)
    with pytest.raises(ValidationFailed, match="expired"):
        password_reset.password_reset_confirm(token, NEW_PASSWORD, now=later)


def test_a_weak_password_or_forged_token_changes_nothing(store: str) -> None:
    user = make_user(email="weak@example.com")
    token = ask(user.email)
    with pytest.raises(ValidationFailed) as weak:
        password_reset.password_reset_confirm(token, "short")
    assert "new_password" in weak.value.problems
    with pytest.raises(ValidationFailed) as forged:
        password_reset.password_reset_confirm(token[:-4] + "AAAA", NEW_PASSWORD)
    assert "token" in forged.value.problems
    assert password_reset.password_reset_confirm(token, NEW_PASSWORD) == user.email  # still unused


def test_a_verification_token_is_not_a_reset_token(store: str) -> None:
    user = make_user(email="purpose@example.com")
    with UnitOfWork() as uow:
        row = uow.session.get(email_links.User, user.id)
        assert row is not None
        token = email_links.link_token(row, email_links.VERIFY, now=utcnow(), ttl=timedelta(minutes=5))
    with pytest.raises(ValidationFailed):
        password_reset.password_reset_confirm(token, NEW_PASSWORD)


def test_the_mailer_delivers_through_smtp_and_marks_it_sent(store: str, inbox: Inbox) -> None:
    user = make_user(email="deliver@example.com")
    assert mailer.deliver_due(mailer.smtp_send(get_settings())) == {"sent": 1, "failed": 0}  # verify link
    password_reset.password_reset_request(user.email)
    assert mailer.deliver_due(mailer.smtp_send(get_settings())) == {"sent": 1, "failed": 0}
    message = inbox.to(user.email)[-1]
    assert message["Subject"] == "Reset your AutoGavel password"
    assert token_in(inbox.link(user.email)) == token_in(outbox()[0].body)
    [row] = outbox()
    assert row.status == "sent" and row.attempts == 1 and row.sent_at is not None
    assert mailer.deliver_due(mailer.smtp_send(get_settings())) == {"sent": 0, "failed": 0}
    assert len(inbox.messages) == 2  # never sent twice


def test_the_mailer_retries_with_backoff_after_a_failure(store: str, inbox: Inbox) -> None:
    user = make_user(email="retry@example.com")
    mailer.deliver_due(mailer.smtp_send(get_settings()))  # the registration's verify link
    password_reset.password_reset_request(user.email)
    inbox.refuse = 1
    now = utcnow()
    send = mailer.smtp_send(get_settings())
    assert mailer.deliver_due(send, now=now) == {"sent": 0, "failed": 1}
    [row] = outbox()
    assert row.status == "pending" and row.attempts == 1 and "451" in (row.last_error or "")
    assert mailer.deliver_due(send, now=now + timedelta(seconds=5)) == {"sent": 0, "failed": 0}  # backing off
    assert mailer.deliver_due(send, now=now + mailer.retry_delay(1)) == {"sent": 1, "failed": 0}
    assert len(inbox.to(user.email)) == 2 and outbox()[0].status == "sent"


def test_the_mailer_gives_up_after_the_last_attempt(store: str, inbox: Inbox,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    make_user(email="never@example.com")
    mailer.deliver_due(mailer.smtp_send(get_settings()))  # the registration's verify link
    password_reset.password_reset_request("never@example.com")
    monkeypatch.setenv("SMTP_PORT", "1")  # nothing listens there: the connection is refused
    get_settings.cache_clear()
    when = utcnow()
    for attempt in range(1, mailer.MAX_ATTEMPTS + 1):
        assert mailer.deliver_due(mailer.smtp_send(get_settings()), now=when)["failed"] == 1
        when += mailer.retry_delay(attempt)
    [row] = outbox()
    assert row.status == "failed" and row.attempts == mailer.MAX_ATTEMPTS


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [mailer.retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert mailer.retry_delay(50) == timedelta(hours=1)


def test_one_link_used_twice_at_once_sets_one_password(store: str) -> None:
    user = make_user(email="race@example.com")
    token = ask(user.email)
    passwords = [f"Racing-Pass-{n}{n}" for n in range(4)]
    barrier = threading.Barrier(len(passwords))

    def use(password: str) -> str:
        barrier.wait()
        try:
            password_reset.password_reset_confirm(token, password)
            return password
        except ValidationFailed:
            return ""

    with ThreadPoolExecutor(len(passwords)) as pool:
        winners = [p for p in pool.map(use, passwords) if p]
    assert len(winners) == 1
    assert auth.user_login(email=user.email, password=winners[0], address="a").actor.id == user.id
