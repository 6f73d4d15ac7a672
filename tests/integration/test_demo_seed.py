"""The demo seed on both stores: accounts, verified dealers, ~300 valid cars with readable pictures,
auctions in every state, and a second run that changes nothing."""

from __future__ import annotations

import io
import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from PIL import Image
from sqlmodel import SQLModel, func, select

from data.demo import seed_demo
from data.demo_accounts import DEMO_ACCOUNTS
from data.media import get_media_store
from data.models import Auction, AuditLog, Bid, Car, ChangeLog, Dealer, Lot, Sale, User, UserRole
from data.types import utcnow
from data.uow import UnitOfWork
from domain.types import AuctionStatus, DealerStatus
from domain.vin import normalize_vin
from tests.conftest import STORES
from tests.support import stores

TABLES: tuple[type[SQLModel], ...] = (User, UserRole, Dealer, Car, Auction, Lot, AuditLog, ChangeLog)


@dataclass(frozen=True)
class Demo:
    cars: list[Car]
    auctions: list[Auction]
    lots: dict[int, list[Lot]]  # by auction id, in lot-number order


def load() -> Demo:
    with UnitOfWork(write=False) as uow:
        cars = list(uow.session.exec(select(Car)).all())
        auctions = list(uow.session.exec(select(Auction)).all())
        lots = list(uow.session.exec(select(Lot).order_by(Lot.auction_id, Lot.lot_number)).all())
    by_auction: dict[int, list[Lot]] = {}
    for lot in lots:
        by_auction.setdefault(lot.auction_id, []).append(lot)
    return Demo(cars, auctions, by_auction)


@pytest.fixture(scope="module", params=STORES)
def demo(request: pytest.FixtureRequest, store_urls: dict[str, str]) -> Iterator[Demo]:
    """Seeding is slow (pictures, bids through the real engine): seed once per store, then read.
    (scripts/test.sh distributes tests by file, so no other test touches this store meanwhile.)"""
    if request.param not in store_urls:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    engine = stores.use_store(store_urls[request.param])
    stores.wipe(engine)
    report = seed_demo()
    assert report.created
    yield load()
    stores.wipe(engine)
    stores.reset_caches()


def state(auction: Auction, lots: list[Lot], now: datetime) -> str:
    """What a visitor sees: live and ended are scheduled auctions read against the clock."""
    if auction.status != AuctionStatus.SCHEDULED:
        return auction.status
    if auction.starts_at > now:
        return "scheduled"
    return "ended" if all(lot.ends_at <= now for lot in lots) else "live"


def counts() -> dict[str, int]:
    with UnitOfWork(write=False) as uow:
        return {t.__name__: int(uow.session.exec(select(func.count()).select_from(t)).one()) for t in TABLES}


def test_seed_creates_the_accounts_and_verified_dealers(demo: Demo) -> None:
    with UnitOfWork(write=False) as uow:
        emails = set(uow.session.exec(select(User.email)).all())
        dealers = uow.session.exec(select(Dealer)).all()
    assert {account.email for account in DEMO_ACCOUNTS} <= emails
    assert len(dealers) == 12
    assert {dealer.status for dealer in dealers} == {DealerStatus.VERIFIED}
    assert len({dealer.store_name for dealer in dealers}) == len(dealers)


def test_seed_lists_about_300_cars_with_unique_valid_vins(demo: Demo) -> None:
    vins = [car.vin for car in demo.cars]
    assert 250 <= len(demo.cars) <= 350
    assert len(set(vins)) == len(vins)
    assert all(normalize_vin(vin) == vin for vin in vins)
    per_dealer = Counter(car.dealer_id for car in demo.cars)
    assert all(15 <= n <= 35 for n in per_dealer.values())
    assert all(2 <= len(car.photos) <= 3 and car.description for car in demo.cars)


def test_every_picture_is_a_readable_image(demo: Demo) -> None:
    media = get_media_store()
    for key in {key for car in demo.cars for key in car.photos}:
        with Image.open(io.BytesIO(media.read(key))) as picture:
            picture.verify()  # raises on a truncated or corrupt file


def test_auctions_exist_in_every_state(demo: Demo) -> None:
    now = utcnow()
    states = Counter(state(a, demo.lots[a.id or 0], now) for a in demo.auctions)
    assert set(states) == {"draft", "scheduled", "live", "ended", "cancelled"}
    assert states["cancelled"] >= 2
    assert all(a.cancel_reason for a in demo.auctions if a.status == AuctionStatus.CANCELLED)
    for auction in demo.auctions:
        lots = demo.lots[auction.id or 0]
        assert [lot.lot_number for lot in lots] == list(range(1, len(lots) + 1))
        assert 3 <= len(lots) <= 8
        assert auction.ends_at == max(lot.ends_at for lot in lots)
        assert auction.buyer_premium_pct == Decimal("5")
        assert (auction.premium_min, auction.premium_max) == (Decimal("2000"), Decimal("25000"))


def test_each_car_is_in_at_most_one_open_auction_and_some_are_unlisted(demo: Demo) -> None:
    open_ids = {a.id for a in demo.auctions if a.status != AuctionStatus.CANCELLED}
    listed = Counter(lot.car_id for auction_id in open_ids for lot in demo.lots[auction_id or 0])
    assert max(listed.values()) == 1
    assert len(listed) < len(demo.cars)


def test_lots_are_priced_below_value(demo: Demo) -> None:
    for lot in (lot for lots in demo.lots.values() for lot in lots):
        assert lot.starting_price > 0 and lot.starting_price % 1000 == 0
        assert lot.reserve_price is None or lot.reserve_price > lot.starting_price
        assert lot.buy_now_price is None or lot.buy_now_price > (lot.reserve_price or lot.starting_price)


def test_bidding_history_is_real_and_ended_lots_are_settled(demo: Demo) -> None:
    now = utcnow()
    with UnitOfWork(write=False) as uow:
        bids = Counter(uow.session.exec(select(Bid.lot_id)).all())
        sales = uow.session.exec(select(func.count()).select_from(Sale)).one()
    by_state: dict[str, list[Lot]] = {}
    for auction in demo.auctions:
        lots = demo.lots[auction.id or 0]
        by_state.setdefault(state(auction, lots, now), []).extend(lots)
    assert all(bids[lot.id] == 0 for lot in by_state.get("scheduled", []) + by_state.get("draft", []))
    assert any(bids[lot.id] for lot in by_state["live"]), "live auctions have bids in progress"
    assert all(lot.outcome for lot in by_state["ended"]), "every ended lot is settled"
    assert sales == sum(lot.outcome == "sold" for lot in by_state["ended"]) > 0
    for lot in (lot for lots in demo.lots.values() for lot in lots):
        assert lot.bid_count == bids[lot.id]


def test_live_lots_close_one_after_another_in_the_future(demo: Demo) -> None:
    now = utcnow()
    live = [a for a in demo.auctions if state(a, demo.lots[a.id or 0], now) == "live"]
    assert live
    for auction in live:
        ends = [lot.ends_at for lot in demo.lots[auction.id or 0]]
        assert auction.starts_at <= now
        assert all(now < end <= now + timedelta(hours=8) for end in ends)
        assert all(timedelta(0) < later - earlier <= timedelta(minutes=5)
                   for earlier, later in itertools.pairwise(ends))


def test_seeding_again_changes_nothing(demo: Demo) -> None:
    before = counts()
    report = seed_demo()
    assert not report.created
    assert counts() == before
