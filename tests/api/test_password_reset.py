"""POST /auth/password-reset (always 202, the same answer for unknown addresses) and /confirm (once);
POST /auth/verify-email; and a store application refused (403) until the address is verified."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from fastapi.testclient import TestClient
from sqlmodel import select

from data.models import EmailOutbox
from data.uow import UnitOfWork
from tests.api.support import API, body, error_fields, tokens
from tests.support.factories import PASSWORD, make_user

NEW_PASSWORD = "Brand-New-Pass-42"
CONFIRM = f"{API}/auth/password-reset/confirm"


def last_token(kind: str, to: str) -> str:
    with UnitOfWork(write=False) as uow:
        mail = uow.session.exec(select(EmailOutbox)
                                .where(EmailOutbox.kind == kind, EmailOutbox.to_address == to)
                                .order_by(EmailOutbox.id.desc())).first()  # type: ignore[union-attr]
    assert mail is not None
    url = next(word for word in mail.body.split() if word.startswith("http"))
    return parse_qs(urlparse(url).query)["token"][0]


def test_unknown_and_known_addresses_get_the_same_202(client: TestClient) -> None:
    user = make_user()
    known = client.post(f"{API}/auth/password-reset", json={"email": user.email})
    unknown = client.post(f"{API}/auth/password-reset", json={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert body(known, 202) is None and known.json() == unknown.json()


def test_confirm_works_once_and_ends_every_session(client: TestClient) -> None:
    user = make_user()
    old = tokens(client, user)
    body(client.post(f"{API}/auth/password-reset", json={"email": user.email}), 202)
    token = last_token("password_reset", user.email)
    confirm = {"token": token, "new_password": NEW_PASSWORD}
    body(client.post(CONFIRM, json=confirm), 200)
    again = client.post(CONFIRM, json=confirm | {"new_password": "Other-Pass-77"})
    body(again, 422)
    assert error_fields(again) == {"token"} and "already used" in again.text
    signed_out = {"Authorization": f"Bearer {old['access_token']}"}
    body(client.get(f"{API}/users/{user.id}", headers=signed_out), 401)
    body(client.post(f"{API}/auth/login", json={"email": user.email, "password": PASSWORD}), 401)
    tokens(client, user, NEW_PASSWORD)


def test_confirm_refuses_bad_input_clearly(client: TestClient) -> None:
    user = make_user()
    body(client.post(f"{API}/auth/password-reset", json={"email": user.email}), 202)
    token = last_token("password_reset", user.email)
    weak = client.post(CONFIRM, json={"token": token, "new_password": "abc"})
    assert weak.status_code == 422 and error_fields(weak) == {"new_password"}
    junk = client.post(CONFIRM, json={"token": "junk", "new_password": NEW_PASSWORD})
    assert junk.status_code == 422 and error_fields(junk) == {"token"}
    extra = client.post(f"{API}/auth/password-reset", json={"email": user.email, "user_id": 1})
    assert extra.status_code == 422
    body(client.post(CONFIRM, json={"token": token, "new_password": NEW_PASSWORD}),
         200)  # the refused attempts did not use the link up


def test_verify_email_then_apply_as_dealer(client: TestClient) -> None:
    user = body(client.post(f"{API}/auth/register", json={
        "email": "fresh@example.com", "name": "Fresh Person", "password": PASSWORD}), 201)
    pair = body(client.post(f"{API}/auth/login", json={"email": user["email"], "password": PASSWORD}), 200)
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    store = {"store_name": "Fresh Motors", "address": "4 FC Road, Shivajinagar", "city": "Pune",
             "postal_code": "411005", "phone": "+91 98220 00000"}
    refused = client.post(f"{API}/dealers", headers=headers, json=store)
    assert refused.status_code == 403 and "Verify your email" in refused.text
    verify = {"token": last_token("verify_email", user["email"])}
    body(client.post(f"{API}/auth/verify-email", json=verify), 200)
    body(client.post(f"{API}/dealers", headers=headers, json=store), 201)
