"""The fast read path: public read models are cached for a second per process, but every request still
checks its session in the store, and a bidder's own bid shows on the board at once."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from api.cache import Fresh
from data.models import Auction
from data.uow import UnitOfWork
from domain.oversight import admin
from domain.types import Role, UserStatus
from tests.api.support import API, auth, body
from tests.support.factories import PASSWORD, live_lot, make_admin, make_user

READS = ("/auctions?phase=live", "/cars/search?sort=newest", "/lots/{lot}")


def test_your_own_bid_shows_on_the_board_at_once(client: TestClient) -> None:
    lot = live_lot()
    headers = auth(client, make_user())
    before = body(client.get(f"{API}/lots/{lot.id}", headers=headers), 200)  # now cached
    assert before["price"] is None and not before["you_lead"]
    body(client.post(f"{API}/bids", headers=headers, json={"lot_id": lot.id, "max_amount": "350000"}), 201)
    after = body(client.get(f"{API}/lots/{lot.id}", headers=headers), 200)
    assert after["you_lead"] and Decimal(after["price"]) == 300000 and after["bid_count"] == 1



def test_the_board_carries_the_soft_close_cap(client: TestClient) -> None:
    lot = live_lot()
    board = body(client.get(f"{API}/lots/{lot.id}", headers=auth(client, make_user())), 200)
    with UnitOfWork(write=False) as uow:
        auction = uow.session.get(Auction, lot.auction_id)
        assert auction is not None and auction.latest_end_at is not None
    assert datetime.fromisoformat(board["latest_end_at"]) == auction.latest_end_at


@pytest.mark.parametrize("end", ["logout", "suspension", "password change"])
def test_cached_reads_still_check_the_session_every_time(client: TestClient, end: str) -> None:
    lot, user = live_lot(), make_user()
    headers, elsewhere = auth(client, user), auth(client, user)  # two devices
    paths = [f"{API}{path.format(lot=lot.id)}" for path in READS]
    for path in paths:  # warm every cache
        body(client.get(path, headers=headers), 200)
    if end == "logout":
        body(client.post(f"{API}/auth/logout", headers=headers), 200)
    elif end == "suspension":
        admin.user_set_status(make_admin(), user.id, status=UserStatus.SUSPENDED, reason="Shill bidding")
    else:  # signs out every other session (this device stays signed in)
        body(client.put(f"{API}/users/{user.id}", headers=elsewhere,
                        json={"current_password": PASSWORD, "new_password": "Brand-New-Pass-9"}), 200)
    for path in paths:
        body(client.get(path, headers=headers), 401)


def test_roles_are_read_with_the_session_on_every_request(client: TestClient) -> None:
    boss, user = make_admin(), make_user()
    headers = auth(client, user)
    body(client.get(f"{API}/users", headers=headers), 403)
    admin.user_set_roles(boss, user.id, {Role.BIDDER, Role.ADMIN})
    body(client.get(f"{API}/users", headers=headers), 200)


def test_fresh_keeps_a_value_for_its_seconds_and_never_an_error() -> None:
    cache: Fresh[str, int] = Fresh(0.2, max_entries=2)
    calls: list[int] = []

    def load() -> int:
        calls.append(1)
        return len(calls)

    assert cache.get("a", load) == 1 and cache.get("a", load) == 1
    time.sleep(0.25)
    assert cache.get("a", load) == 2

    def broken() -> int:
        raise RuntimeError("store down")

    with pytest.raises(RuntimeError):
        cache.get("b", broken)
    assert cache.get("b", load) == 3
    cache.get("c", load)
    cache.get("d", load)
    assert len(cache._items) <= 2  # bounded


def test_fresh_loads_a_key_once_for_concurrent_misses() -> None:
    cache: Fresh[str, int] = Fresh(5, max_entries=10)
    calls: list[int] = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.1)
        return 7

    threads = [threading.Thread(target=cache.get, args=("k", slow)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
