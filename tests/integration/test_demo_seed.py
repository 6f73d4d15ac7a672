"""The demo seed on both stores: accounts, verified dealers, ~300 valid cars with readable pictures,
auctions in every state, a year of history by the rules, and a second run that changes nothing."""

from __future__ import annotations

import io
import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from PIL import Image
from sqlmodel import SQLModel, col, func, select

import demo as demo_package
import demo.seed as demo_seed
from data.bootstrap import prepare_store
from data.media import get_media_store
from data.models import (
    Auction,
    AuctionParticipant,
    AuditLog,
    Bid,
    Car,
    ChangeLog,
    Dealer,
    IncrementBand,
    Lot,
    LotBidder,
    Sale,
    User,
    UserRole,
)
from data.settings import get_settings
from data.types import utcnow
from data.uow import UnitOfWork
from demo import fees as demo_fees
from demo.accounts import DEMO_ACCOUNTS
from demo.seed import seed_demo
from domain.bidding.fees import sale_amounts
from domain.bidding.rules import Ladder, LotState, replay
from domain.inventory.vin import normalize_vin
from domain.types import AuctionStatus, CarStatus, DealerStatus
from tests.conftest import STORES
from tests.support import stores

TABLES: tuple[type[SQLModel], ...] = (User, UserRole, Dealer, Car, Auction, Lot, Bid, Sale, LotBidder,
                                      AuctionParticipant, AuditLog, ChangeLog)
HISTORY_TITLE = re.compile(r", \d{1,2} [A-Z][a-z]{2} \d{4}$")  # "Pune dealer auction, 12 Oct 2026"


@dataclass(frozen=True)
class Demo:
    cars: list[Car]
    auctions: list[Auction]
    lots: dict[int, list[Lot]]  # by auction id, in lot-number order

    @property
    def history_cars(self) -> set[int]:
        """Cars of the year's finished auctions (sold or taken back long ago), not today's stock."""
        past = [a for a in self.auctions if HISTORY_TITLE.search(a.title)]
        return {lot.car_id for a in past for lot in self.lots[a.id or 0]}

    @property
    def stock(self) -> list[Car]:
        return [car for car in self.cars if car.id not in self.history_cars]


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
    assert 250 <= len(demo.stock) <= 350
    assert len(set(vins)) == len(vins)
    assert all(normalize_vin(vin) == vin for vin in vins)
    per_dealer = Counter(car.dealer_id for car in demo.stock)
    assert all(15 <= n <= 35 for n in per_dealer.values())
    assert all(2 <= len(car.photos) <= 3 and car.description for car in demo.stock)
    past = [car for car in demo.cars if car.id in demo.history_cars]
    assert past and all(car.photos and car.status != CarStatus.AVAILABLE for car in past)


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


@pytest.mark.parametrize("demo_mode", [True, False])
def test_the_app_start_seeds_through_the_seeding_it_is_given_in_demo_mode_only(
        demo: Demo, demo_mode: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's start-up knows no demo: the app's start-up (ui/, api/) hands it `demo.seed_demo`."""
    reports: list[demo_seed.SeedReport] = []
    real = demo_seed.seed_demo
    monkeypatch.setattr(demo_seed, "seed_demo", lambda: reports.append(real()))
    monkeypatch.setattr(get_settings(), "demo_mode", demo_mode)
    before = counts()
    prepare_store(seed_demo=demo_package.seed_demo)
    assert [report.created for report in reports] == ([False] if demo_mode else [])
    assert counts() == before


def test_a_year_of_history_covers_every_month_with_its_seasons(demo: Demo) -> None:
    now = utcnow()
    year_ago = now - timedelta(days=365)
    with UnitOfWork(write=False) as uow:
        sold = [s.sold_at for s in uow.session.exec(select(Sale).where(col(Sale.sold_at) >= year_ago))]
        joined = uow.session.exec(select(User.created_at).where(col(User.created_at) >= year_ago)).all()
        first_store = uow.session.exec(select(Dealer).order_by(col(Dealer.id))).first()
        assert first_store is not None
        own = uow.session.exec(select(Sale.sold_at).where(Sale.dealer_id == first_store.id)).all()
    months = Counter((t.year, t.month) for t in sold)
    assert len(months) >= 12 and len({(t.year, t.month) for t in joined}) >= 11
    assert len({(t.year, t.month) for t in own}) >= 10, "the demo dealer's own charts span the year"
    by_month = Counter(t.month for t in sold)
    assert by_month[10] + by_month[11] > 1.5 * (by_month[6] + by_month[7]), "festive season beats monsoon"
    assert len(sold) >= 300


def test_history_prices_equal_a_replay_of_their_bids(demo: Demo) -> None:
    with UnitOfWork(write=False) as uow:
        ladder = Ladder.stored((b.min_price, b.step) for b in uow.session.exec(select(IncrementBand)))
        bids = uow.session.exec(select(Bid).where(Bid.status == "active").order_by(col(Bid.id))).all()
        sales = {s.lot_id: s for s in uow.session.exec(select(Sale))}
        auctions = {a.id: a for a in uow.session.exec(select(Auction))}
        bidders = Counter((p.lot_id, p.bidder_id) for p in uow.session.exec(select(LotBidder)))
    by_lot: dict[int, list[Bid]] = {}
    for bid in bids:
        by_lot.setdefault(bid.lot_id, []).append(bid)
    for lot in (lot for lots in demo.lots.values() for lot in lots):
        placed = by_lot.get(lot.id or 0, [])
        decisions = replay(LotState(lot.starting_price, lot.reserve_price),
                           [(b.bidder_id, b.max_amount) for b in placed], ladder)
        assert len(decisions) == len(placed) == lot.bid_count  # no bid the rules would refuse
        assert [(d.state.price, d.state.leader) for d in decisions] == [(b.price_after, b.leader_after)
                                                                        for b in placed]
        final = decisions[-1].state if decisions else None
        assert (lot.current_price, lot.leader_id) == ((final.price, final.leader) if final else (None, None))
        assert lot.bidder_count == len({b.bidder_id for b in placed}) == sum(
            1 for (lot_id, _) in bidders if lot_id == lot.id)
        sale = sales.get(lot.id or 0)
        assert (sale is not None) == (lot.outcome == "sold")
        if sale is not None:
            auction = auctions[lot.auction_id]
            money = sale_amounts(sale.hammer, premium=demo_fees.PREMIUM, seller_fee=demo_fees.SELLER_FEE)
            assert (sale.hammer, sale.buyer_id) == (lot.current_price, lot.leader_id)
            assert (sale.buyer_premium, sale.seller_fee, sale.dealer_earnings, sale.buyer_total) == (
                money.buyer_premium, money.seller_fee, money.dealer_earnings, money.buyer_total)
            assert sale.premium_schedule_id is not None and sale.seller_fee_schedule_id is not None
            assert all(b.placed_at < lot.ends_at - timedelta(seconds=auction.soft_close_window_s)
                       for b in placed) or not HISTORY_TITLE.search(auction.title)
