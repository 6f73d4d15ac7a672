"""Reading bids, participants and stores on both stores: pages carry their total (also past the
last page), newest first, and a wrong id answers NotFound, never someone else's rows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.accounts import dealers
from domain.auctions.queries import participants_of
from domain.bidding.queries import bid_get, bids_of_auction, bids_of_user
from domain.bidding.service import bid_place
from domain.errors import NotFound
from domain.permissions import Actor
from domain.types import DealerStatus
from tests.support.factories import live_lot, make_admin, make_auction, make_dealer, make_user


def bidding_war(lot_id: int, *bidders: Actor) -> list[int]:
    """Each bidder in turn raises on the lot; returns the bid ids in the order placed."""
    return [bid_place(bidder, lot_id=lot_id, maximum=Decimal(320_000 + 40_000 * n), key=f"war-bid-{n}").bid_id
            for n, bidder in enumerate(bidders)]


def test_a_bidders_pages_and_their_total(store: str) -> None:
    lot, alice, bob, boss = live_lot(), make_user(), make_user(), make_admin()
    ids = bidding_war(lot.id or 0, alice, bob, alice, bob)
    first, total = bids_of_user(alice, alice.id, offset=0, limit=1)
    assert ([b.id for b in first], total) == ([ids[2]], 2)
    assert [b.id for b in bids_of_user(boss, alice.id, offset=1, limit=1)[0]] == [ids[0]]
    assert bids_of_user(alice, alice.id, offset=5, limit=1) == ([], 2)
    assert bids_of_user(boss, boss.id, offset=0, limit=10) == ([], 0)
    with pytest.raises(NotFound):
        bids_of_user(bob, alice.id, offset=0, limit=10)
    assert bid_get(boss, ids[1]).bidder_id == bob.id
    with pytest.raises(NotFound):
        bid_get(alice, ids[1])


def test_an_auctions_bids_are_public_but_nameless(store: str) -> None:
    dealer = make_dealer()
    lot, alice, bob = live_lot(dealer), make_user(), make_user()
    ids = bidding_war(lot.id or 0, alice, bob, alice)
    rows, total = bids_of_auction(bob, lot.auction_id, offset=0, limit=2)
    assert ([b.id for b in rows], total) == ([ids[2], ids[1]], 3)
    assert [b.bidder == "you" for b in rows] == [False, True]
    assert [b.id for b in bids_of_auction(bob, lot.auction_id, offset=2, limit=2)[0]] == [ids[0]]
    assert bids_of_auction(bob, lot.auction_id, offset=4, limit=2) == ([], 3)
    draft = make_auction(dealer, 1, publish=False)
    assert bids_of_auction(dealer, draft.id or 0, offset=0, limit=2) == ([], 0)
    for auction_id in (draft.id or 0, 999_999):
        with pytest.raises(NotFound):
            bids_of_auction(bob, auction_id, offset=0, limit=2)
        with pytest.raises(NotFound):
            participants_of(bob, auction_id)
    assert [(p.number, p.you) for p in participants_of(bob, lot.auction_id)] == [(1, False), (2, True)]


def test_a_store_shows_its_private_details_to_its_owner_and_admins(store: str) -> None:
    owner, stranger, boss = make_user(), make_user(), make_admin()
    pending = dealers.dealer_apply(owner, store_name="Ravi Cars", address="7 Park Street, Central",
                                   city="Kolkata", postal_code="700016", phone="+91 98300 12345")
    assert dealers.dealer_view(owner, pending.id or 0).address is not None  # the owner sees it all
    with pytest.raises(NotFound):
        dealers.dealer_view(stranger, pending.id or 0)
    dealers.dealer_review(boss, pending.id or 0, to=DealerStatus.VERIFIED)
    assert dealers.dealer_view(stranger, pending.id or 0).address is None  # name and city only
    assert dealers.dealer_view(boss, pending.id or 0).address == "7 Park Street, Central"
    with pytest.raises(NotFound):
        dealers.dealer_view(boss, 999_999)
