"""A store's figures: published auctions and their lots, lots sold, and the money from its sales
(a small selector over the sales table; the dashboards read the analytics copy instead)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import col, func, select

from data.models import Auction, Lot, Sale
from data.uow import UnitOfWork
from domain.permissions import Actor, require_store_owner
from domain.types import AuctionStatus


@dataclass(frozen=True)
class DealerStats:
    dealer_id: int
    auctions: int
    lots: int
    sold_lots: int
    gross: Decimal
    earnings: Decimal
    seller_fees: Decimal


def dealer_statistics(actor: Actor, dealer_id: int) -> DealerStats:
    require_store_owner(actor, dealer_id)
    published = (Auction.dealer_id == dealer_id, Auction.status != AuctionStatus.DRAFT)
    with UnitOfWork(write=False) as uow:
        auctions = uow.session.exec(select(func.count()).select_from(Auction).where(*published)).one()
        lots = uow.session.exec(select(func.count()).select_from(Lot).join(
            Auction, col(Auction.id) == Lot.auction_id).where(*published)).one()
        sold, gross, earnings, fees = uow.session.exec(select(
            func.count(), func.coalesce(func.sum(Sale.hammer), 0),
            func.coalesce(func.sum(Sale.dealer_earnings), 0), func.coalesce(func.sum(Sale.seller_fee), 0))
            .where(Sale.dealer_id == dealer_id)).one()
    return DealerStats(dealer_id, int(auctions), int(lots), int(sold), Decimal(gross), Decimal(earnings),
                       Decimal(fees))
