"""Card grids keep their order on a phone: a narrow screen stacks each st.columns row's columns in
turn, so the cards must be laid out row by row; the page's element tree, read in order, is what a
phone shows from top to bottom."""

from __future__ import annotations

from datetime import timedelta

from domain.auctions.lifecycle import Phase
from domain.auctions.queries import auction_browse, auction_detail
from tests.app.conftest import page_as
from tests.support.factories import make_auction, make_dealer, make_user, move_auction


def titles_in_page_order(markdown: list[str], wanted: list[str]) -> list[str]:
    return [title for text in markdown for title in wanted if f"**{title}**" in text]


def test_auction_cards_read_in_order_when_stacked() -> None:
    dealer, bidder = make_dealer(), make_user()
    for hours in range(1, 6):  # five live auctions closing one after another
        auction = make_auction(dealer, cars_=1, title=f"Sale closing in {hours} h")
        move_auction(auction.id or 0, starts=-timedelta(minutes=1), first_close=timedelta(hours=hours))
    expected = [card.title for card in auction_browse(bidder, Phase.LIVE)]
    assert len(expected) == 5
    at = page_as(bidder, "pages/auctions.py")
    assert not at.exception
    assert titles_in_page_order([m.value for m in at.markdown], expected) == expected


def test_lot_cards_read_in_order_when_stacked() -> None:
    dealer, bidder = make_dealer(), make_user()
    auction = make_auction(dealer, cars_=5)
    move_auction(auction.id or 0, starts=-timedelta(minutes=1), first_close=timedelta(hours=1))
    lots = auction_detail(bidder, auction.id or 0).lots
    expected = [f"Lot {lot.number}" for lot in lots]
    assert expected == [f"Lot {n}" for n in range(1, 6)]
    at = page_as(bidder, "pages/auction.py", id=auction.id)
    assert not at.exception
    shown = [m.value.split(":")[0].strip("*") for m in at.markdown if m.value.startswith("**Lot ")]
    assert shown == expected
