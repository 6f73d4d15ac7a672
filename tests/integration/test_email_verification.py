"""Email verification on both stores: registration queues the link in its own transaction; following
it verifies the address; until then the account may bid but not apply to sell."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from sqlmodel import select

from data.models import EmailOutbox, User
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts import dealers, email_verification
from domain.accounts import users as accounts
from domain.errors import EmailNotVerified, EmailTaken, ValidationFailed
from tests.support.factories import PASSWORD, make_user

STORE = {"store_name": "Asha Motors", "address": "4 FC Road, Shivajinagar", "city": "Pune",
         "postal_code": "411005", "phone": "+91 98220 00000"}


def mails(kind: str = "verify_email") -> list[EmailOutbox]:
    with UnitOfWork(write=False) as uow:
        return list(uow.session.exec(select(EmailOutbox).where(EmailOutbox.kind == kind)).all())


def token_in(body: str) -> str:
    url = next(word for word in body.split() if word.startswith("http"))
    assert urlparse(url).path == "/verify_email"
    return parse_qs(urlparse(url).query)["token"][0]


def test_registration_sends_a_link_that_verifies_the_address(store: str) -> None:
    actor = accounts.user_register(email="new@example.com", name="New Person", password=PASSWORD)
    [mail] = mails()
    assert mail.to_address == "new@example.com"
    assert not email_verification.email_verified(actor)
    with pytest.raises(EmailNotVerified):
        dealers.dealer_apply(actor, **STORE)
    assert email_verification.email_verify(token_in(mail.body)) == "new@example.com"
    assert email_verification.email_verified(actor)
    assert email_verification.email_verify(token_in(mail.body)) == "new@example.com"  # again: harmless
    assert dealers.dealer_apply(actor, **STORE).status == "pending"


def test_a_failed_registration_sends_nothing(store: str) -> None:
    make_user(email="taken@example.com")
    before = len(mails())
    with pytest.raises(EmailTaken):
        accounts.user_register(email="TAKEN@example.com", name="Other Person", password=PASSWORD)
    assert len(mails()) == before


def test_an_expired_or_foreign_link_is_refused(store: str) -> None:
    accounts.user_register(email="slow@example.com", name="Slow Person", password=PASSWORD)
    token = token_in(mails()[0].body)
    with pytest.raises(ValidationFailed, match="expired"):
        email_verification.email_verify(token, now=utcnow() + timedelta(hours=2))
    with UnitOfWork() as uow:  # the address changed since the link was sent: it no longer applies
        user = uow.session.exec(select(User).where(User.email == "slow@example.com")).one()
        user.email = "changed@example.com"
        uow.commit()
    with pytest.raises(ValidationFailed):
        email_verification.email_verify(token)


def test_resend_is_limited_and_stops_once_verified(store: str) -> None:
    actor = accounts.user_register(email="again@example.com", name="Again Person", password=PASSWORD)
    for _ in range(5):
        email_verification.verification_resend(actor)
    assert len(mails()) == 3  # the registration's link and two more within the hour
    email_verification.email_verify(token_in(mails()[-1].body))
    assert "already verified" in email_verification.verification_resend(actor)
