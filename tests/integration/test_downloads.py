"""Prepared reports reach only the user they were prepared for, once, streamed by the app's route."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from data.types import utcnow
from domain.accounts import auth
from domain.errors import Forbidden, NotFound, SessionExpired
from domain.reporting.downloads import TICKET_TTL, download_claim, download_offer
from tests.support.factories import PASSWORD, make_user
from ui.http import ROUTES
from ui.session import COOKIE_NAME


def prepared(folder: Path, text: str = "lot,hammer\n1,500000\n") -> Path:
    path = folder / "report-tmp.csv"
    path.write_text(text)
    return path


def signed_in(email: str) -> auth.SignedIn:
    make_user(email=email)
    return auth.user_login(email=email, password=PASSWORD, address="127.0.0.1")


def test_the_owner_fetches_the_file_once(store: str, data_dir: Path) -> None:
    owner = signed_in("owner@example.com")
    ticket = download_offer(owner.actor, prepared(data_dir), "sales.csv")
    with TestClient(Starlette(routes=ROUTES)) as client:
        client.cookies.set(COOKIE_NAME, owner.token)
        first = client.get("/downloads", params={"ticket": ticket})
        assert first.status_code == 200
        assert first.text == "lot,hammer\n1,500000\n"
        assert 'filename="sales.csv"' in first.headers["content-disposition"]
        again = client.get("/downloads", params={"ticket": ticket})
        assert again.status_code == 404 and "already been fetched" in again.text
    assert list((data_dir / "downloads").iterdir()) == []


def test_nobody_else_and_no_forged_or_stale_ticket_gets_it(store: str, data_dir: Path) -> None:
    owner, other = signed_in("owner@example.com"), signed_in("other@example.com")
    ticket = download_offer(owner.actor, prepared(data_dir), "bids.csv")
    with pytest.raises(Forbidden):
        download_claim(ticket, other.token)
    with pytest.raises(SessionExpired):
        download_claim(ticket, "")  # signed out
    with pytest.raises(SessionExpired):
        download_claim(ticket[:-4] + "AAAA", owner.token)  # tampered
    with pytest.raises(SessionExpired):
        download_claim(ticket, owner.token, now=utcnow() + TICKET_TTL + timedelta(seconds=1))
    with pytest.raises(SessionExpired):
        download_claim(owner.token, owner.token)  # a session token is not a download ticket
    with TestClient(Starlette(routes=ROUTES)) as client:
        client.cookies.set(COOKIE_NAME, other.token)
        assert client.get("/downloads", params={"ticket": ticket}).status_code == 403
        client.cookies.clear()
        assert client.get("/downloads", params={"ticket": ticket}).status_code == 401
    assert download_claim(ticket, owner.token).path.read_text().startswith("lot,hammer")


def test_a_logout_ends_the_link_too(store: str, data_dir: Path) -> None:
    owner = signed_in("owner@example.com")
    ticket = download_offer(owner.actor, prepared(data_dir), "audit.csv")
    auth.session_close(owner.token)
    with pytest.raises(SessionExpired):
        download_claim(ticket, owner.token)


def test_unclaimed_files_are_swept_once_their_ticket_expired(store: str, data_dir: Path) -> None:
    owner = signed_in("owner@example.com")
    then = utcnow() - TICKET_TTL * 2
    stale = download_offer(owner.actor, prepared(data_dir), "old.csv", now=then)
    (folder,) = (data_dir / "downloads").iterdir()
    os.utime(folder, (then.timestamp(), then.timestamp()))
    fresh = download_offer(owner.actor, prepared(data_dir), "new.csv")
    with pytest.raises(NotFound):
        download_claim(stale, owner.token, now=then + timedelta(minutes=1))
    assert download_claim(fresh, owner.token).file_name == "new.csv"
