"""What the bidding rules tell people: the exact amount (every paisa, in the app's money format), so a
bidder who types what they read is accepted; and a minimum that can always be bid, the price cap
included."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from domain.auctions.rules import MAX_PRICE
from domain.bidding.rules import MAX_BID, BidTooLow, Ladder, LotState, Outcome, apply_bid, minimum_bid
from domain.formatting import money as money_text
from domain.formatting import parse_amount

LADDER = Ladder()  # the default: ₹10,000 steps from ₹10 lakh, ₹50,000 from ₹50 lakh


def test_a_refusal_names_the_exact_minimum_and_bidding_it_is_accepted() -> None:
    state = LotState(D(1_000_000), price=D("1640002.23"), leader=1, leader_max=D("1640002.23"))
    with pytest.raises(BidTooLow) as refused:
        apply_bid(state, 2, D(1_650_002), LADDER)
    assert refused.value.minimum == D("1650002.23")
    assert "₹16,50,002.23" in str(refused.value)
    typed = D(str(refused.value).split("₹")[1].rstrip(".").replace(",", ""))
    assert apply_bid(state, 2, typed, LADDER).outcome == Outcome.LEADING


def test_money_in_messages_is_the_apps_format() -> None:
    assert money_text(D(753_000)) == "₹7,53,000"
    assert money_text(D("1650002.23")) == "₹16,50,002.23"
    with pytest.raises(BidTooLow, match=r"already lead with a maximum of ₹7,53,000;"):
        apply_bid(LotState(D(500_000), price=D(600_000), leader=1, leader_max=D(753_000)), 1, D(700_000),
                  LADDER)


@pytest.mark.parametrize("price", [D(99_900_000), D(99_990_000), D("99999999.98")])
def test_near_the_cap_the_advertised_minimum_can_be_bid(price: D) -> None:
    state = LotState(D(1_000_000), price=price, leader=1, leader_max=price)
    minimum = minimum_bid(state, LADDER)
    assert price < minimum <= MAX_BID < MAX_PRICE
    assert parse_amount(minimum, label="Your maximum bid") == minimum  # what bid_place and the API accept
    decision = apply_bid(state, 2, minimum, LADDER)
    assert decision.outcome == Outcome.LEADING and decision.state.price == minimum


def test_at_the_cap_the_leader_is_told_no_higher_maximum_exists() -> None:
    state = LotState(D(1_000_000), price=MAX_BID, leader=1, leader_max=MAX_BID)
    assert minimum_bid(state, LADDER) == MAX_BID
    with pytest.raises(BidTooLow, match="highest maximum allowed"):
        apply_bid(state, 1, MAX_BID, LADDER)
    assert apply_bid(state, 2, MAX_BID, LADDER).outcome == Outcome.OUTBID  # the earlier equal maximum leads
