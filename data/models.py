"""The tables. Every schema change goes through an Alembic migration (`data/migrations`).

Money columns are `Money` (integer minor units), times are `UTCDateTime`, enums are short strings.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from data.types import Money, UTCDateTime, utcnow


def _money(**kw: Any) -> Any:
    return Field(sa_type=Money, **kw)


def _time(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)


def _text(length: int, **kw: Any) -> Any:
    return Field(sa_type=String(length), **kw)


class User(SQLModel, table=True):
    __tablename__ = "users"
    id: int | None = Field(default=None, primary_key=True)
    email: str = _text(254, unique=True)  # stored lower-cased: uniqueness is case-insensitive
    name: str = _text(100)
    phone: str | None = _text(20, default=None)
    city: str | None = _text(80, default=None)
    timezone: str = _text(64, default="Asia/Kolkata")
    password_hash: str = _text(100)
    status: str = _text(16, default="active", index=True)
    created_at: datetime = _time(default_factory=utcnow, index=True)
    updated_at: datetime = _time(default_factory=utcnow)
    password_changed_at: datetime = _time(default_factory=utcnow)
    deleted_at: datetime | None = _time(default=None)
    email_verified_at: datetime | None = _time(default=None)  # None until the emailed link is followed


class UserRole(SQLModel, table=True):
    __tablename__ = "user_roles"
    user_id: int = Field(foreign_key="users.id", primary_key=True)
    role: str = _text(16, primary_key=True, index=True)


class Dealer(SQLModel, table=True):
    __tablename__ = "dealers"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", unique=True)
    store_name: str = _text(120)
    address: str = _text(300)
    city: str = _text(80, index=True)
    postal_code: str = _text(12)
    phone: str | None = _text(20, default=None)
    status: str = _text(16, default="pending", index=True)
    review_note: str | None = _text(500, default=None)
    reviewed_by: int | None = Field(default=None, foreign_key="users.id")
    reviewed_at: datetime | None = _time(default=None)
    created_at: datetime = _time(default_factory=utcnow)
    updated_at: datetime = _time(default_factory=utcnow)


class Car(SQLModel, table=True):
    __tablename__ = "cars"
    __table_args__ = (
        # Browse queries filter on status and order by one key; each shape has its index. No index is
        # the prefix of another (every car inserted pays for each; migration 0011 dropped three).
        Index("ix_cars_status_make_year", "status", "make", "year", "id"),
        Index("ix_cars_status_ends", "status", "listing_ends_at", "id"),
        Index("ix_cars_status_price", "status", "listing_price", "id"),
        Index("ix_cars_status_city_price", "status", "city", "listing_price", "id"),
        Index("ix_cars_body_fuel_trans_price", "body_type", "fuel", "transmission", "listing_price", "id"),
        Index("ix_cars_status_created", "status", "created_at", "id"),
        Index("ix_cars_status_year", "status", "year", "id"),
        Index("ix_cars_status_odometer", "status", "odometer_km", "id"),
        Index("ix_cars_status_make_model", "status", "make", "model"),  # the filter dropdowns
        Index("ix_cars_dealer_created", "dealer_id", "created_at", "id"),
        # Settling, cancelling or taking down a lot frees its car by listing_lot_id; few cars are listed
        # at once, so a partial index stays small (without it, each settle read every car).
        Index("ix_cars_listing_lot", "listing_lot_id", sqlite_where=text("listing_lot_id IS NOT NULL"),
              postgresql_where=text("listing_lot_id IS NOT NULL")),
    )
    id: int | None = Field(default=None, primary_key=True)
    dealer_id: int = Field(foreign_key="dealers.id")
    vin: str = _text(17, unique=True)
    make: str = _text(40)
    model: str = _text(60)
    variant: str = _text(60, default="")
    year: int
    body_type: str = _text(16)
    fuel: str = _text(16)
    transmission: str = _text(16)
    engine_cc: int = 0
    odometer_km: int
    registration_year: int | None = None
    owners: int = 1
    colour: str = _text(30)
    city: str = _text(80, index=True)
    title_status: str = _text(16, default="clean")
    damage: str = _text(16, default="none")
    condition_grade: int = 3
    description: str = Field(default="", sa_type=Text)
    photos: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = _text(16, default="available", index=True)  # SQLite's text search uses it
    # The open lot this car is in (a published auction not yet ended), kept by the same transactions
    # that change the lot, so browsing filters and sorts on one table.
    listing_lot_id: int | None = None
    listing_price: Decimal | None = _money(default=None)
    listing_ends_at: datetime | None = _time(default=None)
    created_at: datetime = _time(default_factory=utcnow)
    updated_at: datetime = _time(default_factory=utcnow)


class Auction(SQLModel, table=True):
    __tablename__ = "auctions"
    id: int | None = Field(default=None, primary_key=True)
    dealer_id: int = Field(foreign_key="dealers.id", index=True)
    title: str = _text(150)
    description: str = Field(default="", sa_type=Text)
    status: str = _text(16, default="draft", index=True)
    starts_at: datetime = _time(index=True)
    ends_at: datetime = _time(index=True)
    latest_end_at: datetime | None = _time(default=None)
    soft_close_window_s: int = 120
    soft_close_extension_s: int = 120
    cancel_reason: str | None = _text(500, default=None)
    created_at: datetime = _time(default_factory=utcnow)
    updated_at: datetime = _time(default_factory=utcnow)


class Lot(SQLModel, table=True):
    __tablename__ = "lots"
    __table_args__ = (
        UniqueConstraint("auction_id", "lot_number"),
        Index("ix_lots_due", "outcome", "ends_at"),  # settlement: open lots past their end
    )
    id: int | None = Field(default=None, primary_key=True)
    auction_id: int = Field(foreign_key="auctions.id", index=True)
    car_id: int = Field(foreign_key="cars.id", index=True)
    lot_number: int
    starting_price: Decimal = _money()
    reserve_price: Decimal | None = _money(default=None)  # hidden from bidders
    buy_now_price: Decimal | None = _money(default=None)
    current_price: Decimal | None = _money(default=None)
    leader_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    leader_max: Decimal | None = _money(default=None)  # the leader's proxy maximum: never shown
    bid_count: int = 0
    bidder_count: int = 0
    ends_at: datetime = _time(index=True)
    extended: bool = False
    outcome: str | None = _text(20, default=None)
    settled_at: datetime | None = _time(default=None)
    # Ended below reserve: the dealer accepts or declines the high bid before this moment.
    decision: str | None = _text(12, default=None)  # pending, accepted, declined, expired
    decision_due_at: datetime | None = _time(default=None)
    changed_after_bids_at: datetime | None = _time(default=None)  # description/photos edited live
    version: int = 0  # bumped by every guarded update: the compare-and-set of the bidding engine


class CarUpdate(SQLModel, table=True):
    """A change to a car's description or photos while it was in a live auction, shown on the lot."""

    __tablename__ = "car_updates"
    id: int | None = Field(default=None, primary_key=True)
    car_id: int = Field(foreign_key="cars.id", index=True)
    at: datetime = _time(default_factory=utcnow)
    fields: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    actor_id: int | None = Field(default=None, foreign_key="users.id")


class Bid(SQLModel, table=True):
    """One submission: the bidder's maximum at that moment. Prices are replayed from these."""

    __tablename__ = "bids"
    __table_args__ = (
        UniqueConstraint("bidder_id", "idempotency_key"),
        Index("ix_bids_lot_placed", "lot_id", "id"),
        Index("ix_bids_bidder_placed", "bidder_id", "placed_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    lot_id: int = Field(foreign_key="lots.id")
    auction_id: int = Field(foreign_key="auctions.id", index=True)
    bidder_id: int = Field(foreign_key="users.id")
    max_amount: Decimal = _money()  # what the bidder authorised; hidden from everyone else
    price_after: Decimal = _money()  # the lot's price once this bid was applied
    leader_after: int = Field(foreign_key="users.id")
    placed_at: datetime = _time(index=True)
    status: str = _text(12, default="active")  # active, retracted, voided
    status_reason: str | None = _text(300, default=None)
    status_changed_at: datetime | None = _time(default=None)
    idempotency_key: str = _text(64)
    fingerprint: str | None = _text(64, default=None)  # what the submission asked for (SHA-256)


class AuctionParticipant(SQLModel, table=True):
    """A bidder's first bid in an auction inserts this once; the count is the auction's participants."""

    __tablename__ = "auction_participants"
    auction_id: int = Field(foreign_key="auctions.id", primary_key=True)
    bidder_id: int = Field(foreign_key="users.id", primary_key=True, index=True)
    joined_at: datetime = _time(default_factory=utcnow)


class LotBidder(SQLModel, table=True):
    """A bidder's first bid on a lot; keeps lots.bidder_count right without counting bids."""

    __tablename__ = "lot_bidders"
    lot_id: int = Field(foreign_key="lots.id", primary_key=True)
    bidder_id: int = Field(foreign_key="users.id", primary_key=True, index=True)


class Sale(SQLModel, table=True):
    """A settled sale, booked once (the unique lot id makes a second booking impossible) and dated at the
    hammer: `sold_at` is the lot's end, so earnings fall in the period the car sold."""

    __tablename__ = "sales"
    id: int | None = Field(default=None, primary_key=True)
    lot_id: int = Field(foreign_key="lots.id", unique=True)
    car_id: int = Field(foreign_key="cars.id", unique=True)  # one car, at most one sale
    auction_id: int = Field(foreign_key="auctions.id", index=True)
    dealer_id: int = Field(foreign_key="dealers.id", index=True)
    buyer_id: int = Field(foreign_key="users.id", index=True)
    hammer: Decimal = _money()
    buyer_premium: Decimal = _money()
    seller_fee: Decimal = _money()
    buyer_total: Decimal = _money()  # hammer + buyer's premium: what the buyer owes
    dealer_earnings: Decimal = _money()
    platform_revenue: Decimal = _money()
    sold_at: datetime = _time(index=True)
    # The fee schedules in force at the hammer (fee_schedules.id; None: the built-in default, or booked
    # before fees were versioned). The amounts above are final: a later schedule never changes them.
    premium_schedule_id: int | None = Field(default=None, foreign_key="fee_schedules.id")
    seller_fee_schedule_id: int | None = Field(default=None, foreign_key="fee_schedules.id")


class FeeScheduleVersion(SQLModel, table=True):
    """One version of a fee schedule: never updated, a change is a new row. In force from
    `effective_from` until a later version of the same kind (and dealer) takes over. A seller-fee row
    with a dealer and no bands puts that dealer back on the platform default."""

    __tablename__ = "fee_schedules"
    __table_args__ = (Index("ix_fee_schedules_in_force", "kind", "dealer_id", "effective_from", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = _text(16)  # buyer_premium, seller_fee (domain.types.FeeKind)
    dealer_id: int | None = Field(default=None, foreign_key="dealers.id")  # None: the platform's
    effective_from: datetime = _time()
    set_at: datetime = _time(default_factory=utcnow)
    set_by: int | None = Field(default=None, foreign_key="users.id")  # None: seeded by a migration
    note: str = _text(300, default="")


class FeeScheduleBand(SQLModel, table=True):
    """A price band of a schedule: from `from_price` up, flat + percent of the hammer, within min-max."""

    __tablename__ = "fee_bands"
    schedule_id: int = Field(foreign_key="fee_schedules.id", primary_key=True)
    from_price: Decimal = _money(primary_key=True)
    percent: Decimal = Field(default=Decimal("0"), max_digits=5, decimal_places=2)
    flat: Decimal = _money(default=Decimal("0"))
    minimum: Decimal = _money(default=Decimal("0"))
    maximum: Decimal | None = _money(default=None)


class IncrementBand(SQLModel, table=True):
    """The bid ladder: from `min_price` upwards, bids rise by at least `step`."""

    __tablename__ = "increment_bands"
    min_price: Decimal = _money(primary_key=True)
    step: Decimal = _money()


class WatchItem(SQLModel, table=True):
    __tablename__ = "watchlist"
    user_id: int = Field(foreign_key="users.id", primary_key=True)
    lot_id: int = Field(foreign_key="lots.id", primary_key=True, index=True)
    added_at: datetime = _time(default_factory=utcnow)
    ending_notified: bool = False


class Notification(SQLModel, table=True):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),
                      Index("ix_notifications_user_time", "user_id", "created_at"))  # newest first
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    kind: str = _text(24)  # outbid, won, lost, reserve_not_met, ending_soon, ...
    lot_id: int | None = Field(default=None, foreign_key="lots.id")
    message: str = _text(300)
    created_at: datetime = _time(default_factory=utcnow)
    read_at: datetime | None = _time(default=None)


class AuditLog(SQLModel, table=True):
    """Append-only: who did what to which record, with the record before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _time(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, index=True)
    action: str = _text(40)
    entity: str = _text(30)
    entity_id: int | None = None
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class AccountReview(SQLModel, table=True):
    """An account flagged for an admin to look at (too many retractions, ...): open until resolved."""

    __tablename__ = "account_reviews"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    reason: str = _text(30)  # retractions, ...
    detail: str = _text(300)
    flagged_at: datetime = _time(default_factory=utcnow)
    status: str = _text(12, default="open", index=True)  # open, cleared, suspended
    resolved_by: int | None = Field(default=None, foreign_key="users.id")
    resolved_at: datetime | None = _time(default=None)


class Report(SQLModel, table=True):
    """A signed-in user's report of a listing, its seller or one of its bidders, with a listed reason.

    `subject` names what was reported ("lot:12", "seller:4", "bidder:12:77"): one report per reporter
    and subject. `accused_id` is the account the report counts against (a listing's: its dealer's)."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("reporter_id", "subject", name="uq_reports_reporter_subject"),
                      Index("ix_reports_accused_at", "accused_id", "created_at"))
    id: int | None = Field(default=None, primary_key=True)
    reporter_id: int = Field(foreign_key="users.id")
    subject: str = _text(40)
    lot_id: int = Field(foreign_key="lots.id")
    accused_id: int = Field(foreign_key="users.id")
    about: str = _text(12)  # listing, seller, bidder
    reason: str = _text(24)
    note: str = _text(500, default="")
    created_at: datetime = _time(default_factory=utcnow)


class RateWindow(SQLModel, table=True):
    """One rate limit's recent hits for one key (a user, an address), when REDIS_URL is not set: the
    row is locked while a hit is decided, so every process counts against the same window."""

    __tablename__ = "rate_windows"
    scope: str = _text(20, primary_key=True)
    key: str = _text(64, primary_key=True)
    hits: str = Field(default="[]", sa_type=Text)  # JSON: the newest hits, epoch seconds


class ChangeLog(SQLModel, table=True):
    """The outbox: one row per changed record, written in the changing transaction (see changelog.py)."""

    __tablename__ = "change_log"
    # SQLite only auto-numbers an INTEGER PRIMARY KEY, so the 64-bit id is INTEGER there.
    id: int | None = Field(
        default=None, sa_type=BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    txid: int | None = Field(default=None, sa_type=BigInteger, index=True)  # PostgreSQL only
    at: datetime = _time(default_factory=utcnow)
    entity: str = _text(30)
    entity_id: int
    op: str = _text(8)  # insert, update, delete


class AuthSession(SQLModel, table=True):
    __tablename__ = "sessions"
    id: str = _text(64, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    created_at: datetime = _time(default_factory=utcnow)
    expires_at: datetime = _time()
    revoked_at: datetime | None = _time(default=None)
    cookie_issued: bool = False  # the one-time hand-off from the login page to the cookie route
    address: str | None = _text(64, default=None)


class LoginFailure(SQLModel, table=True):
    """Failed logins per (email, address): locks survive restarts and hold across processes."""

    __tablename__ = "login_failures"
    email: str = _text(254, primary_key=True)
    address: str = _text(64, primary_key=True)
    failures: int = 0
    last_failed_at: datetime = _time(default_factory=utcnow)
    locked_until: datetime | None = _time(default=None)


TRACKED_TABLES = frozenset({"users", "dealers", "cars", "auctions", "lots", "bids", "sales"})


class RefreshToken(SQLModel, table=True):
    """An API refresh token, kept only as its SHA-256. Each use rotates it within its family; a used or
    revoked token presented again revokes the whole family and its session (domain/accounts/tokens.py)."""

    __tablename__ = "refresh_tokens"
    id: str = _text(64, primary_key=True)  # hex SHA-256 of the token: the token itself is never stored
    family: str = _text(43, index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    session_id: str = Field(sa_type=String(64), foreign_key="sessions.id", index=True)
    created_at: datetime = _time(default_factory=utcnow)
    expires_at: datetime = _time()
    used_at: datetime | None = _time(default=None)
    revoked_at: datetime | None = _time(default=None)


class ApiIdempotency(SQLModel, table=True):
    """The first answer to an API request sent with an Idempotency-Key, replayed to its retries."""

    __tablename__ = "api_idempotency"
    user_id: int = Field(foreign_key="users.id", primary_key=True)
    key: str = _text(64, primary_key=True)
    endpoint: str = _text(64)
    fingerprint: str = _text(64)  # SHA-256 of the request: the same key with another body is refused
    status_code: int | None = None  # None while the first request is still running
    body: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    created_at: datetime = _time(default_factory=utcnow)


class EmailOutbox(SQLModel, table=True):
    """A message to send, written in the transaction that asked for it; `python -m ops.mailer` delivers
    it (SMTP), retrying with backoff until `sent` or, past the last attempt, `failed`."""

    __tablename__ = "email_outbox"
    __table_args__ = (Index("ix_email_outbox_user_lot", "user_id", "lot_id"),)  # outbid emails coalesce
    id: int | None = Field(default=None, primary_key=True)
    kind: str = _text(20)  # password_reset, verify_email, or the notice emailed (outbid, won, ...)
    to_address: str = _text(254, index=True)
    subject: str = _text(200)
    body: str = Field(sa_type=Text)  # plain text, always
    html: str | None = Field(default=None, sa_type=Text)  # the same message as simple HTML, if any
    user_id: int | None = None  # for a notice's email: whom and which lot it is about
    lot_id: int | None = None
    created_at: datetime = _time(default_factory=utcnow, index=True)
    status: str = _text(8, default="pending", index=True)  # pending, sent, failed
    attempts: int = 0
    next_attempt_at: datetime = _time(default_factory=utcnow)
    sent_at: datetime | None = _time(default=None)
    last_error: str | None = _text(300, default=None)


class EmailPreference(SQLModel, table=True):
    """A user's choice to get one kind of notice by email too; no row means the topic's default
    (domain/accounts/email_preferences.py)."""

    __tablename__ = "email_preferences"
    user_id: int = Field(foreign_key="users.id", primary_key=True)
    topic: str = _text(20, primary_key=True)  # outbid, won, ending_soon, offer_declined
    enabled: bool
    updated_at: datetime = _time(default_factory=utcnow)


class LivePresence(SQLModel, table=True):
    """One server process's open live streams that watch lots (data/live_presence.py): the admin's
    "watchers" is the sum over processes whose row is fresh; a process that died stops refreshing."""

    __tablename__ = "live_presence"
    process: str = _text(80, primary_key=True)  # host:pid:random, new at every start
    watchers: int = 0
    seen_at: datetime = _time(index=True)
