"""The admin's "live now": live auctions and lots, bids in the last minute, and the tabs watching lots
on every server process; pushed to admins over their tab's one live stream (docs/LIVE.md).

Only those allowed to see platform metrics may follow it: `LiveNowFeed.follow` checks the actor the
stream's session cookie resolved to, so an adapter cannot hand the figures to anyone else.

One `LiveNowFeed` per process (an asyncio task on the server's loop) does two jobs:
- it reports this process's watching tabs to the store (data/live_presence.py) whenever the count
  changes and every REFRESH while it is not zero, so any process's admin sees the platform's total;
- while an admin of this process follows, it reads the figures when a lot changed (a bid: at most one
  read every `MIN_GAP` however fast bids come) and every `TICK` (bids age out of the last minute,
  other processes' watchers come and go), and pushes them only when they differ from the last.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from contextlib import suppress
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import col

from data.live_presence import REFRESH, presence_report, presence_total
from data.models import Auction, Bid, Lot
from data.types import utcnow
from data.uow import UnitOfWork
from domain.bidding.live import Figures, Hub, Watcher, offer
from domain.permissions import Action, Actor, require
from domain.types import AuctionStatus

log = logging.getLogger(__name__)
NAME = "live_now"
TICK = 2.0  # seconds between reads while an admin follows and nothing happens
MIN_GAP = 0.5  # seconds: a burst of bids costs one read per gap, not one per bid
LAST_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class LiveNow:
    live_auctions: int
    live_lots: int
    bids_last_minute: int
    watchers: int  # tabs with a lot board, an auction's cards or the auctions list open, all processes


def live_now(actor: Actor) -> LiveNow:
    """The figures now (the page's first draw, and its polling when the stream cannot connect)."""
    require(actor, Action.VIEW_PLATFORM_METRICS)
    return _read(utcnow())


def _read(now: datetime) -> LiveNow:
    started = col(Auction.starts_at) <= now
    live = (select(func.count(func.distinct(col(Lot.auction_id))), func.count(col(Lot.id)))
            .join(Auction, col(Auction.id) == col(Lot.auction_id))
            .where(col(Auction.status) == AuctionStatus.SCHEDULED, started, col(Lot.ends_at) > now,
                   col(Lot.outcome).is_(None)))
    recent = select(func.count(col(Bid.id))).where(col(Bid.placed_at) > now - LAST_MINUTE)
    with UnitOfWork(write=False) as uow:  # a read: on SQLite it must not queue with the bidders for the lock
        auctions, lots = uow.session.execute(live).one()
        bids = uow.session.execute(recent).scalar_one()
    return LiveNow(int(auctions), int(lots), int(bids), presence_total(now))


class LiveNowFeed:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.process = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._followers: set[Watcher] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._sent: LiveNow | None = None
        hub.on_lot_change(self._lots_changed)

    def start(self) -> None:
        """Run on this loop (the server's; a restarted one's too): called as each stream opens."""
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            if self._task is not None and self._task.get_loop() is not loop:
                self._followers.clear()  # an ended loop's streams ended with it
                self._sent = None
            self._wake = asyncio.Event()
            self._task = loop.create_task(self._run(self._wake), name="live-now")

    async def follow(self, watcher: Watcher, actor: Actor) -> Figures:
        """Push the figures to this watcher from now on; the current ones are returned to send first.
        Raises Forbidden for anyone not allowed to see platform metrics."""
        require(actor, Action.VIEW_PLATFORM_METRICS)
        figures = await asyncio.to_thread(_read, utcnow())
        self._send(figures)  # newer than what the others have: theirs too, so all stay alike
        self._followers.add(watcher)
        return _figures(figures)

    def unfollow(self, watcher: Watcher) -> None:
        self._followers.discard(watcher)

    def _lots_changed(self) -> None:
        if self._followers:
            self._wake.set()

    async def _run(self, wake: asyncio.Event) -> None:
        """`wake` is this loop's: a later loop's task gets its own (an Event belongs to one loop)."""
        reported: tuple[int, datetime] | None = None
        while not self.hub.stopping:
            # Cleared before the read, never after: a lot that changes while this round reads or rests
            # wakes the next round at once (cleared after the rest, such a change waited for the tick).
            wake.clear()
            try:
                reported = await self._report(reported)
                if self._followers:
                    self._send(await asyncio.to_thread(_read, utcnow()))
            except Exception:  # the store is away: the next tick tries again; streams carry on
                log.warning("live-now figures could not be read or reported", exc_info=True)
            await asyncio.sleep(MIN_GAP)
            with suppress(TimeoutError):  # a lot changed, or it is time to look again anyway
                await asyncio.wait_for(wake.wait(), TICK - MIN_GAP)

    async def _report(self, reported: tuple[int, datetime] | None) -> tuple[int, datetime]:
        count, now = self.hub.watching, utcnow()
        if reported is not None and reported[0] == count and (count == 0 or now - reported[1] < REFRESH):
            return reported
        await asyncio.to_thread(presence_report, self.process, count, now)
        return count, now

    def _send(self, figures: LiveNow) -> None:
        """Push to every follower, unless they have these figures already."""
        if figures == self._sent:
            return
        self._sent = figures
        item = _figures(figures)
        for watcher in self._followers:
            offer(watcher, item)


def _figures(now: LiveNow) -> Figures:
    return Figures(NAME, asdict(now))
