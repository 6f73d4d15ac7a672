"""GET/PUT /me/email-preferences on both stores: defaults (only *won* on), partial changes, strict
booleans and unknown topics refused (422, nothing changed), refused (403) before the address is
verified, and a signed-out caller gets 401."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import col

from data.models import User
from data.uow import UnitOfWork
from tests.api.support import API, body, error_fields, tokens
from tests.support.factories import make_user

PREFERENCES = f"{API}/me/email-preferences"


def signed_in(client: TestClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens(client, make_user())['access_token']}"}


def test_defaults_then_a_partial_change(client: TestClient) -> None:
    headers = signed_in(client)
    assert body(client.get(PREFERENCES, headers=headers), 200) == {
        "outbid": False, "won": True, "ending_soon": False, "offer_declined": False,
        "sending": True, "reason": None}
    saved = body(client.put(PREFERENCES, headers=headers, json={"outbid": True, "won": False}), 200)
    assert saved["outbid"] and not saved["won"] and not saved["ending_soon"]
    assert body(client.get(PREFERENCES, headers=headers), 200) == saved


def test_bad_input_is_refused_and_changes_nothing(client: TestClient) -> None:
    headers = signed_in(client)
    for bad, field in (({"outbid": "yes"}, "outbid"), ({"outbid": 1}, "outbid"), ({"sms": True}, "sms")):
        response = client.put(PREFERENCES, headers=headers, json=bad)
        body(response, 422)
        assert any(field in name for name in error_fields(response)), response.text
    assert body(client.get(PREFERENCES, headers=headers), 200)["outbid"] is False
    body(client.get(PREFERENCES), 401)


def test_an_unverified_address_reads_why_and_cannot_change(client: TestClient) -> None:
    user = make_user()
    with UnitOfWork() as uow:
        uow.session.execute(update(User).where(col(User.id) == user.id).values(email_verified_at=None))
        uow.commit()
    headers = {"Authorization": f"Bearer {tokens(client, user)['access_token']}"}
    read = body(client.get(PREFERENCES, headers=headers), 200)
    assert read["sending"] is False and "verify" in read["reason"]
    body(client.put(PREFERENCES, headers=headers, json={"outbid": True}), 403)
    assert body(client.get(PREFERENCES, headers=headers), 200)["outbid"] is False
