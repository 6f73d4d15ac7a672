"""Email preferences in the store: one row per user and topic they chose; no row is the topic's
default. The question a notice asks ("email this user about this?") has one definition
(`recipients_select`): asked on its own by most notices, and inside the bid's write by the outbid notice,
which must not pay a round trip of its own while the bid holds the lot's lock."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlmodel import col, select

from data.models import Bid, EmailOutbox, EmailPreference, User


def preferences_stored(session: Session, user_id: int) -> dict[str, bool]:
    query = select(EmailPreference.topic, EmailPreference.enabled).where(EmailPreference.user_id == user_id)
    return {topic: bool(enabled) for topic, enabled in session.execute(query).all()}


def preference_store(session: Session, *, user_id: int, topic: str, enabled: bool, now: datetime) -> None:
    """Insert or overwrite one choice (an upsert: two tabs saving at once never collide)."""
    dialect: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(EmailPreference).values(user_id=user_id, topic=topic, enabled=enabled,
                                                       updated_at=now)
    session.execute(statement.on_conflict_do_update(
        index_elements=["user_id", "topic"], set_={"enabled": enabled, "updated_at": now}))


def notice_recipients(session: Session, *, user_ids: list[int], topic: str, default: bool,
                      coalesce_on_lot: int | None = None) -> dict[int, tuple[str, str]]:
    """{user id: (address, name)} of those of `user_ids` who get `topic` by email: they chose it (or its
    default is on) and their address is verified. With `coalesce_on_lot`, not those this topic was
    already emailed to about that lot since their own last bid on it."""
    query = _recipients_query(topic, default, coalesce_on_lot is not None)
    # On the session's connection: a plain read needs none of the ORM's execution steps.
    rows = session.connection().execute(query, {"user_ids": sorted(set(user_ids)), "lot_id": coalesce_on_lot})
    return {row[0]: (row[1], row[2]) for row in rows}


@lru_cache(maxsize=32)
def _recipients_query(topic: str, default: bool, coalesce: bool) -> Any:
    """Built once per kind of question, the users and lot bound at run time: building it on each call
    cost more than running it."""
    return recipients_select(bindparam("user_ids", expanding=True), topic, default,
                             coalesce_on_lot=bindparam("lot_id") if coalesce else None)


def recipients_select(user_ids: Any, topic: Any, default: Any, *, coalesce_on_lot: Any = None,
                      bidding_now: Any = None) -> Any:
    """The one definition of who gets `topic` by email: (id, email, name) of the users in `user_ids` (a
    list parameter, or a subquery when a statement of the bid path asks it for the leaders it displaces)
    who chose the topic (`default`, a value or a parameter, when they never said) and whose address is
    verified. With `coalesce_on_lot`, not those already emailed about that lot since their last bid on
    it, except `bidding_now`: the users whose bids the same statement writes. Its snapshot cannot see
    those bids, and each is newer than any email."""
    chosen = func.coalesce(col(EmailPreference.enabled), default)
    query = (select(User.id, User.email, User.name)
             .outerjoin(EmailPreference, and_(col(EmailPreference.user_id) == User.id,
                                              col(EmailPreference.topic) == topic))
             .where(col(User.id).in_(user_ids), col(User.email_verified_at).is_not(None),
                    col(User.deleted_at).is_(None), chosen.is_(True)))
    if coalesce_on_lot is None:
        return query
    fresh = ~_emailed_since_last_bid(col(User.id), coalesce_on_lot, topic)
    return query.where(fresh if bidding_now is None else or_(col(User.id).in_(bidding_now), fresh))


def _emailed_since_last_bid(user_id: Any, lot_id: Any, topic: str) -> Any:
    last_bid = (select(func.max(Bid.placed_at))
                .where(col(Bid.bidder_id) == user_id, col(Bid.lot_id) == lot_id)
                # `user_id` is the outer query's, two levels up: SQLAlchemy correlates only with the
                # enclosing query unless told, and would take the lot's last bid by anyone.
                .correlate_except(Bid).scalar_subquery())
    return exists().where(col(EmailOutbox.user_id) == user_id, col(EmailOutbox.lot_id) == lot_id,
                          col(EmailOutbox.kind) == topic, col(EmailOutbox.created_at) >= last_bid)
