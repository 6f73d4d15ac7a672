"""The restore drill's traffic and its checks: bidders on the domain service, buy-nows that book sales,
and what a restored store must hold (bench/restore_drill.py)."""

from __future__ import annotations

import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import Engine, text, update

from data.models import Lot
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts.users import actor_load
from domain.bidding.rules import LotState, replay
from domain.bidding.service import bid_place, lot_buy_now
from domain.errors import DomainError
from domain.permissions import Actor

BUY_NOW = Decimal(5_000_000)  # rupees: far above any generated price
MONEY_SQL = text("SELECT count(*), coalesce(sum(hammer), 0), coalesce(sum(buyer_premium), 0), "
                 "coalesce(sum(seller_fee), 0), coalesce(sum(platform_revenue), 0) FROM sales")


@dataclass
class Ledger:
    """What the bidders were told: each bid id with the wall-clock time its commit was acknowledged."""

    acked: dict[int, float] = field(default_factory=dict)
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, bid_id: int) -> None:
        with self.lock:
            self.acked[bid_id] = time.time()


@dataclass(frozen=True)
class Market:
    lots: list[int]  # live lots with no generated bids: their price must equal a replay of our bids
    buy_now_lots: list[int]
    spare: list[int]  # untouched until the marker and the first bid on each restored store
    bidders: list[Actor]


def market_pick(engine: Engine, lots: int, buy_nows: int = 2, spare: int = 3) -> Market:
    """Bid-free lots to bid on (lots that went unsold, offered again for a day), a few more given a
    buy-now price, and bidders who own no store."""
    with engine.begin() as conn:
        found = [r[0] for r in conn.execute(text(
            "SELECT id FROM lots WHERE bid_count = 0 AND (outcome = 'unsold' OR outcome IS NULL) "
            "ORDER BY id LIMIT :n"), {"n": lots + buy_nows + spare})]
        table = Lot.__table__  # type: ignore[attr-defined]  # the columns' types write times and money the way the app reads them
        conn.execute(update(table).where(table.c.id.in_(found))
                     .values(outcome=None, settled_at=None, ends_at=utcnow() + timedelta(days=1)))
        buyable = found[lots:lots + buy_nows]
        conn.execute(update(table).where(table.c.id.in_(buyable))
                     .values(buy_now_price=BUY_NOW, reserve_price=None))
        users = [r[0] for r in conn.execute(text(
            "SELECT user_id FROM user_roles WHERE role = 'bidder' AND user_id NOT IN "
            "(SELECT user_id FROM dealers) ORDER BY user_id LIMIT 40"))]
    with UnitOfWork(write=False) as uow:
        bidders = [actor_load(uow, user) for user in users]
    if len(found) < lots + buy_nows + spare:
        raise RuntimeError(f"the generated store has only {len(found)} live lots without bids")
    return Market(found[:lots], buyable, found[lots + buy_nows:], bidders)



class Bidders:
    """Threads bidding round-robin over their own lots (so each knows its lots' next minimum)."""

    def __init__(self, market: Market, ledger: Ledger, threads: int = 2) -> None:
        self.market, self.ledger, self.threads = market, ledger, threads
        self.stop = threading.Event()
        self.failed: list[BaseException] = []
        self._running: list[threading.Thread] = []

    def start(self) -> None:
        self.stop.clear()
        self._running = [threading.Thread(target=self._bid, args=(n,), daemon=True)
                         for n in range(self.threads)]
        for thread in self._running:
            thread.start()

    def halt(self) -> None:
        self.stop.set()
        for thread in self._running:
            thread.join()

    def _bid(self, n: int) -> None:
        lots = self.market.lots[n::self.threads]
        minimum: dict[int, Decimal] = defaultdict(lambda: Decimal(1_000_000))
        k = 0
        while not self.stop.is_set():
            lot, bidder = lots[k % len(lots)], self.market.bidders[(k * 7 + n) % len(self.market.bidders)]
            k += 1
            try:
                receipt = bid_place(bidder, lot_id=lot, maximum=Decimal(minimum[lot] + k % 3 * 100),
                                    key=uuid.uuid4().hex)
            except DomainError:
                self.ledger.refused += 1
                continue
            except Exception as error:  # the store went away under us: that is the crash
                self.failed.append(error)
                return
            self.ledger.note(receipt.bid_id)
            minimum[lot] = receipt.minimum_next


def buy_now(market: Market, ledger: Ledger, index: int) -> None:
    receipt = lot_buy_now(market.bidders[index], lot_id=market.buy_now_lots[index], key=uuid.uuid4().hex)
    ledger.note(receipt.bid_id)


def money_totals(engine: Engine) -> tuple[object, ...]:
    with engine.connect() as conn:
        return tuple(conn.execute(MONEY_SQL).one())


def replay_mismatches(engine: Engine, lots: list[int]) -> list[str]:
    """Lots whose stored price, leader or proxy maximum differ from a replay of their active bids."""
    from domain.bidding.ladder import ladder_current

    ladder, wrong = ladder_current(), []
    with engine.connect() as conn:
        for lot in lots:
            start, reserve, price, leader, leader_max = conn.execute(text(
                "SELECT starting_price, reserve_price, current_price, leader_id, leader_max FROM lots "
                "WHERE id = :id"), {"id": lot}).one()
            bids = [(b, Decimal(m) / 100) for b, m in conn.execute(text(
                "SELECT bidder_id, max_amount FROM bids WHERE lot_id = :id AND status = 'active' "
                "ORDER BY id"), {"id": lot})]
            state = LotState(Decimal(start) / 100, None if reserve is None else Decimal(reserve) / 100)
            decisions = replay(state, bids, ladder)
            final = decisions[-1].state if decisions else state
            stored, replayed = (_rupees(price), leader, _rupees(leader_max)), (final.price, final.leader,
                                                                               final.leader_max)
            if replayed != stored:
                wrong.append(f"lot {lot}: stored {stored}, replay {replayed}")
    return wrong


def _rupees(paise: int | None) -> Decimal | None:
    return None if paise is None else Decimal(paise) / 100


def bids_since(engine: Engine, first_id: int) -> set[int]:
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(text("SELECT id FROM bids WHERE id >= :f"), {"f": first_id})}
