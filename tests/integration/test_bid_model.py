"""The real bidding service against a reference model written here from the spec, step by step.

The reference model (first half of this file) imports nothing from domain/: it restates eBay's proxy
rules from the issue, so a misreading in the engine cannot be copied into its own check. A Hypothesis
state machine then drives random bids, maximums, clock moves, retractions and admin voids through the
real service on each store, and after every step the store must say what the model says: price,
leader, leader's maximum, bid count, end time, which bids stand, and whether each call was accepted.
eBay's published examples run through the model and through the engine as one table.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal as D
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlmodel import col, select

from data.models import Auction, Bid, Lot
from data.types import utcnow
from data.uow import UnitOfWork
from domain.bidding import rules as engine
from domain.bidding.retraction import RetractReason, bid_retract, bid_void
from domain.bidding.rules import BidTooLow
from domain.bidding.service import LotClosed, bid_place
from domain.errors import DomainError
from domain.permissions import Actor
from tests.support.factories import live_lot, lot_now, make_admin, make_dealer, make_user
from tests.support.limits import tight_limits

# ============================================================================================
# The reference model. Nothing from domain/ below this line until the state machine.
# ============================================================================================

Bands = tuple[tuple[D, D], ...]

# The default ladder in rupees: from each price upwards, bids rise by at least this much.
RUPEE_BANDS: Bands = ((D(0), D(500)), (D(10_000), D(1_000)), (D(100_000), D(2_000)),
                      (D(500_000), D(5_000)), (D(1_000_000), D(10_000)), (D(2_500_000), D(25_000)),
                      (D(5_000_000), D(50_000)))
LAST_HOUR = timedelta(hours=1)  # the clock's "last hour" move; with < 12 h left only a bid this recent may go
ALL_BIDS = timedelta(hours=12)  # with this much left a retraction takes back all the bidder's bids


def increment(amount: D, bands: Bands) -> D:
    """The step of the highest band whose start the amount has reached."""
    step = bands[0][1]
    for start, band_step in bands:
        if amount >= start:
            step = band_step
    return step


LARGEST_BID = D("99999999.99")  # the platform takes amounts below ₹10 crore


@dataclass(frozen=True)
class Standing:
    """What the lot shows (price, leader) and what it hides (the leader's maximum)."""

    price: D | None = None
    leader: int | None = None
    leader_max: D | None = None


@dataclass(frozen=True)
class Terms:
    starting: D
    reserve: D | None
    bands: Bands = RUPEE_BANDS

    def lowest_new_bid(self, standing: Standing) -> D:
        """First bid: the starting price. Later: the price plus one increment, but never more than the
        largest amount a bid may name (near the cap the last step is short)."""
        if standing.price is None:
            return self.starting
        return min(standing.price + increment(standing.price, self.bands), LARGEST_BID)


def offer(terms: Terms, standing: Standing, bidder: int, maximum: D) -> tuple[Standing, str] | None:
    """The lot after one maximum is offered, and how it went for the bidder; None if refused."""
    if standing.leader == bidder:  # raising your own maximum: never bid against yourself
        assert standing.leader_max is not None
        if maximum <= standing.leader_max:
            return None
        return _lift_to_reserve(terms, replace(standing, leader_max=maximum)), "raised"
    if maximum < terms.lowest_new_bid(standing):
        return None
    if standing.leader is None or standing.leader_max is None:
        return _lift_to_reserve(terms, Standing(terms.starting, bidder, maximum)), "leading"
    if maximum > standing.leader_max:  # the old leader's maximum is now second: one step above it
        second = standing.leader_max
        price = min(maximum, second + increment(second, terms.bands))
        return _lift_to_reserve(terms, Standing(price, bidder, maximum)), "leading"
    # The new maximum is second (a tie goes to the earlier bid): one step above it, capped by the leader's.
    price = min(standing.leader_max, maximum + increment(maximum, terms.bands))
    return _lift_to_reserve(terms, replace(standing, price=price)), "outbid"


def _lift_to_reserve(terms: Terms, standing: Standing) -> Standing:
    """A leading maximum at or above the reserve takes the price straight to the reserve."""
    assert standing.price is not None and standing.leader_max is not None
    if terms.reserve is not None and standing.leader_max >= terms.reserve > standing.price:
        return replace(standing, price=terms.reserve)
    return standing


def replayed(terms: Terms, bids: Iterable[tuple[int, D]]) -> Standing:
    """The lot after these bids in order, skipping any the rules refuse (a retraction or a void)."""
    standing = Standing()
    for bidder, maximum in bids:
        verdict = offer(terms, standing, bidder, maximum)
        if verdict is not None:
            standing = verdict[0]
    return standing


@dataclass
class RefBid:
    bid_id: int
    key: str
    bidder: int
    amount: D
    placed_at: datetime
    status: str = "active"


@dataclass
class RefLot:
    """One lot over time: its terms, its clock rules, its bids and its standing."""

    terms: Terms
    starts_at: datetime
    ends_at: datetime
    window: timedelta  # a bid this close to the end moves the end ...
    extension: timedelta  # ... to now + this
    latest: datetime | None  # ... but never past this
    bids: list[RefBid] = field(default_factory=list)
    standing: Standing = field(default_factory=Standing)

    def is_open(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at

    def active(self) -> list[RefBid]:
        return [b for b in self.bids if b.status == "active"]

    def predict_bid(self, bidder: int, amount: D, now: datetime) -> tuple[Standing, str] | None:
        return offer(self.terms, self.standing, bidder, amount) if self.is_open(now) else None

    def accept(self, verdict: tuple[Standing, str], bid: RefBid, now: datetime) -> None:
        self.standing = verdict[0]
        self.bids.append(bid)
        if self.ends_at - now <= self.window:  # soft close
            later = now + self.extension
            self.ends_at = max(self.ends_at, min(later, self.latest) if self.latest else later)

    def may_retract(self, bid: RefBid, bidder: int, now: datetime) -> bool:
        return (bid.status == "active" and self.is_open(now) and bid.bidder == bidder
                and (self.ends_at - now >= ALL_BIDS or now - bid.placed_at <= LAST_HOUR))

    def retract(self, bid: RefBid, now: datetime) -> None:
        """eBay: all the bidder's bids with 12 hours or more left, else only this one."""
        if self.ends_at - now >= ALL_BIDS:
            for own in self.active():
                if own.bidder == bid.bidder:
                    own.status = "retracted"
        self.remove(bid, "retracted")

    def may_void(self, bid: RefBid, now: datetime) -> bool:
        return bid.status == "active" and self.is_open(now)

    def remove(self, bid: RefBid, status: str) -> None:
        bid.status = status
        self.standing = replayed(self.terms, [(b.bidder, b.amount) for b in self.active()])

    @property
    def bid_count(self) -> int:
        return len(self.active())


# ============================================================================================
# eBay's published proxy-bidding examples: the model and the engine, one table.
# ============================================================================================

# eBay's US increments: $0.05 under $1, $0.25 to $5, $0.50 to $25, $1 to $100, $2.50 to $250, $5 to $500.
EBAY_BANDS: Bands = ((D(0), D("0.05")), (D(1), D("0.25")), (D(5), D("0.50")), (D(25), D(1)),
                     (D(100), D("2.50")), (D(250), D(5)))
A, B, C = 1, 2, 3
REFUSED = None

# name, starting price, reserve, bids (bidder, maximum), then after each bid (price, leader) or REFUSED.
EBAY_EXAMPLES: list[tuple[str, str, str | None, list[tuple[int, str]], list[tuple[str, int] | None]]] = [
    ("a $25 maximum opens at the $10 start; a $15 rival makes it $15.50; a $30 rival leads at $26",
     "10", None, [(A, "25"), (B, "15"), (C, "30")], [("10", A), ("15.50", A), ("26", C)]),
    ("the lowest bid at $127.50 is $130: $129.99 is refused, $130 is outbid at $132.50",
     "100", None, [(A, "200"), (B, "125"), (C, "129.99"), (C, "130")],
     [("100", A), ("127.50", A), REFUSED, ("132.50", A)]),
    ("the price never passes the leader's maximum", "10", None, [(A, "20"), (B, "19.80")],
     [("10", A), ("20", A)]),
    ("equal maximums: the earlier bid leads at that amount", "10", None, [(A, "20"), (B, "20")],
     [("10", A), ("20", A)]),
    ("raising your own maximum leaves the price; lowering it is refused", "10", None,
     [(A, "20"), (B, "15"), (A, "40"), (A, "30"), (B, "35")],
     [("10", A), ("15.50", A), ("15.50", A), REFUSED, ("36", A)]),
    ("a maximum above the reserve lifts the price to the reserve", "10", "50",
     [(A, "30"), (B, "60"), (A, "55")], [("10", A), ("50", B), ("56", B)]),
    ("a maximum exactly at the reserve lifts the price to it", "10", "50", [(A, "50")], [("50", A)]),
    ("the leader raising to the reserve lifts the price to the reserve", "10", "50",
     [(A, "30"), (B, "20"), (A, "55")], [("10", A), ("20.50", A), ("50", A)]),
    ("below the starting price is refused", "10", None, [(A, "9.99"), (A, "10")], [REFUSED, ("10", A)]),
    ("increments follow the band of the amount they are added to", "4", None,
     [(A, "4.50"), (B, "4.75"), (C, "5"), (A, "5.49"), (A, "5.50")],
     [("4", A), ("4.75", B), ("5", C), REFUSED, ("5.50", A)]),
]


def model_steps(starting: D, reserve: D | None, bids: Sequence[tuple[int, D]]) -> list[tuple[D, int] | None]:
    terms, standing, seen = Terms(starting, reserve, EBAY_BANDS), Standing(), []
    for bidder, maximum in bids:
        verdict = offer(terms, standing, bidder, maximum)
        if verdict is None:
            seen.append(None)
            continue
        standing = verdict[0]
        seen.append((standing.price or D(0), standing.leader or 0))
    return seen


def engine_steps(starting: D, reserve: D | None, bids: Sequence[tuple[int, D]]) -> list[tuple[D, int] | None]:
    ladder, state, seen = engine.Ladder(EBAY_BANDS), engine.LotState(starting, reserve), []
    for bidder, maximum in bids:
        try:
            state = engine.apply_bid(state, bidder, maximum, ladder).state
        except BidTooLow:
            seen.append(None)
            continue
        seen.append((state.price or D(0), state.leader or 0))
    return seen


@pytest.mark.parametrize("steps", [model_steps, engine_steps], ids=["reference", "engine"])
@pytest.mark.parametrize("example", EBAY_EXAMPLES, ids=[row[0][:40] for row in EBAY_EXAMPLES])
def test_ebay_published_examples(steps: Any, example: tuple[Any, ...]) -> None:
    name, starting, reserve, bids, expected = example
    got = steps(D(starting), D(reserve) if reserve else None, [(who, D(amount)) for who, amount in bids])
    assert got == [None if step is None else (D(step[0]), step[1]) for step in expected], name


def test_the_default_ladder_was_copied_right() -> None:
    assert engine.Ladder().bands == RUPEE_BANDS


# ============================================================================================
# The state machine: the real service, step by step, against the model.
# ============================================================================================

BIDDERS = 4
MAX_PRICE = LARGEST_BID  # amounts stay valid: the model knows proxy rules, not form validation
RESERVES = [None, D(320_000), D(400_000), D(1_000_000)]


@dataclass(frozen=True)
class Cast:
    """The people of every example, made once per store (registrations are the slow part)."""

    dealer: Actor
    admin: Actor
    bidders: tuple[Actor, ...]


class BiddingMachine(RuleBasedStateMachine):
    cast: ClassVar[Cast]

    def __init__(self) -> None:
        super().__init__()
        self.lot_id = 0
        self.now = utcnow()
        self.attempts: list[tuple[str, int, D]] = []  # every (key, bidder index, amount) sent

    @initialize(reserve=st.sampled_from(RESERVES), capped=st.booleans())
    def open_a_lot(self, reserve: D | None, capped: bool) -> None:
        latest = utcnow() + timedelta(hours=3, minutes=15) if capped else None
        lot = live_lot(self.cast.dealer, reserve=reserve, buy_now=None, closes_in=timedelta(hours=3),
                       latest_end_at=latest)
        with UnitOfWork(write=False) as uow:
            auction = uow.session.get(Auction, lot.auction_id)
        assert lot.id is not None and auction is not None
        self.lot_id, self.now = lot.id, auction.starts_at + timedelta(minutes=1)
        self.model = RefLot(Terms(lot.starting_price, reserve), auction.starts_at, lot.ends_at,
                            timedelta(seconds=auction.soft_close_window_s),
                            timedelta(seconds=auction.soft_close_extension_s), auction.latest_end_at)

    # --- bids ------------------------------------------------------------------------------

    def _amount_near_what_is_needed(self, bidder: int, steps: int, nudge: D) -> D:
        """Around the lowest acceptable amount: the leader's own maximum, else the minimum."""
        standing = self.model.standing
        base = (standing.leader_max if standing.leader == self.cast.bidders[bidder].id and standing.leader_max
                else self.model.terms.lowest_new_bid(standing))
        amount = base + steps * increment(base, self.model.terms.bands) + nudge
        return min(max(amount, D("0.01")), MAX_PRICE)

    @rule(bidder=st.integers(0, BIDDERS - 1), steps=st.integers(-2, 3),
          nudge=st.sampled_from([D("-0.01"), D(0), D(0), D(0), D("0.01"), D(1), D(-1)]))
    def bid(self, bidder: int, steps: int, nudge: D) -> None:
        self._send(bidder, self._amount_near_what_is_needed(bidder, steps, nudge), uuid.uuid4().hex)

    @rule(bidder=st.integers(0, BIDDERS - 1), steps=st.integers(4, 60), typo=st.booleans())
    def bid_a_high_maximum(self, bidder: int, steps: int, typo: bool) -> None:
        amount = self._amount_near_what_is_needed(bidder, steps, D(0))
        self._send(bidder, min(amount * 10 if typo else amount, MAX_PRICE), uuid.uuid4().hex)

    @precondition(lambda self: self.attempts)
    @rule(data=st.data())
    def send_the_same_form_again(self, data: st.DataObject) -> None:
        key, bidder, amount = data.draw(st.sampled_from(self.attempts))
        self._send(bidder, amount, key)

    def _send(self, bidder: int, amount: D, key: str) -> None:
        actor = self.cast.bidders[bidder]
        self.attempts.append((key, bidder, amount))
        earlier = next((b for b in self.model.bids if b.key == key and b.bidder == actor.id), None)
        verdict = None if earlier else self.model.predict_bid(actor.id, amount, self.now)
        try:
            receipt = bid_place(actor, lot_id=self.lot_id, maximum=amount, key=key, now=self.now)
        except (BidTooLow, LotClosed) as refused:
            assert verdict is None and earlier is None, f"refused, the model accepts: {refused}"
            return
        if earlier is not None:  # the same submission again: the first answer, nothing new placed
            assert receipt.repeated and receipt.bid_id == earlier.bid_id
            return
        assert verdict is not None, f"accepted {amount} from bidder {bidder}; the model refuses it"
        assert not receipt.repeated
        self.model.accept(verdict, RefBid(receipt.bid_id, key, actor.id, amount, self.now), self.now)
        standing, outcome = verdict
        assert (receipt.price, receipt.leading, str(receipt.outcome)) == (
            standing.price, standing.leader == actor.id, outcome)
        assert receipt.minimum_next == self.model.terms.lowest_new_bid(standing)
        assert receipt.ends_at == self.model.ends_at

    # --- retractions and voids ------------------------------------------------------------------

    @precondition(lambda self: self.model.bids if self.lot_id else False)
    @rule(data=st.data(), own=st.booleans())
    def retract_a_mistyped_bid(self, data: st.DataObject, own: bool) -> None:
        bid = data.draw(st.sampled_from(self.model.bids))
        bidders = self.cast.bidders
        actor = next(a for a in bidders if a.id == bid.bidder) if own else data.draw(st.sampled_from(bidders))
        allowed = self.model.may_retract(bid, actor.id, self.now)
        try:
            bid_retract(actor, bid.bid_id, reason=RetractReason.MISTYPED, note="typed a zero too many",
                        now=self.now)
        except DomainError as refused:
            assert not allowed, f"retraction refused, the model allows it: {refused}"
            return
        assert allowed, "retraction accepted; the model refuses it"
        self.model.retract(bid, self.now)

    @precondition(lambda self: self.model.bids if self.lot_id else False)
    @rule(data=st.data())
    def admin_voids_a_bid(self, data: st.DataObject) -> None:
        bid = data.draw(st.sampled_from(self.model.bids))
        allowed = self.model.may_void(bid, self.now)
        try:
            bid_void(self.cast.admin, bid.bid_id, reason="Shill bidding suspected", now=self.now)
        except DomainError as refused:
            assert not allowed, f"void refused, the model allows it: {refused}"
            return
        assert allowed, "void accepted; the model refuses it"
        self.model.remove(bid, "voided")

    # --- the clock --------------------------------------------------------------------------------

    @rule(move=st.sampled_from(["passes", "passes", "passes", "last hour", "past the end", "before the start",
                                "back"]), seconds=st.integers(1, 3_599))
    def the_clock_moves(self, move: str, seconds: int) -> None:
        """Mostly forward inside the open hours; sometimes past the end or before the start, where
        everything must be refused; sometimes back (services take any `now`), so a long run does not
        stay in a closed lot."""
        model, step = self.model, timedelta(seconds=seconds)
        self.now = {
            "passes": self.now + step / 6,
            "last hour": model.ends_at - step,  # the closing window included: bids there move the end
            "past the end": model.ends_at + step / 6,
            "before the start": model.starts_at - step / 6,
            "back": min(model.starts_at + step, model.ends_at - LAST_HOUR - timedelta(seconds=1)),
        }[move]

    # --- after every step -----------------------------------------------------------------------------

    @invariant()
    def the_store_says_what_the_model_says(self) -> None:
        if not self.lot_id:
            return
        with UnitOfWork(write=False) as uow:
            lot = uow.session.get(Lot, self.lot_id)
            active = uow.session.exec(select(Bid.id).where(Bid.lot_id == self.lot_id, Bid.status == "active")
                                      .order_by(col(Bid.id))).all()
        assert lot is not None
        model, standing = self.model, self.model.standing
        assert (lot.current_price, lot.leader_id, lot.leader_max) == (
            standing.price, standing.leader, standing.leader_max)
        assert lot.bid_count == model.bid_count
        assert list(active) == [b.bid_id for b in model.active()]
        assert lot.ends_at == model.ends_at


def test_the_service_follows_the_reference_model(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every example bids as the same few people: on a fast machine they pass the per-minute bid limit,
    # which this model does not describe (tests/integration/test_marketplace_limits.py does).
    tight_limits(monkeypatch, bids_per_user_per_minute=1_000_000)
    BiddingMachine.cast = Cast(make_dealer(), make_admin(), tuple(make_user() for _ in range(BIDDERS)))
    run_state_machine_as_test(BiddingMachine, settings=settings(
        max_examples=25, stateful_step_count=40, deadline=None, database=None,
        suppress_health_check=list(HealthCheck)))


def test_a_bidder_who_comes_back_after_retracting_counts_again(store: str) -> None:
    asha, ben = make_user(), make_user()
    lot = live_lot(closes_in=timedelta(hours=5))
    assert lot.id is not None
    bid_place(asha, lot_id=lot.id, maximum="310000", key=uuid.uuid4().hex)
    typo = bid_place(ben, lot_id=lot.id, maximum="3200000", key=uuid.uuid4().hex)
    bid_retract(ben, typo.bid_id, reason=RetractReason.MISTYPED, note="one zero too many")
    assert lot_now(lot.id).bidder_count == 1
    bid_place(ben, lot_id=lot.id, maximum="320000", key=uuid.uuid4().hex)
    assert lot_now(lot.id).bidder_count == 2  # asha and ben both have a standing bid
