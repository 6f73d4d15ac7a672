"""Over real HTTP: uvicorn with two worker processes on PostgreSQL, 32 clients bidding on one lot at
the same moment. Every accepted bid is in the store (none lost, none extra), and the lot's price and
leader are exactly what replaying the accepted bids in order gives."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlmodel import col, select

from data.models import Bid
from data.uow import UnitOfWork
from domain.accounts.tokens import tokens_login
from domain.bidding.ladder import ladder_current
from domain.bidding.rules import LotState, replay
from tests.api.servers import uvicorn_workers
from tests.support.factories import PASSWORD, live_lot, lot_now, make_user

CLIENTS, BIDS_EACH, RETRIES = 32, 4, 10
METRICS_TOKEN = "scraper-token-for-this-test-only-0123456789"


@pytest.fixture
def server(pg_url: str, tmp_path: Path) -> Iterator[str]:
    env = {"DATABASE_URL": pg_url, "BIDS_PER_USER_PER_MINUTE": "1000", "API_RATE_PER_TOKEN": "1000/minute",
           "API_METRICS_TOKEN": METRICS_TOKEN}
    with uvicorn_workers(env, tmp_path) as (_process, base):
        yield base


def _bidder(base: str, token: str, lot_id: int, seed: int, *, start: threading.Barrier,
            results: list[tuple[int, dict[str, object]]]) -> None:
    rng = random.Random(seed)
    amounts = sorted(Decimal(rng.randrange(300, 900)) * 1000 for _ in range(BIDS_EACH))
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as http:
        start.wait()
        for number, amount in enumerate(amounts):
            bid = {"lot_id": lot_id, "max_amount": str(amount)}
            results.append(_send(http, bid, f"storm-{seed}-{number}"))


def _send(http: httpx.Client, bid: dict[str, object], key: str) -> tuple[int, dict[str, object]]:
    """As a careful client does: a 503 (the store was out of reach) is retried with the same key, after
    Retry-After, so a bid is placed once however often it is sent."""
    for _ in range(RETRIES):
        response = http.post("/api/v1/bids", json=bid, headers={"Idempotency-Key": key})
        if response.status_code != 503:
            break
        time.sleep(float(response.headers.get("Retry-After", "1")))
    return response.status_code, response.json()


def test_32_clients_bid_at_once_through_two_workers(server: str) -> None:
    lot = live_lot()
    people = [make_user() for _ in range(CLIENTS)]
    tokens = [tokens_login(email=p.email, password=PASSWORD, address="storm", refresh_days=1).access_token
              for p in people]
    start, results = threading.Barrier(CLIENTS), []
    threads = [threading.Thread(target=_bidder, args=(server, token, lot.id or 0, seed),
                                kwargs={"start": start, "results": results})
               for seed, token in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    odd = [(status, body.get("message")) for status, body in results if status not in {200, 201, 409}]
    assert len(results) == CLIENTS * BIDS_EACH and not odd, odd[:5]
    accepted = {int(body["data"]["bid_id"]) for status, body in results if status < 300}  # type: ignore[index]
    with UnitOfWork(write=False) as uow:
        stored = uow.session.exec(select(Bid).where(Bid.lot_id == lot.id).order_by(col(Bid.id))).all()
    assert {bid.id for bid in stored} == accepted
    bids = [(bid.bidder_id, bid.max_amount) for bid in stored]
    final = replay(LotState(lot.starting_price, lot.reserve_price), bids, ladder_current())[-1].state
    now = lot_now(lot.id or 0)
    assert (now.current_price, now.leader_id, now.bid_count) == (final.price, final.leader, len(stored))
    assert _accepted_in_metrics(server) >= len(accepted)  # both workers' counts (retries count again)


def _accepted_in_metrics(base: str) -> float:
    text = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text
    accepted = 'api_bids_total{reason="",result="accepted"}'
    line = next(line for line in text.splitlines() if line.startswith(accepted))
    return float(line.split()[-1])
