"""Retracting a bid (FR20, eBay's rule in `retraction_rules`) and an admin voiding one.

A bidder may retract for a listed reason only (a changed listing is checked against the bid's time);
which bids go depends on the time left. Each retraction is counted: too many in the rolling window
put the account in the admin review queue (`domain.oversight.reviews`). An admin may void any bid. Either way
the reason is recorded and shown, and the lot's price and leader are replayed from the remaining bids
as if the removed ones had never been placed.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from data.bid_store import lock_lot
from data.lot_store import Standing, lot_replayed
from data.models import Bid, Lot
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts.validation import checked_text
from domain.auctions.lifecycle import lot_is_open
from domain.bidding.ladder import ladder_load
from domain.bidding.retraction_rules import OwnBid, RetractReason, bids_to_retract
from domain.bidding.rules import LotState, replay
from domain.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from domain.notifications import Notices
from domain.oversight.reviews import flag_if_retracting_too_often
from domain.permissions import Action, Actor, require

__all__ = ["RetractReason", "bid_retract", "bid_void", "bids_void_all", "lot_standing"]


def bid_retract(actor: Actor, bid_id: int, *, reason: RetractReason, note: str = "",
                now: datetime | None = None) -> tuple[int, ...]:
    """Retract a bid the way eBay allows; returns the ids of every bid the retraction took back."""
    require(actor, Action.BID)
    reason = _listed(reason)
    now = now or utcnow()
    detail = checked_text("note", note, label="Note", max_len=200, min_len=0)
    with UnitOfWork() as uow:
        bid, lot = _locked_bid(uow, bid_id, now)
        if bid.bidder_id != actor.id:
            raise NotFound("No such bid.")
        if reason == RetractReason.LISTING_CHANGED and not (
                lot.changed_after_bids_at and lot.changed_after_bids_at > bid.placed_at):
            raise InvalidTransition("The listing has not changed since you bid.")
        ids = bids_to_retract(OwnBid(bid_id, bid.placed_at), _own_active(uow, lot.id, actor.id),
                              ends_at=lot.ends_at, now=now)
        text = f"{reason.value}: {detail}".rstrip(": ")
        _remove_many(uow, ids, lot, status="retracted", reason=text, now=now)
        uow.audit(actor_id=actor.id, action="bid_retract", entity="bids", entity_id=bid_id,
                  after={"reason": text, "bids": list(ids)})
        uow.session.flush()
        flag_if_retracting_too_often(uow, actor.id, now)
        uow.commit()
    return ids


def _listed(reason: str) -> RetractReason:
    """Only eBay's listed reasons: refused before anything is read."""
    try:
        return RetractReason(reason)
    except ValueError:
        raise ValidationFailed({"reason": "Choose one of: " + ", ".join(RetractReason)}) from None


def _own_active(uow: UnitOfWork, lot_id: int | None, bidder_id: int) -> list[OwnBid]:
    rows = uow.session.exec(select(Bid.id, Bid.placed_at).where(
        Bid.lot_id == lot_id, Bid.bidder_id == bidder_id, Bid.status == "active")).all()
    return [OwnBid(bid_id or 0, placed_at) for bid_id, placed_at in rows]


def bid_void(actor: Actor, bid_id: int, *, reason: str, now: datetime | None = None) -> None:
    require(actor, Action.VOID_BIDS)
    now = now or utcnow()
    text = checked_text("reason", reason, label="Reason", max_len=300, min_len=5)
    with UnitOfWork() as uow:
        bid, lot = _locked_bid(uow, bid_id, now)
        _remove(uow, bid, lot, status="voided", reason=text, now=now)
        Notices.of(uow, lot.id or 0).bid_voided(bid.bidder_id, text)
        uow.audit(actor_id=actor.id, action="bid_void", entity="bids", entity_id=bid_id,
                  after={"reason": text})
        uow.commit()


def bids_void_all(uow: UnitOfWork, lot: Lot, *, reason: str, now: datetime) -> tuple[int, ...]:
    """Void every active bid on a lot the caller has locked (a takedown, which then writes the lot
    once: `lot_standing` is what remains); returns their ids."""
    ids = tuple(i or 0 for i in uow.session.exec(
        select(Bid.id).where(Bid.lot_id == lot.id, Bid.status == "active")).all())
    _mark(uow, ids, status="voided", reason=reason, now=now)
    return ids


def _locked_bid(uow: UnitOfWork, bid_id: int, now: datetime) -> tuple[Bid, Lot]:
    bid = uow.session.get(Bid, bid_id)
    if bid is None:
        raise NotFound("No such bid.")
    row = lock_lot(uow.session, bid.lot_id)
    assert row is not None
    lot, auction, _ = row
    uow.session.refresh(bid)  # read again under the lot's lock
    if bid.status != "active":
        raise InvalidTransition(f"This bid was already {bid.status}.")
    if not lot_is_open(auction.status, auction.starts_at, lot.ends_at, lot.outcome, now):
        raise Forbidden("The lot has closed: its bids can no longer change.")
    return bid, lot


def _remove(uow: UnitOfWork, bid: Bid, lot: Lot, *, status: str, reason: str, now: datetime) -> None:
    _remove_many(uow, (bid.id or 0,), lot, status=status, reason=reason, now=now)


def _remove_many(uow: UnitOfWork, ids: tuple[int, ...], lot: Lot, *, status: str, reason: str,
                 now: datetime) -> None:
    _mark(uow, ids, status=status, reason=reason, now=now)
    lot_replayed(uow.session, lot.id or 0, lot_standing(uow, lot))


def _mark(uow: UnitOfWork, ids: tuple[int, ...], *, status: str, reason: str, now: datetime) -> None:
    for bid in uow.session.exec(select(Bid).where(col(Bid.id).in_(ids), Bid.status == "active")).all():
        bid.status, bid.status_reason, bid.status_changed_at = status, reason, now
    uow.session.flush()


def lot_standing(uow: UnitOfWork, lot: Lot) -> Standing:
    """Replay the lot's active bids in order: price, leader and counters as if removed bids never were."""
    active = uow.session.exec(select(Bid).where(Bid.lot_id == lot.id, Bid.status == "active")
                              .order_by(col(Bid.id))).all()
    start = LotState(lot.starting_price, lot.reserve_price)
    decisions = replay(start, [(b.bidder_id, b.max_amount) for b in active], ladder_load(uow))
    final = decisions[-1].state if decisions else start
    return Standing(final.price, final.leader, final.leader_max, len(active), {b.bidder_id for b in active})
