"""Stores through the API: a public card for verified stores, the full record for the owner and
admins, and the sales figures (a small selector over the sales table until analytics/ has one)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlmodel import col, func, select

from data.models import Auction, Dealer, Lot, Sale
from data.uow import UnitOfWork
from domain.dealers import dealer_review, store_update
from domain.errors import NotFound
from domain.permissions import Actor, require_store_owner
from domain.types import AuctionStatus, DealerStatus


@dataclass(frozen=True)
class DealerStats:
    dealer_id: int
    auctions: int
    lots: int
    sold_lots: int
    gross: Decimal
    earnings: Decimal
    seller_fees: Decimal


def dealer_view(actor: Actor, dealer_id: int) -> tuple[Dealer, bool]:
    """The store and whether the caller sees its private details (owner or admin)."""
    with UnitOfWork(write=False) as uow:
        dealer = uow.session.get(Dealer, dealer_id)
    if dealer is None:
        raise NotFound("No such store.")
    private = actor.is_admin or dealer.user_id == actor.id
    if not private and dealer.status != DealerStatus.VERIFIED:
        raise NotFound("No such store.")
    return dealer, private


def dealer_change(actor: Actor, dealer_id: int, *, status: DealerStatus | None, note: str,
                  details: dict[str, Any]) -> Dealer:
    """An admin reviews (status and a note); the owner edits the store's details."""
    if status is not None:
        return dealer_review(actor, dealer_id, to=status, note=note)
    return store_update(actor, dealer_id, **details)


def dealer_statistics(actor: Actor, dealer_id: int) -> DealerStats:
    require_store_owner(actor, dealer_id)
    with UnitOfWork(write=False) as uow:
        auctions = uow.session.exec(select(func.count()).select_from(Auction).where(
            Auction.dealer_id == dealer_id, Auction.status != AuctionStatus.DRAFT)).one()
        lots = uow.session.exec(select(func.count()).select_from(Lot).join(
            Auction, col(Auction.id) == Lot.auction_id).where(
            Auction.dealer_id == dealer_id, Auction.status != AuctionStatus.DRAFT)).one()
        sold, gross, earnings, fees = uow.session.exec(select(
            func.count(), func.coalesce(func.sum(Sale.hammer), 0),
            func.coalesce(func.sum(Sale.dealer_earnings), 0), func.coalesce(func.sum(Sale.seller_fee), 0))
            .where(Sale.dealer_id == dealer_id)).one()
    return DealerStats(dealer_id, int(auctions), int(lots), int(sold), Decimal(gross), Decimal(earnings),
                       Decimal(fees))
