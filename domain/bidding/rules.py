"""Pure bidding rules: increments, proxy (max) bids the way eBay runs them, reserve, soft close.

A lot's state is its price, its leader and the leader's hidden maximum. A bid is a bidder's maximum;
the engine bids for them only as much as needed: the price is one increment above the second-highest
maximum, never above the leader's; of two equal maximums the earlier leads; a leader raising their own
maximum does not raise the price; a maximum at or above the reserve lifts the price to the reserve.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from domain.auctions.rules import MAX_PRICE
from domain.errors import DomainError
from domain.formatting import money

DEFAULT_LADDER = ((Decimal(0), Decimal(500)), (Decimal(10_000), Decimal(1_000)),
                  (Decimal(100_000), Decimal(2_000)), (Decimal(500_000), Decimal(5_000)),
                  (Decimal(1_000_000), Decimal(10_000)), (Decimal(2_500_000), Decimal(25_000)),
                  (Decimal(5_000_000), Decimal(50_000)))
MAX_BID = MAX_PRICE - Decimal("0.01")  # the largest maximum a bid may name (formatting.parse_amount)


class BidTooLow(DomainError):
    def __init__(self, minimum: Decimal, message: str) -> None:
        self.minimum = minimum
        super().__init__(message)


@dataclass(frozen=True)
class Ladder:
    """Price bands: from each `min_price` upwards a bid must rise by at least `step`."""

    bands: tuple[tuple[Decimal, Decimal], ...] = DEFAULT_LADDER

    @classmethod
    def stored(cls, bands: Iterable[tuple[Decimal, Decimal]]) -> Ladder:
        """The ladder kept in the store, or the default one while none is."""
        found = tuple(bands)
        return cls(found) if found else cls()

    def step(self, price: Decimal) -> Decimal:
        return next(step for low, step in reversed(self.bands) if price >= low)

    def above(self, price: Decimal) -> Decimal:
        return price + self.step(price)


def check_ladder(bands: Sequence[tuple[Decimal, Decimal]]) -> Ladder:
    """A usable ladder starts at 0, rises strictly, and has positive steps."""
    if not bands or bands[0][0] != 0:
        raise DomainError("The first band must start at 0.")
    starts = [low for low, _ in bands]
    if any(later <= earlier for earlier, later in pairwise(starts)):
        raise DomainError("Band starts must rise strictly.")
    if any(step <= 0 for _, step in bands):
        raise DomainError("Every step must be more than 0.")
    return Ladder(tuple(bands))


@dataclass(frozen=True)
class LotState:
    starting_price: Decimal
    reserve: Decimal | None = None
    price: Decimal | None = None  # None until the first bid
    leader: int | None = None
    leader_max: Decimal | None = None

    @property
    def reserve_met(self) -> bool:
        return self.reserve is None or (self.price is not None and self.price >= self.reserve)


class Outcome(StrEnum):
    LEADING = "leading"  # the bidder leads
    OUTBID = "outbid"  # another bidder's higher (or earlier equal) maximum still leads
    RAISED = "raised"  # the leader raised their own maximum


@dataclass(frozen=True)
class Decision:
    state: LotState
    outcome: Outcome


def minimum_bid(state: LotState, ladder: Ladder) -> Decimal:
    """The least a new bid may be: one step above the price, but never above MAX_BID, so the minimum a
    lot advertises can always be bid (near the cap the last step is short)."""
    return state.starting_price if state.price is None else min(ladder.above(state.price), MAX_BID)


def apply_bid(state: LotState, bidder: int, maximum: Decimal, ladder: Ladder) -> Decision:
    if state.leader == bidder:
        return _raise_own_max(state, maximum)
    minimum = minimum_bid(state, ladder)
    if maximum < minimum:
        raise BidTooLow(minimum, f"The lowest bid now is {money(minimum)}.")
    if state.leader is None or state.leader_max is None:
        return Decision(_with_reserve(replace(state, price=state.starting_price, leader=bidder,
                                              leader_max=maximum)), Outcome.LEADING)
    if maximum > state.leader_max:
        price = min(maximum, ladder.above(state.leader_max))
        new = replace(state, price=price, leader=bidder, leader_max=maximum)
        return Decision(_with_reserve(new), Outcome.LEADING)
    price = max(minimum, min(state.leader_max, ladder.above(maximum)))
    return Decision(_with_reserve(replace(state, price=price)), Outcome.OUTBID)


def _raise_own_max(state: LotState, maximum: Decimal) -> Decision:
    """A leader never bids against themselves: the price stays, unless the reserve is now reached."""
    current = state.leader_max or Decimal(0)
    if maximum <= current:
        if current >= MAX_BID:
            raise BidTooLow(current, f"You already lead with the highest maximum allowed, {money(current)}.")
        raise BidTooLow(current, f"You already lead with a maximum of {money(current)}; "
                                 "to raise it, enter more than that.")
    return Decision(_with_reserve(replace(state, leader_max=maximum)), Outcome.RAISED)


def _with_reserve(state: LotState) -> LotState:
    """A leading maximum at or above the reserve lifts the price to the reserve at once."""
    assert state.price is not None and state.leader_max is not None
    if state.reserve is not None and state.leader_max >= state.reserve > state.price:
        return replace(state, price=state.reserve)
    return state


def replay(state: LotState, bids: Iterable[tuple[int, Decimal]], ladder: Ladder) -> list[Decision]:
    """Apply bids in order from a fresh lot, skipping any the rules would have refused: the state
    after a retraction or a void, "as if that bid had never been placed"."""
    decisions: list[Decision] = []
    for bidder, maximum in bids:
        try:
            decision = apply_bid(state, bidder, maximum, ladder)
        except BidTooLow:
            continue
        decisions.append(decision)
        state = decision.state
    return decisions


def soft_close(ends_at: datetime, now: datetime, *, window: timedelta, extension: timedelta,
               latest: datetime | None) -> datetime:
    """A bid in the closing window moves the lot's end to now + extension (never past `latest`)."""
    if ends_at - now > window:
        return ends_at
    extended = now + extension
    if latest is not None:
        extended = min(extended, latest)
    return max(ends_at, extended)
