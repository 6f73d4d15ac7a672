"""The auctions list's live cards: a cover photo, how many lots are live, the next lot to close with
its current bid (ticking in a browser; written by Python here), all read in a fixed number of
queries however many auctions are listed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event
from sqlmodel import col, select

from data.db import get_engine
from data.models import Car, Lot
from data.uow import UnitOfWork
from domain.auctions.lifecycle import Phase
from domain.auctions.queries import auction_browse
from domain.bidding import service
from tests.app.conftest import page_as, texts
from tests.support.factories import make_auction, make_dealer, make_user, move_auction
from ui.format import money


def a_live_auction(title: str, *, bid_on_second: bool = False) -> list[Lot]:
    """Three lots a minute apart; the first closed 30 s ago, so lot 2 closes next."""
    auction = make_auction(make_dealer(), cars_=3, title=title)
    with UnitOfWork() as uow:
        lots = list(uow.session.exec(select(Lot).where(Lot.auction_id == auction.id)
                                     .order_by(col(Lot.lot_number))).all())
        first_car = uow.session.get(Car, lots[0].car_id)
        assert first_car is not None
        first_car.photos = ["cover-key.webp", "second.webp"]
        uow.session.add(first_car)
        uow.commit()
    move_auction(auction.id or 0, starts=-timedelta(minutes=5), first_close=timedelta(hours=1))
    if bid_on_second:  # while far from its end: no soft-close extension moves it past lot 3
        service.bid_place(make_user(), lot_id=lots[1].id or 0, maximum="350000", key=uuid.uuid4().hex)
    move_auction(auction.id or 0, starts=-timedelta(minutes=5), first_close=-timedelta(seconds=30))
    return lots


def test_a_live_auctions_card_shows_its_cover_live_lots_and_next_lot_with_its_bid() -> None:
    a_live_auction("Friday night sale", bid_on_second=True)
    card = next(c for c in auction_browse(make_user(), Phase.LIVE) if c.title == "Friday night sale")
    assert card.cover_photo == "cover-key.webp" and card.live_lots == 2
    assert card.next_lot is not None and card.next_lot.number == 2 and card.next_lot.bid_count == 1

    at = page_as(make_user(), "pages/auctions.py")
    assert not at.exception
    page = texts(at)
    assert "2 of 3 lots live" in page and "next to close: lot 2" in page
    assert f"{money(card.next_lot.current_price)} · 1 bids" in page


def test_an_upcoming_auction_has_no_next_lot_to_close() -> None:
    make_auction(make_dealer(), title="Later sale")
    card = next(c for c in auction_browse(make_user(), Phase.UPCOMING) if c.title == "Later sale")
    assert card.next_lot is None and card.live_lots == 0 and card.lots == 2


@contextmanager
def counted() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_list_reads_a_fixed_number_of_queries_however_many_auctions() -> None:
    viewer = make_user()
    a_live_auction("One")
    with counted() as few:
        auction_browse(viewer, Phase.LIVE)
    for n in range(4):
        a_live_auction(f"More {n}")
    with counted() as many:
        cards = auction_browse(viewer, Phase.LIVE)
    assert len(cards) >= 5 and all(card.next_lot is not None for card in cards)
    assert len(many) == len(few)  # no query per auction
