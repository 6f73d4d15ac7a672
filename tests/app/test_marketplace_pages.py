"""Auctions, an auction, a lot (board and bid form), my bids, notifications: as bidders use them."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
import streamlit as st

from data.types import utcnow
from domain.bidding import service
from domain.bidding.board import lot_board_snapshot
from domain.bidding.rules import soft_close
from domain.types import Role
from tests.app.conftest import page_as, texts
from tests.support.factories import (
    live_lot,
    lot_now,
    make_admin,
    make_auction,
    make_dealer,
    make_user,
    move_auction,
)
from ui.format import money


def test_auctions_page_lists_live_and_upcoming() -> None:
    dealer = make_dealer()
    live = make_auction(dealer, title="Live Sunday sale")
    move_auction(live.id or 0, starts=-timedelta(minutes=5), first_close=timedelta(hours=1))
    make_auction(dealer, title="Next week sale")
    at = page_as(make_user(), "pages/auctions.py")
    assert not at.exception
    assert "Live Sunday sale" in texts(at) and "Next week sale" in texts(at)


def test_auction_page_shows_lots_without_the_reserve_amount() -> None:
    dealer = make_dealer()
    auction = make_auction(dealer, cars_=2)
    at = page_as(make_user(), "pages/auction.py", id=auction.id)
    assert not at.exception
    page = texts(at) + " ".join(str(m.value) for m in at.markdown)
    assert "Lot 1" in page and "Lot 2" in page
    assert "reserve not met" in page
    assert "4,00,000" not in page  # the reserve (₹4,00,000) is never shown


def test_a_maximum_with_paise_reaches_the_store_exactly() -> None:
    """The widget speaks float; the bid keeps every paisa the bidder typed, nothing rounded away."""
    lot = live_lot()
    at = page_as(make_user(), "pages/lot.py", id=lot.id)
    at.number_input(key="bid_amount").set_value(350000.23)
    at.button[0].click()
    at.run()
    assert not at.exception and "You lead" in texts(at)
    assert lot_now(lot.id).leader_max == Decimal("350000.23")


def test_lot_page_bids_and_shows_the_outcome_at_once() -> None:
    lot = live_lot()
    bidder = make_user()
    at = page_as(bidder, "pages/lot.py", id=lot.id)
    assert not at.exception
    assert "Current price" in [m.label for m in at.metric]
    at.number_input(key="bid_amount").set_value(350000)
    at.button[0].click()
    at.run()
    assert not at.exception
    assert "You lead" in texts(at)
    state = lot_now(lot.id)
    assert state.leader_id == bidder.id and state.bid_count == 1
    leader = next(m for m in at.metric if m.label == "Leader")
    assert leader.value == "you"


@pytest.mark.parametrize(("typed", "reason"), [(0.0, "must be more than 0"),
                                                (350000.555, "can have at most two decimals")])
def test_an_amount_the_rule_refuses_is_named_and_places_nothing(typed: float, reason: str) -> None:
    """The form reads the box through the domain's one reading (`parse_amount`): no rounding, no bid."""
    lot = live_lot()
    at = page_as(make_user(), "pages/lot.py", id=lot.id)
    at.number_input(key="bid_amount").set_value(typed)
    at.button[0].click()
    at.run()
    assert not at.exception
    assert "Your maximum bid" in at.error[0].value and reason in at.error[0].value
    assert lot_now(lot.id).bid_count == 0


def test_a_too_low_bid_is_refused_with_the_minimum() -> None:
    lot = live_lot()
    at = page_as(make_user(), "pages/lot.py", id=lot.id)
    at.number_input(key="bid_amount").set_value(1000)
    at.button[0].click()
    at.run()
    assert "lowest bid now is ₹3,00,000" in at.error[0].value
    assert lot_now(lot.id).bid_count == 0


def test_dealer_sees_no_bid_form_on_own_lot_and_others_see_handles() -> None:
    dealer = make_dealer()
    lot = live_lot(dealer)
    rival = make_user()
    service.bid_place(rival, lot_id=lot.id, maximum=Decimal(350000), key=uuid.uuid4().hex)
    at = page_as(dealer, "pages/lot.py", id=lot.id)
    assert not at.exception
    assert not [n for n in at.number_input if n.key == "bid_amount"]
    leader = next(m for m in at.metric if m.label == "Leader")
    assert leader.value.startswith("Bidder ") and rival.email not in texts(at)


def test_my_bids_and_notifications_show_being_outbid() -> None:
    lot = live_lot()
    asha, ben = make_user(), make_user()
    service.bid_place(asha, lot_id=lot.id, maximum=Decimal(350000), key=uuid.uuid4().hex)
    service.bid_place(ben, lot_id=lot.id, maximum=Decimal(380000), key=uuid.uuid4().hex)
    mine = page_as(asha, "pages/my_bids.py")
    assert not mine.exception and "outbid" in " ".join(m.value for m in mine.markdown)
    notes = page_as(asha, "pages/notifications.py")
    assert "You were outbid" in " ".join(m.value for m in notes.markdown)


def test_only_admins_edit_the_ladder() -> None:
    refused = page_as(make_user(Role.BIDDER), "pages/admin_fees.py")
    assert "does not have access" in texts(refused)
    at = page_as(make_admin(), "pages/admin_fees.py")
    assert not at.exception and "Fees and increments" in texts(at)
    assert [tab.label for tab in at.tabs] == ["Buyer's premium", "Seller fees", "Bid increments"]


def test_analyst_cannot_bid_even_on_the_lot_page() -> None:
    lot = live_lot()
    at = page_as(make_user(Role.ANALYST), "pages/lot.py", id=lot.id)
    assert not at.exception
    assert not [n for n in at.number_input if n.key == "bid_amount"]


def test_a_closed_lot_shows_its_result_and_no_bid_form() -> None:
    lot = live_lot(reserve=None)
    winner, other = make_user(), make_user()
    service.bid_place(other, lot_id=lot.id, maximum=Decimal(320000), key=uuid.uuid4().hex)
    service.bid_place(winner, lot_id=lot.id, maximum=Decimal(350000), key=uuid.uuid4().hex)
    at = page_as(winner, "pages/lot.py", id=lot.id)
    assert "You lead" in texts(at)
    move_auction(lot.auction_id, starts=-timedelta(hours=1), first_close=-timedelta(seconds=5))
    st.cache_data.clear()  # the board's shared one-second copy has expired
    at.run()  # in the browser the fragment's next tick; AppTest runs the page again
    assert not at.exception
    page = texts(at)
    assert "Bidding has closed" in page
    assert f"You won this lot at {money(lot_now(lot.id).current_price)}" in page
    assert "You lead" not in page
    assert not [b for b in at.button if b.label == "Place bid"]
    assert "You did not win" in texts(page_as(other, "pages/lot.py", id=lot.id))


def test_a_refused_bid_keeps_its_reason_on_screen_across_refreshes() -> None:
    lot = live_lot()
    at = page_as(make_user(), "pages/lot.py", id=lot.id)
    at.number_input(key="bid_amount").set_value(1000)
    at.button[0].click()
    at.run()
    at.run()  # the board's next refresh
    assert at.error and "₹3,00,000" in at.error[0].value


def test_the_auction_page_states_soft_close_as_the_rule_applies_it() -> None:
    auction = make_auction(make_dealer(), soft_close_window_s=120, soft_close_extension_s=60)
    caption = " ".join(c.value for c in page_as(make_user(), "pages/auction.py", id=auction.id).caption)
    assert "a bid in the last 2 min keeps that lot open until 1 min after the bid" in caption
    ends = utcnow() + timedelta(minutes=10)
    window, extension = timedelta(minutes=2), timedelta(minutes=1)
    late = ends - timedelta(minutes=1, seconds=25)  # the report: 1m25s left, no extension, as the page says
    assert soft_close(ends, late, window=window, extension=extension, latest=None) == ends
    last = ends - timedelta(seconds=20)
    assert soft_close(ends, last, window=window, extension=extension, latest=None) == last + extension


def test_the_bid_box_and_lowest_bid_follow_other_bidders() -> None:
    lot = live_lot()
    at = page_as(make_user(), "pages/lot.py", id=lot.id)
    assert at.number_input(key="bid_amount").value == 300000
    service.bid_place(make_user(), lot_id=lot.id, maximum=Decimal(350000), key=uuid.uuid4().hex)
    st.cache_data.clear()  # the board's shared one-second copy has expired
    at.run()
    lowest = lot_board_snapshot(lot.id).minimum_next
    assert lowest > 300000
    assert at.number_input(key="bid_amount").value == float(lowest)
    assert f"Lowest bid now {money(lowest)}" in texts(at)
