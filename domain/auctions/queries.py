"""Reading auctions (FR12, FR15): lists by phase with lot counts, participants and total bids, an
auction's page with its lots, and who bids in it (as numbers). Reserve amounts never leave this
module: only "met" or "not met"."""

from __future__ import annotations

from dataclasses import dataclass as plain_dataclass
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field
from pydantic.dataclasses import dataclass
from sqlalchemy import and_, case, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from data.models import Auction, AuctionParticipant, Car, Dealer, Lot
from data.types import utcnow
from data.uow import UnitOfWork
from domain.auctions.lifecycle import Phase, auction_phase
from domain.bidding.fee_schedule import premium_in_force
from domain.bidding.fees import FeeSchedule
from domain.errors import Forbidden, NotFound
from domain.inventory.cars import lot_holds_its_car
from domain.permissions import Actor, require_store_owner
from domain.types import AuctionStatus, CarStatus, LotPrices, read_model

MAX_LIST = 100


@dataclass(frozen=True)
class NextLot:
    """The open lot of an auction that closes first: what its card ticks down to."""

    id: int
    number: int
    current_price: Decimal | None
    starting_price: Decimal
    ends_at: datetime
    bid_count: int


@dataclass(frozen=True)
class AuctionCard:
    id: int
    title: str
    store: str
    city: str
    phase: Phase
    starts_at: datetime
    ends_at: datetime
    lots: int
    participants: int
    total_bids: int
    cancel_reason: str | None
    # What the pages' cards add; the API leaves them out (its answers keep their shape)
    cover_photo: str | None = Field(default=None, exclude=True)  # the first lot's car's first photo
    live_lots: int = Field(default=0, exclude=True)  # lots open for bids now
    next_lot: NextLot | None = Field(default=None, exclude=True)


@dataclass(frozen=True)
class LotRow:
    id: int
    number: int
    car_id: int
    title: str
    photo: Annotated[str | None, Field(exclude=True)]  # the pages' thumbnail; the API links the car instead
    starting_price: Decimal
    current_price: Decimal | None
    has_reserve: bool
    reserve_met: bool
    buy_now_price: Decimal | None
    ends_at: datetime
    bid_count: int
    bidder_count: int
    extended: bool
    outcome: str | None
    changed_after_bids: bool


@dataclass(frozen=True)
class AuctionDetail:
    card: AuctionCard
    description: str
    dealer_id: int
    premium: FeeSchedule  # the platform's buyer's premium in force when the auction closes
    soft_close_window_s: int
    soft_close_extension_s: int
    lots: list[LotRow]
    latest_end_at: datetime | None = Field(default=None, exclude=True)  # the soft-close cap


@dataclass(frozen=True)
class AuctionView:
    """An auction as its dealer set it up: what a create, publish or change answers with."""

    id: int
    dealer_id: int
    title: str
    description: str
    status: str
    starts_at: datetime
    ends_at: datetime
    latest_end_at: datetime | None
    soft_close_window_s: int
    soft_close_extension_s: int
    cancel_reason: str | None


def auction_view(auction: Auction) -> AuctionView:
    return read_model(AuctionView, auction)


def reserve_met(lot: LotPrices) -> bool:
    return lot.reserve_price is None or (lot.current_price or Decimal(0)) >= lot.reserve_price


def auction_browse(actor: Actor | None, phase: Phase, *, limit: int = 50) -> list[AuctionCard]:
    if actor is None:
        raise Forbidden("Please sign in first.")
    now = utcnow()
    query = _phase_query(phase, now).limit(min(limit, MAX_LIST))
    with UnitOfWork(write=False) as uow:
        rows = uow.session.exec(query).all()
        return _cards(uow, [(auction, dealer) for auction, dealer in rows], now)


def auctions_of_dealer(actor: Actor, dealer_id: int) -> list[AuctionCard]:
    require_store_owner(actor, dealer_id)
    query = (select(Auction, Dealer).join(Dealer, col(Dealer.id) == Auction.dealer_id)
             .where(Auction.dealer_id == dealer_id).order_by(col(Auction.starts_at).desc()))
    with UnitOfWork(write=False) as uow:
        return _cards(uow, [(a, d) for a, d in uow.session.exec(query).all()], utcnow())


def _phase_query(phase: Phase, now: datetime):  # type: ignore[no-untyped-def]
    base = select(Auction, Dealer).join(Dealer, col(Dealer.id) == Auction.dealer_id)
    published = Auction.status == AuctionStatus.SCHEDULED
    if phase == Phase.LIVE:
        return base.where(published, col(Auction.starts_at) <= now, col(Auction.ends_at) > now) \
            .order_by(col(Auction.ends_at))
    if phase == Phase.UPCOMING:
        return base.where(published, col(Auction.starts_at) > now).order_by(col(Auction.starts_at))
    if phase == Phase.ENDED:
        return base.where(published, col(Auction.ends_at) <= now).order_by(col(Auction.ends_at).desc())
    if phase == Phase.CANCELLED:
        return base.where(Auction.status == AuctionStatus.CANCELLED).order_by(col(Auction.updated_at).desc())
    raise Forbidden("Drafts are only visible to their dealer.")


def _cards(uow: UnitOfWork, rows: list[tuple[Auction, Dealer]], now: datetime) -> list[AuctionCard]:
    ids = [auction.id for auction, _ in rows]
    lots = _lot_summaries(uow, ids, now)
    people = dict(uow.session.exec(
        select(AuctionParticipant.auction_id, func.count()).where(
            col(AuctionParticipant.auction_id).in_(ids)).group_by(col(AuctionParticipant.auction_id))).all())
    return [_card(auction, dealer, lots.get(auction.id or 0), people.get(auction.id or 0, 0), now)
            for auction, dealer in rows]


@plain_dataclass(frozen=True)
class _LotSummary:
    lots: int
    bids: int
    last_end: datetime
    live_lots: int
    cover_photo: str | None = None
    next_lot: NextLot | None = None


def _lot_summaries(uow: UnitOfWork, ids: list[int | None], now: datetime) -> dict[int, _LotSummary]:
    """Every listed auction's lot figures, cover photo and next lot to close, in one query: window
    functions rank each auction's lots, and only its first lot and its soonest open lot come back."""
    is_open = and_(col(Lot.outcome).is_(None), col(Lot.ends_at) > now)
    per_auction = col(Lot.auction_id)
    ranked = (sa_select(
        per_auction, col(Lot.id), col(Lot.lot_number), col(Lot.current_price), col(Lot.starting_price),
        col(Lot.ends_at), col(Lot.bid_count), col(Car.photos), is_open.label("open"),
        func.count().over(partition_by=per_auction).label("lots"),
        func.sum(col(Lot.bid_count)).over(partition_by=per_auction).label("bids"),
        func.max(col(Lot.ends_at)).over(partition_by=per_auction).label("last_end"),
        func.sum(case((is_open, 1), else_=0)).over(partition_by=per_auction).label("live_lots"),
        func.row_number().over(order_by=col(Lot.lot_number), partition_by=per_auction).label("cover_rank"),
        func.row_number().over(order_by=(case((is_open, 0), else_=1), col(Lot.ends_at), col(Lot.lot_number)),
                               partition_by=per_auction).label("next_rank"))
        .join(Car, col(Car.id) == Lot.car_id).where(col(Lot.auction_id).in_(ids)).subquery())
    found: dict[int, _LotSummary] = {}
    for row in uow.session.execute(sa_select(ranked).where(or_(ranked.c.cover_rank == 1,
                                                                 ranked.c.next_rank == 1))).mappings():
        found[row["auction_id"]] = _merge(found.get(row["auction_id"]), row)
    return found


def _merge(known: _LotSummary | None, row: Any) -> _LotSummary:
    summary = known or _LotSummary(int(row["lots"]), int(row["bids"] or 0), row["last_end"],
                                   int(row["live_lots"] or 0))
    if row["cover_rank"] == 1:
        summary = replace(summary, cover_photo=row["photos"][0] if row["photos"] else None)
    if row["next_rank"] == 1 and row["open"]:
        summary = replace(summary, next_lot=NextLot(row["id"], row["lot_number"], row["current_price"],
                                                    row["starting_price"], row["ends_at"],
                                                    row["bid_count"]))
    return summary


def _card(auction: Auction, dealer: Dealer, found: _LotSummary | None, people: int,
          now: datetime) -> AuctionCard:
    lots = found or _LotSummary(0, 0, auction.ends_at, 0)
    phase = auction_phase(auction.status, auction.starts_at, [lots.last_end] if found else [], now)
    live = phase == Phase.LIVE
    return AuctionCard(auction.id or 0, auction.title, dealer.store_name, dealer.city, phase,
                       auction.starts_at, lots.last_end, lots.lots, people, lots.bids, auction.cancel_reason,
                       lots.cover_photo, lots.live_lots if live else 0, lots.next_lot if live else None)


def cars_ready_for_auction(actor: Actor, dealer_id: int) -> list[tuple[int, str]]:
    """The store's cars in stock and in no open auction, newest first: what a new auction can offer.
    Newest by (created_at, id), the order of the store's own list, so ix_cars_dealer_created serves it
    and stops at the 500th (a store of any size reads 500 rows, not its whole stock)."""
    require_store_owner(actor, dealer_id)
    busy = select(Lot.car_id).join(Auction, col(Auction.id) == Lot.auction_id).where(lot_holds_its_car())
    query = (select(Car).where(Car.dealer_id == dealer_id, Car.status == CarStatus.AVAILABLE,
                               col(Car.id).not_in(busy))
             .order_by(col(Car.created_at).desc(), col(Car.id).desc()).limit(500))
    with UnitOfWork(write=False) as uow:
        return [(car.id or 0, f"{car.year} {car.make} {car.model} {car.variant} · {car.vin}")
                for car in uow.session.exec(query).all()]


def auction_detail(actor: Actor | None, auction_id: int) -> AuctionDetail:
    if actor is None:
        raise Forbidden("Please sign in first.")
    with UnitOfWork(write=False) as uow:
        row = uow.session.exec(select(Auction, Dealer).join(Dealer, col(Dealer.id) == Auction.dealer_id)
                               .where(Auction.id == auction_id)).first()
        if row is None or not _may_see(actor, row[0]):
            raise NotFound("No such auction.")
        auction, dealer = row
        card = _cards(uow, [(auction, dealer)], utcnow())[0]
        lots = uow.session.exec(select(Lot, Car).join(Car, col(Car.id) == Lot.car_id)
                                .where(Lot.auction_id == auction_id).order_by(col(Lot.lot_number))).all()
        premium = premium_in_force(uow, auction.ends_at)
        return AuctionDetail(card, auction.description, auction.dealer_id, premium,
                             auction.soft_close_window_s, auction.soft_close_extension_s,
                             [lot_row(lot, car) for lot, car in lots], auction.latest_end_at)


def auction_visible(uow: UnitOfWork, actor: Actor, auction_id: int) -> Auction:
    """The auction, if the actor may see it: a draft only by its store and admins (others: 404)."""
    auction = uow.session.get(Auction, auction_id)
    if auction is None or not _may_see(actor, auction):
        raise NotFound("No such auction.")
    return auction


def _may_see(actor: Actor, auction: Auction) -> bool:
    return auction.status != AuctionStatus.DRAFT or actor.is_admin or actor.dealer_id == auction.dealer_id


@dataclass(frozen=True)
class Participant:
    number: Annotated[int, Field(description="Order of joining; names are never shown")]
    joined_at: datetime
    you: bool


@dataclass(frozen=True)
class AuctionParticipants:
    auction_id: int
    count: int
    participants: list[Participant]


def participants_of(actor: Actor, auction_id: int) -> list[Participant]:
    """Who bids in an auction, as numbers in joining order: never names or ids."""
    query = (select(AuctionParticipant).where(AuctionParticipant.auction_id == auction_id)
             .order_by(col(AuctionParticipant.joined_at), col(AuctionParticipant.bidder_id)))
    with UnitOfWork(write=False) as uow:
        auction_visible(uow, actor, auction_id)
        rows = uow.session.exec(query).all()
    return [Participant(n, row.joined_at, row.bidder_id == actor.id) for n, row in enumerate(rows, 1)]


def lot_row(lot: Lot, car: Car) -> LotRow:
    title = f"{car.year} {car.make} {car.model} {car.variant}".strip()
    return LotRow(lot.id or 0, lot.lot_number, car.id or 0, title, car.photos[0] if car.photos else None,
                  lot.starting_price, lot.current_price, lot.reserve_price is not None, reserve_met(lot),
                  lot.buy_now_price, lot.ends_at, lot.bid_count, lot.bidder_count, lot.extended,
                  lot.outcome, lot.changed_after_bids_at is not None)
