"""The store side of bidding: the lot lock, a bid's writes and the insert-once rows.

Every dialect difference of the bid path lives here. A bid holds its lot's lock for as few round trips as
possible, because on a busy lot the round trips made while the row is locked set the ceiling:

- PostgreSQL: one query locks the lot (SELECT ... FOR UPDATE OF lots) and reads all a bid needs (the
  auction's soft-close settings, the selling store, the bidder's status, an earlier submission with the
  same key, the increment ladder); one statement then writes everything (the lot, its counters, the bid,
  the car's listing, the outbid notification, the audit entry, the change log, the boards' NOTIFY) as a
  chain of data-modifying CTEs, and answers which displaced leaders get the outbid email too; then
  COMMIT. Three round trips under the lock, however many tables a bid touches (four when an email is
  queued: its outbox row).
  A batch of bids on one lot (domain/bidding/service.py) adds one query for its other bidders and still
  writes in one statement: its bids go as arrays, unnested into rows, and the lot, car and auction are
  written once, as the batch's last bid left them.
- SQLite has no row locks and no writable CTEs: its write transactions start with BEGIN IMMEDIATE
  (data/db.py), which serialises writers, and the same statements run one after another.

The statements are built once, at import, from the tables' own columns (so money and times go through
their column types), and each bid only binds its values.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Integer,
    String,
    Table,
    and_,
    bindparam,
    cast,
    column,
    func,
    insert,
    literal,
    literal_column,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as SASession
from sqlmodel import Session, SQLModel, col
from sqlmodel import select as orm_select

from data.db import writer
from data.email_preferences import notice_recipients, recipients_select
from data.events import CHANNEL, LotEvent, UserEvent, announced, encode
from data.lot_store import bid_applied, lots_changed
from data.models import (
    Auction,
    AuctionParticipant,
    AuditLog,
    Bid,
    Car,
    ChangeLog,
    Dealer,
    IncrementBand,
    Lot,
    LotBidder,
    Notification,
    User,
)
from data.types import Money, UTCDateTime, money_from_minor, utcnow


def _table(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


_lots, _auctions, _dealers, _users = _table(Lot), _table(Auction), _table(Dealer), _table(User)
_bids, _bands, _cars, _changes = _table(Bid), _table(IncrementBand), _table(Car), _table(ChangeLog)
_lot_bidders, _participants = _table(LotBidder), _table(AuctionParticipant)
_notes, _audit = _table(Notification), _table(AuditLog)

# --- reading the lot, locked ---------------------------------------------------------------------


@dataclass(frozen=True)
class LotForBid:
    """All a bid needs to know, read in one query with the lot locked."""

    lot_id: int
    auction_id: int
    car_id: int
    lot_number: int
    car_title: str  # "2019 Maruti Swift VXI": what the outbid notice names, with ...
    auction_title: str  # ... the auction
    starting_price: Decimal
    reserve_price: Decimal | None
    buy_now_price: Decimal | None
    current_price: Decimal | None
    leader_id: int | None
    leader_max: Decimal | None
    ends_at: datetime
    extended: bool
    outcome: str | None
    auction_status: str
    starts_at: datetime
    latest_end_at: datetime | None
    soft_close_window_s: int
    soft_close_extension_s: int
    dealer_id: int
    dealer_user_id: int
    bidder_status: str | None  # None: no such user
    earlier_bid_id: int | None  # this bidder's submission with the same key, if any
    earlier_lot_id: int | None
    earlier_price: Decimal | None
    earlier_leader: int | None
    earlier_fingerprint: str | None
    ladder: tuple[tuple[Decimal, Decimal], ...]  # (from price, step), rising; empty: none stored


def _param(name: str, type_: Any) -> Any:
    """A bound value. The prefix keeps its name apart from every column's: given a value under a column's
    own name, SQLAlchemy would add that column to an INSERT's or UPDATE's SET list."""
    return bindparam(f"{_PREFIX}{name}", type_=type_)


def _bound(values: dict[str, Any]) -> dict[str, Any]:
    return {f"{_PREFIX}{name}": value for name, value in values.items()}


_PREFIX = "v_"


def _constant(value: str | int) -> Any:
    """A constant of this module, written into the statement's text rather than sent as a parameter.
    psycopg caches its parsing of a statement only up to a length (data/db.PARSE_CACHED_UP_TO): each
    bound constant of the bid's write lengthened it by about 30 bytes, and past the cap every bid parsed
    it again (measured: ~0.03 ms of CPU a bid; tests/unit/test_bid_statement_size.py keeps it under)."""
    if isinstance(value, int):
        return literal_column(str(value), Integer)
    assert "'" not in value, value  # never a user's value: those are always bound
    return literal_column(f"'{value}'", String)


_OUTBID = "outbid"  # the displaced leader's notice kind, and the email topic it asks about
_LOT, _BIDDER, _KEY = _param("lot_id", Integer), _param("bidder_id", Integer), _param("key", String)
_earlier = _bids.alias("earlier")
# An earlier submission with the same key, as LotForBid names its columns.
_EARLIER_FIELDS = {"earlier_bid_id": "id", "earlier_lot_id": "lot_id", "earlier_price": "price_after",
                   "earlier_leader": "leader_after", "earlier_fingerprint": "fingerprint"}
_NO_EARLIER: dict[str, Any] = dict.fromkeys(_EARLIER_FIELDS)


def _earlier_columns(bids: Any) -> list[Any]:
    return [bids.c[column].label(field) for field, column in _EARLIER_FIELDS.items()]


def ladder_as_text() -> Any:
    """The increment ladder as one column of a query ("from:step,..." in minor units), so a read that
    needs it does not pay a round trip of its own; `ladder_from_text` reads it back."""
    return select(func.aggregate_strings(
        cast(_bands.c.min_price, String) + ":" + cast(_bands.c.step, String), ",")).scalar_subquery()


@lru_cache(maxsize=16)
def ladder_from_text(text: str | None) -> tuple[tuple[Decimal, Decimal], ...]:
    """The bands, rising; empty when the store holds none."""
    pairs = (band.split(":") for band in (text or "").split(",") if band)
    return tuple(sorted((money_from_minor(int(low)), money_from_minor(int(step))) for low, step in pairs))


_LOCK_QUERY = (
    select(_lots.c.id.label("lot_id"), _lots.c.auction_id, _lots.c.car_id, _lots.c.lot_number,
           (cast(_cars.c.year, String) + " " + _cars.c.make + " " + _cars.c.model + " " + _cars.c.variant)
           .label("car_title"), _auctions.c.title.label("auction_title"),
           _lots.c.starting_price, _lots.c.reserve_price, _lots.c.buy_now_price, _lots.c.current_price,
           _lots.c.leader_id, _lots.c.leader_max, _lots.c.ends_at, _lots.c.extended, _lots.c.outcome,
           _auctions.c.status.label("auction_status"), _auctions.c.starts_at, _auctions.c.latest_end_at,
           _auctions.c.soft_close_window_s, _auctions.c.soft_close_extension_s,
           _dealers.c.id.label("dealer_id"), _dealers.c.user_id.label("dealer_user_id"),
           _users.c.status.label("bidder_status"), *_earlier_columns(_earlier),
           ladder_as_text().label("ladder"))
    .select_from(
        _lots.join(_auctions, _auctions.c.id == _lots.c.auction_id)
        .join(_cars, _cars.c.id == _lots.c.car_id)
        .join(_dealers, _dealers.c.id == _auctions.c.dealer_id)
        .outerjoin(_users, _users.c.id == _BIDDER)
        .outerjoin(_earlier, and_(_earlier.c.bidder_id == _BIDDER, _earlier.c.idempotency_key == _KEY)))
    .where(_lots.c.id == _LOT)
    .with_for_update(of=_lots)  # SQLite renders no FOR UPDATE: BEGIN IMMEDIATE already serialises
)


def lot_for_bid(conn: Connection, lot_id: int, bidder_id: int, key: str) -> LotForBid | None:
    """Lock the lot until commit and read it with what a bid needs; None if there is no such lot.

    On PostgreSQL the lot's own columns are read after the lock is granted (its latest committed
    version); the other tables come from the statement's snapshot, taken before the wait. So an earlier
    submission committed while this one waited is not seen here: a bid the rules accept trips the
    bids' unique key at insert (the caller retries), and one they refuse asks `earlier_submission`.
    """
    row = conn.execute(_LOCK_QUERY, _bound({"lot_id": lot_id, "bidder_id": bidder_id, "key": key})).first()
    if row is None:
        return None
    values = row._asdict()
    values["ladder"] = ladder_from_text(values["ladder"])
    return LotForBid(**values)


_EARLIER_QUERY = (
    select(*_earlier_columns(_bids))
    .where(_bids.c.bidder_id == _BIDDER, _bids.c.idempotency_key == _KEY))


def earlier_submission(conn: Connection, bidder_id: int, key: str) -> dict[str, Any] | None:
    """This bidder's submission with this key, read by a statement of its own: on PostgreSQL (READ
    COMMITTED) one made after the lot's lock was granted sees a twin that committed while this
    transaction waited for it, which the lock query's snapshot cannot."""
    row = conn.execute(_EARLIER_QUERY, _bound({"bidder_id": bidder_id, "key": key})).first()
    return None if row is None else row._asdict()


_BIDDERS_QUERY = (
    select(_users.c.id.label("bidder_id"), _users.c.status.label("bidder_status"),
           _earlier.c.idempotency_key.label("key"), *_earlier_columns(_earlier))
    .select_from(_users.outerjoin(_earlier, and_(
        _earlier.c.bidder_id == _users.c.id,
        _earlier.c.idempotency_key.in_(bindparam(f"{_PREFIX}keys", expanding=True)))))
    .where(_users.c.id.in_(bindparam(f"{_PREFIX}bidders", expanding=True))))


Ask = tuple[int, str]  # (bidder, submission key)


def bidders_for_bids(conn: Connection, asks: Sequence[Ask]) -> dict[Ask, dict[str, Any]]:
    """For each (bidder, key): the bidder's status and their earlier submission with that key, in
    LotForBid's field names. One query for a whole batch, made with the lot already locked: on
    PostgreSQL it sees every submission committed before the lock was granted."""
    rows = conn.execute(_BIDDERS_QUERY, _bound({"bidders": sorted({bidder for bidder, _ in asks}),
                                                "keys": sorted({key for _, key in asks})})).all()
    status = {row.bidder_id: row.bidder_status for row in rows}
    earlier = {(row.bidder_id, row.key): row._asdict() for row in rows if row.earlier_bid_id is not None}
    return {ask: {"bidder_status": status.get(ask[0]),
                  **{field: earlier.get(ask, _NO_EARLIER)[field] for field in _EARLIER_FIELDS}}
            for ask in asks}


def lock_lot(session: Session, lot_id: int) -> tuple[Lot, Auction, Dealer] | None:
    """The lot as ORM objects (locked until commit), its auction and the selling store: for the rarer
    writes that rework a lot's bids (a retraction, a void)."""
    query = (orm_select(Lot, Auction, Dealer)
             .join(Auction, col(Auction.id) == Lot.auction_id)
             .join(Dealer, col(Dealer.id) == Auction.dealer_id)
             .where(Lot.id == lot_id)
             .with_for_update(of=Lot))  # type: ignore[arg-type]
    row = session.exec(query).first()
    return (row[0], row[1], row[2]) if row else None


# --- writing a batch's accepted bids ---------------------------------------------------------------


@dataclass(frozen=True)
class BidWrite:
    """An accepted bid and the lot's state after it, as the rules decided it."""

    lot_id: int
    auction_id: int
    car_id: int
    bidder_id: int
    max_amount: Decimal
    price: Decimal
    leader_id: int
    leader_max: Decimal
    ends_at: datetime
    extended: bool  # the lot has been extended by soft close (now or before)
    now: datetime
    key: str
    fingerprint: str
    audit_after: dict[str, Any]
    outbid_user: int | None = None  # the leader this bid displaced, told so by ...
    outbid_message: str | None = None  # ... this notification


_AUCTION, _CAR = _param("auction_id", Integer), _param("car_id", Integer)
_PRICE, _ENDS, _NOW = _param("price", Money()), _param("ends_at", UTCDateTime()), _param("now", UTCDateTime())
# What differs from one bid of a batch to the next; the lot, car and auction are written once, as the
# batch's last bid left them.
_EACH_BID: dict[str, Any] = {
    "bidder_id": Integer, "max_amount": Money(), "price": Money(), "leader_id": Integer, "now": UTCDateTime(),
    "key": String, "fingerprint": String, "outbid_user": Integer, "outbid_message": String,
    "audit_after": String}


def _lot_update(bidders_added: Any) -> Any:
    """The lot's own write comes from the lot store, like every other change of a lot."""
    return bid_applied(lot=_LOT, price=_PRICE, leader=_param("leader_id", Integer),
                       leader_max=_param("leader_max", Money()), ends_at=_ENDS,
                       extended=_param("extended", _lots.c.extended.type),
                       bids_added=_param("bids_added", Integer), bidders_added=bidders_added)


def _car_update() -> Any:
    return update(_cars).where(_cars.c.id == _CAR).values(listing_price=_PRICE, listing_ends_at=_ENDS)


def _auction_extend() -> Any:
    """A lot extended past its auction's end carries the auction's end with it."""
    return (update(_auctions).where(_auctions.c.id == _AUCTION, _auctions.c.ends_at < _ENDS)
            .values(ends_at=_ENDS).returning(_auctions.c.id))


def _bid_rows(rows: Any) -> Any:
    """The bids' own rows, from `rows` (`_EACH_BID`'s columns and their order `n`): a batch's unnested
    arrays on PostgreSQL, one bid's parameters on SQLite. So are their notices and audit entries."""
    return insert(_bids).from_select(
        ["lot_id", "auction_id", "bidder_id", "max_amount", "price_after", "leader_after", "placed_at",
         "status", "idempotency_key", "fingerprint"],
        select(_LOT, _AUCTION, rows.c.bidder_id, rows.c.max_amount, rows.c.price, rows.c.leader_id,
               rows.c.now, _constant("active"), rows.c.key, rows.c.fingerprint).order_by(rows.c.n))


def _notice_rows(rows: Any) -> Any:
    """The displaced leader's "you were outbid", for each bid that displaced one."""
    return insert(_notes).from_select(
        ["user_id", "kind", "lot_id", "message", "created_at"],
        select(rows.c.outbid_user, _constant(_OUTBID), _LOT, rows.c.outbid_message, rows.c.now)
        .where(rows.c.outbid_user.is_not(None)).order_by(rows.c.n))


def _audit_rows(rows: Any, *, cast_after: bool = True) -> Any:
    """`cast_after`: the audit's JSON arrives as text, which PostgreSQL must be told is JSON; SQLite
    must not be (CAST(... AS JSON) has numeric affinity there: it would store 0)."""
    after = cast(rows.c.audit_after, JSON) if cast_after else rows.c.audit_after
    return insert(_audit).from_select(
        ["at", "actor_id", "action", "entity", "entity_id", "after"],
        select(rows.c.now, rows.c.bidder_id, _constant("bid_place"), _constant("lots"), _LOT, after)
        .order_by(rows.c.n))


def _outbid_emails(rows: Any) -> Any:
    """Which of the leaders these bids displace get the outbid email too: asked by the write itself, so
    the lot stays locked for no round trip of its own. The displaced who bid in this batch are not held
    back by an earlier outbid email: the statement cannot see their new bids, which are newer than it."""
    displaced = select(rows.c.outbid_user).where(rows.c.outbid_user.is_not(None))
    return recipients_select(displaced, _constant(_OUTBID), _param("email_default", Boolean),
                             coalesce_on_lot=_LOT, bidding_now=select(rows.c.bidder_id))


def _insert_once(dialect: Any, table: Any, **values: Any) -> Any:
    return dialect.insert(table).values(**values).on_conflict_do_nothing()


def _insert_once_saying(dialect: Any, table: Any, **values: Any) -> Any:
    """`_insert_once` answering a row when it inserted one: RETURNING says whether a row went in, as
    rowcount does not reliably on every driver."""
    return _insert_once(dialect, table, **values).returning(literal(1))


def _many_bids() -> Any:
    """A batch's bids as arrays, one element a bid, unnested into rows in order."""
    arrays = (_param(_plural(name), postgresql.ARRAY(type_)) for name, type_ in _EACH_BID.items())
    columns = (column(name, type_) for name, type_ in _EACH_BID.items())
    return select(func.unnest(*arrays).table_valued(*columns, with_ordinality="n").render_derived(name="u"))


def _plural(name: str) -> str:
    """A batch's array of `name`, one element a bid (short: the statement must stay under
    data/db.PARSE_CACHED_UP_TO)."""
    return f"{name}s"


def _one_bid() -> Any:
    """A lone bid as one row of plain parameters: arrays cost a lone bid ~0.5 ms of Python to send."""
    return select(*(_param(name, type_).label(name) for name, type_ in _EACH_BID.items()),
                  _constant(1).label("n"))


def _postgres_write(bids: Any) -> Any:
    """A batch as one statement, whatever its size: the bids' own rows come from `bids` (`_EACH_BID`'s
    columns), the lot, car and auction are written once, and it answers with each new bid's id, bidder
    and key."""
    rows = bids.cte("each_bid")
    first = (postgresql.insert(_lot_bidders).from_select(["lot_id", "bidder_id"],
                                                         select(_LOT, rows.c.bidder_id).distinct())
             .on_conflict_do_nothing().returning(_constant(1)).cte("first_on_lot"))
    joined = (postgresql.insert(_participants).from_select(
        ["auction_id", "bidder_id", "joined_at"],
        select(_AUCTION, rows.c.bidder_id, func.min(rows.c.now)).group_by(rows.c.bidder_id))
        .on_conflict_do_nothing().cte("joined"))
    bid = _bid_rows(rows).returning(_bids.c.id, _bids.c.bidder_id, _bids.c.idempotency_key).cte("bid")
    auction = _auction_extend().cte("auction")
    txid = cast(cast(func.pg_current_xact_id(), String), BigInteger)

    def change(entity: str, entity_id: Any, op: str) -> Any:
        return select(_constant(entity).label("entity"), entity_id.label("entity_id"),
                      _constant(op).label("op"))

    changed = union_all(change("lots", _LOT, "update"), change("cars", _CAR, "update"),
                        change("bids", bid.c.id, "insert").select_from(bid),
                        change("auctions", auction.c.id, "update").select_from(auction)).subquery("changed")
    changes = insert(_changes).from_select(["txid", "at", "entity", "entity_id", "op"],
                                           select(txid, _NOW, *changed.c))
    added = select(func.count()).select_from(first).scalar_subquery()
    lot = _lot_update(added).returning(_lots.c.version).cte("lot")
    # The boards' event, sent by this statement rather than one of its own before the commit
    # (data/events.py `announced`): PostgreSQL delivers it at commit, never on rollback.
    event = func.concat_ws(_constant(","), cast(_LOT, String) + _constant(":") + cast(lot.c.version, String),
                           func.nullif(_param("displaced", String), _constant("")))
    notify = func.pg_notify(_constant(CHANNEL), event).label("sent")
    announced = select(lot.c.version, notify).cte("announced")
    emailed = _outbid_emails(rows).cte("emailed")
    as_json = func.json_agg(func.json_build_array(*emailed.c))
    return (select(bid.c.id, bid.c.bidder_id, bid.c.idempotency_key, announced.c.version,
                   select(as_json).scalar_subquery().label("emailed"))
            .select_from(bid.join(announced, true()))
            .add_cte(first, joined, _car_update().cte("car"), auction, _notice_rows(rows).cte("note"),
                     _audit_rows(rows).cte("audit"),
                     changes.cte("changes")))


_POSTGRES_WRITE_ONE, _POSTGRES_WRITE_MANY = _postgres_write(_one_bid()), _postgres_write(_many_bids())
_SQLITE_FIRST_ON_LOT = _insert_once_saying(sqlite, _lot_bidders, lot_id=_LOT, bidder_id=_BIDDER)
_SQLITE_JOINED = _insert_once(sqlite, _participants, auction_id=_AUCTION, bidder_id=_BIDDER, joined_at=_NOW)
_SQLITE_LOT_UPDATE = _lot_update(_param("bidders_added", Integer))
_CAR_UPDATE, _AUCTION_EXTEND = _car_update(), _auction_extend()
_SQLITE_BID = _one_bid().subquery("each_bid")
_SQLITE_BID_ROWS = (_bid_rows(_SQLITE_BID).returning(_bids.c.id), _notice_rows(_SQLITE_BID),
                    _audit_rows(_SQLITE_BID, cast_after=False))


@dataclass(frozen=True)
class Written:
    """What writing a batch gives back: the new bids' ids, in the batch's order, and which displaced
    leaders get the outbid email too ({user id: (address, name)})."""

    ids: list[int]
    emailed: dict[int, tuple[str, str]]


def bid_writes(session: SASession, writes: Sequence[BidWrite], *, outbid_email_default: bool) -> Written:
    """Write a batch of accepted bids of one lot, in order, and everything they change: each bid's row,
    notice and audit entry; the lot, its car and auction once, as the last bid left them. The caller
    commits. `outbid_email_default`: whether a user who never chose gets outbid emails."""
    conn, last = session.connection(), writes[-1]
    params = _one_bid_params(last, bids_added=len(writes), email_default=outbid_email_default)
    displaced = sorted({write.outbid_user for write in writes if write.outbid_user is not None})
    if conn.dialect.name == "postgresql":
        statement = _POSTGRES_WRITE_ONE
        if len(writes) > 1:
            params.update(_bound({_plural(name): [_each(write, name) for write in writes]
                                  for name in _EACH_BID}))
            statement = _POSTGRES_WRITE_MANY
        told = [UserEvent(user) for user in displaced]
        params[f"{_PREFIX}displaced"] = encode(told)
        rows = conn.execute(statement, params).all()
        placed = {(row.bidder_id, row.idempotency_key): row.id for row in rows}
        written = Written([placed[(write.bidder_id, write.key)] for write in writes],
                          {user: (address, name) for user, address, name in rows[0].emailed or ()})
        announced(session, [LotEvent(last.lot_id, int(rows[0].version)), *told])
    else:
        ids = _sqlite_writes(conn, writes, params)
        written = Written(ids, notice_recipients(session, user_ids=displaced, topic=_OUTBID,
                                                 default=outbid_email_default, coalesce_on_lot=last.lot_id)
                          if displaced else {})
    lots_changed(session, [last.lot_id], logged=True)  # its change-log row went with the statement
    return written


def _one_bid_params(write: BidWrite, **more: Any) -> dict[str, Any]:
    """One bid's values as `_one_bid()` and the lot, car and auction writes take them."""
    return _bound({**vars(write), "audit_after": _each(write, "audit_after"), **more})  # vars: no deep copy


def _each(write: BidWrite, name: str) -> Any:
    value = getattr(write, name)
    return json.dumps(value) if name == "audit_after" else value  # JSON goes as text, in arrays too


def _sqlite_writes(conn: Connection, writes: Sequence[BidWrite], params: dict[str, Any]) -> list[int]:
    """SQLite has no writes inside WITH: each bid's rows go one statement at a time (from the same row
    definitions as PostgreSQL's), then the lot, car and auction once."""
    ids, bidders_added = [], 0
    bid_row, notice_row, audit_row = _SQLITE_BID_ROWS
    for write in writes:
        one = _one_bid_params(write)
        bidders_added += conn.execute(_SQLITE_FIRST_ON_LOT, one).first() is not None
        conn.execute(_SQLITE_JOINED, one)
        ids.append(int(conn.execute(bid_row, one).scalar_one()))
        conn.execute(notice_row, one)
        conn.execute(audit_row, one)
    params[f"{_PREFIX}bidders_added"] = bidders_added
    conn.execute(_SQLITE_LOT_UPDATE, params)
    conn.execute(_CAR_UPDATE, params)
    last = writes[-1]
    changes = [("lots", last.lot_id, "update"), ("cars", last.car_id, "update"),
               *(("bids", id_, "insert") for id_ in ids)]
    if conn.execute(_AUCTION_EXTEND, params).first() is not None:
        changes.append(("auctions", last.auction_id, "update"))
    conn.execute(insert(_changes), [{"txid": None, "at": last.now, "entity": entity, "entity_id": id_,
                                     "op": op} for entity, id_, op in changes])
    return ids


def bid_statements_warm(engine: Engine) -> None:
    """Compile the bid path's statements into the engine's cache now (about 50 ms, once a process)
    rather than in the first bidder's request: each runs once about nothing, and is rolled back.
    It writes, so on SQLite it takes the write lock up front (`writer`), as every bid does: a
    transaction that read first finds its snapshot stale once another process commits, and fails
    with "database is locked" rather than waiting its turn."""
    nothing = BidWrite(lot_id=0, auction_id=0, car_id=0, bidder_id=0, max_amount=Decimal(1), price=Decimal(1),
                       leader_id=0, leader_max=Decimal(1), ends_at=utcnow(), extended=False, now=utcnow(),
                       key="warm-up", fingerprint="warm-up", audit_after={})
    with writer(engine).connect() as conn:
        conn.execute(_LOCK_QUERY, _bound(vars(nothing)))
        conn.execute(_BIDDERS_QUERY, _bound({"bidders": [0], "keys": ["warm-up"]}))
        # A lone bid, then a batch. Lot 0 does not exist: its foreign keys refuse the rows, as meant.
        for batch in ([nothing], [nothing, replace(nothing, key="warm-up-2")]):
            with SASession(bind=conn) as session, suppress(IntegrityError):
                bid_writes(session, batch, outbid_email_default=False)
            conn.rollback()


# --- insert-once rows ------------------------------------------------------------------------------


def insert_once(session: Session, model: type[SQLModel], values: dict[str, Any]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; true when this call inserted the row."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = _insert_once_saying(dialect, _table(model), **values)
    return session.execute(statement).first() is not None
