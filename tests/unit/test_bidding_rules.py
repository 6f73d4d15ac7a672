"""The bidding rules without a database: eBay's published proxy-bidding examples, reserve, soft close,
increments, and the money of a sale."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from domain.bidding.fees import FeeBand, FeeSchedule, sale_amounts
from domain.bidding.rules import (
    BidTooLow,
    Ladder,
    LotState,
    Outcome,
    apply_bid,
    check_ladder,
    minimum_bid,
    replay,
    soft_close,
)
from domain.errors import DomainError

# eBay's help pages use a $0.50 increment for items priced $1-$5, and $1.00 for $5-$25.
EBAY = Ladder(((D(0), D("0.05")), (D(1), D("0.25")), (D(5), D("0.50")), (D(25), D(1)), (D(100), D("2.50"))))


def bids(state: LotState, *sequence: tuple[int, str]) -> LotState:
    for bidder, amount in sequence:
        state = apply_bid(state, bidder, D(amount), EBAY).state
    return state


def test_ebay_example_proxy_bids_only_what_is_needed() -> None:
    # Starting price $10; A's max $25: A leads at $10. B bids $15: A leads at $15.50 ($15 + $0.50).
    state = bids(LotState(D(10)), (1, "25"))
    assert (state.price, state.leader) == (D(10), 1)
    state = bids(state, (2, "15"))
    assert (state.price, state.leader) == (D("15.50"), 1)
    # C bids $30: C leads at $26 (A's $25 + $1 increment).
    state = bids(state, (3, "30"))
    assert (state.price, state.leader) == (D(26), 3)


def test_price_never_exceeds_the_leaders_maximum() -> None:
    state = bids(LotState(D(10)), (1, "20"), (2, "19.80"))
    assert (state.price, state.leader) == (D(20), 1)


def test_equal_maximums_the_earlier_leads() -> None:
    state = bids(LotState(D(10)), (1, "20"), (2, "20"))
    assert (state.price, state.leader) == (D(20), 1)


def test_raising_your_own_maximum_does_not_raise_the_price() -> None:
    state = bids(LotState(D(10)), (1, "20"), (2, "15"))
    raised = apply_bid(state, 1, D(40), EBAY)
    assert raised.outcome == Outcome.RAISED and raised.state.price == state.price
    assert raised.state.leader_max == D(40)
    with pytest.raises(BidTooLow, match="already lead"):
        apply_bid(raised.state, 1, D(30), EBAY)


def test_a_bid_below_the_minimum_is_refused_with_the_minimum() -> None:
    state = bids(LotState(D(10)), (1, "20"), (2, "15"))
    with pytest.raises(BidTooLow) as refused:
        apply_bid(state, 3, D("15.60"), EBAY)
    assert refused.value.minimum == minimum_bid(state, EBAY) == D(16)
    with pytest.raises(BidTooLow):
        apply_bid(LotState(D(10)), 1, D("9.99"), EBAY)


def test_a_maximum_at_the_reserve_lifts_the_price_to_it() -> None:
    state = bids(LotState(D(10), reserve=D(50)), (1, "30"))
    assert state.price == D(10) and not state.reserve_met
    state = bids(state, (2, "60"))
    assert (state.price, state.leader, state.reserve_met) == (D(50), 2, True)
    leader_raise = bids(LotState(D(10), reserve=D(50)), (1, "30"), (1, "55"))
    assert leader_raise.price == D(50)


def test_outbid_by_a_proxy_says_so() -> None:
    state = bids(LotState(D(10)), (1, "100"))
    decision = apply_bid(state, 2, D(50), EBAY)
    assert decision.outcome == Outcome.OUTBID and decision.state.leader == 1
    assert decision.state.price == D("51")


def test_replay_recomputes_as_if_a_bid_never_happened() -> None:
    placed = [(1, D(20)), (2, D(30)), (3, D(25))]
    everything = replay(LotState(D(10)), placed, EBAY)
    assert (everything[-1].state.leader, everything[-1].state.price) == (2, D(26))
    without_second = replay(LotState(D(10)), [placed[0], placed[2]], EBAY)
    assert (without_second[-1].state.leader, without_second[-1].state.price) == (3, D("20.50"))


def test_replay_skips_bids_the_rules_would_refuse() -> None:
    decisions = replay(LotState(D(10)), [(1, D(5)), (2, D(12))], EBAY)
    assert [d.state.leader for d in decisions] == [2]


def test_soft_close_extends_only_inside_the_window_and_never_past_the_latest_end() -> None:
    end = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    window, extension = timedelta(minutes=2), timedelta(minutes=2)
    assert soft_close(end, end - timedelta(minutes=5), window=window, extension=extension, latest=None) == end
    late = end - timedelta(seconds=30)
    assert soft_close(end, late, window=window, extension=extension, latest=None) == late + extension
    cap = end + timedelta(seconds=45)
    assert soft_close(end, late, window=window, extension=extension, latest=cap) == cap


def test_ladder_steps_and_validation() -> None:
    ladder = Ladder()
    assert ladder.step(D(0)) == D(500) and ladder.step(D(150_000)) == D(2_000)
    assert ladder.above(D(1_000_000)) == D(1_010_000)
    with pytest.raises(DomainError):
        check_ladder([(D(10), D(5))])
    with pytest.raises(DomainError):
        check_ladder([(D(0), D(5)), (D(0), D(10))])
    with pytest.raises(DomainError):
        check_ladder([(D(0), D(0))])


def test_sale_money_is_defined_once() -> None:
    premium = FeeSchedule((FeeBand(D(0), percent=D(5), minimum=D(2_000), maximum=D(20_000)),))
    sale = sale_amounts(D(500_000), premium=premium,
                        seller_fee=FeeSchedule((FeeBand(D(0), percent=D("1.5")),)))
    assert sale.buyer_premium == D(20_000)  # 25,000 capped at the maximum
    assert sale.buyer_total == D(520_000) and sale.seller_fee == D(7_500)
    assert sale.dealer_earnings == D(492_500) and sale.platform_revenue == D(27_500)
    small = sale_amounts(D(20_000), premium=premium, seller_fee=FeeSchedule((FeeBand(D(0)),)))
    assert small.buyer_premium == D(2_000)
