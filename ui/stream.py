"""`GET /live?lots=1,2,3`: one server-sent-event stream per browser tab, on Streamlit's own server.

It also carries the signed-in user's own alerts (`alert` events: outbid, won, ending soon, the
dealer's decision, a cancelled lot), read from the store as that user when their `u<id>` event
arrives; the lots may be none (`/live?lots=`: a page without boards still gets alerts).

Authenticated by the HttpOnly session cookie (sent by the browser's EventSource on the same origin).
Each `board` event carries one lot's public board (ui/live_view.py); its id is every lot's version
the tab has seen ("12:40,13:7"), so a reconnect's `Last-Event-ID` says exactly what the tab has and
gets each newer board read from the store: never an older state, nothing it already has. A `hello`
event carries the server's clock (the browser corrects its countdown by the offset) and doubles as
the heartbeat that keeps proxies from closing an idle stream.

`figures=live_now` adds the admin's live-now figures (`live_now` events, whole each time: the newest
replaces the last, nothing to replay); the domain refuses anyone else (403).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
from collections.abc import AsyncIterator
from types import FrameType
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from data.events import LotEvent, UserEvent, decode, encode, lot_events
from data.types import utcnow
from domain.accounts import auth
from domain.bidding.board import lot_board_snapshot
from domain.bidding.live import HEARTBEAT, RESYNC, Boards, Figures, Hub, Item, Watcher
from domain.bidding.settlement import settled_first
from domain.errors import Forbidden, NotFound, SessionExpired
from domain.notifications import NotificationView, alerts_after
from domain.reporting.live_now import NAME as LIVE_NOW
from domain.reporting.live_now import LiveNowFeed
from ui.live_view import PublicBoard, public_board
from ui.session import COOKIE_NAME

MAX_LOTS = 60  # an auction page's lots; more is not a page anyone reads
# Past this many open streams a process answers 503 and pages fall back to polling.
MAX_STREAMS = int(os.environ.get("LIVE_MAX_STREAMS", "5000"))

hub = Hub(max_watchers=MAX_STREAMS)


def _settled_board(lot_id: int) -> PublicBoard:
    """A lot the stream finds past its end is settled before it is shown (boards only read)."""
    return public_board(settled_first(lambda: lot_board_snapshot(lot_id)))


boards: Boards[PublicBoard] = Boards(_settled_board)
live_now = LiveNowFeed(hub)


async def live_stream(request: Request) -> Response:
    try:
        actor = await run_in_threadpool(auth.session_resolve, request.cookies.get(COOKIE_NAME, ""))
    except SessionExpired as error:
        return PlainTextResponse(str(error), status_code=401)
    lot_ids = _lot_ids(request.query_params.get("lots", ""))
    figures = request.query_params.get("figures", "")
    if lot_ids is None or figures not in ("", LIVE_NOW):
        return PlainTextResponse(f"Give lots=1,2,3: up to {MAX_LOTS} lot numbers (or none: alerts only), "
                                 f"and figures={LIVE_NOW} or nothing.", status_code=400)
    # Before the first reads: nothing committed after them is missed. Alerts: this session's user only.
    watcher = hub.subscribe(lot_ids, actor.id)
    if watcher is None and hub.stopping:
        return PlainTextResponse("This server is restarting: reconnect.", status_code=503,
                                 headers={"Retry-After": "2"})
    if watcher is None:
        return PlainTextResponse("Too many live connections on this server; the board refreshes itself "
                                 "instead. Try again shortly.", status_code=503,
                                 headers={"Retry-After": "30"})
    live_now.start()
    try:
        first: list[PublicBoard | Figures] = [await live_now.follow(watcher, actor)] if figures else []
        first += [await boards.at_least(lot_id, hub.latest(lot_id)) for lot_id in lot_ids]
    except (NotFound, Forbidden) as error:
        _leave(watcher)
        return PlainTextResponse(str(error) if isinstance(error, Forbidden) else "No such lot.",
                                 status_code=403 if isinstance(error, Forbidden) else 404)
    # EventSource sends Last-Event-ID on its own reconnects; a tab that reopens its stream (after a
    # rerun, or for another page's lots) passes what it has as `since`.
    since = request.headers.get("last-event-id") or request.query_params.get("since", "")
    tab = _Tab(actor.id, since, lot_ids)
    if tab.alerts_seen is None:  # a first connect: alerts from now on (older ones are in the list)
        tab.alerts_seen = (await asyncio.to_thread(alerts_after, actor.id, None))[2]
    return StreamingResponse(_events(watcher, tab, first), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _lot_ids(text: str) -> list[int] | None:
    parts = [part for part in text.split(",") if part]
    if len(parts) > MAX_LOTS or not all(part.isdigit() and len(part) < 10 for part in parts):
        return None
    return sorted({int(part) for part in parts})


class _Tab:
    """What one tab has: each lot's version, and the newest of its user's notifications it was told of
    (None on a first connect: alerts from now on). Both travel in every event id ("n55,12:40,13:7")."""

    def __init__(self, user_id: int, since: str, lot_ids: list[int]) -> None:
        parts = since[:4000].split(",")
        self.user_id = user_id
        self.seen = {e.lot_id: e.version for e in lot_events(decode(",".join(parts))) if e.lot_id in lot_ids}
        cursor = [part[1:] for part in parts if part[:1] == "n" and part[1:].isdigit() and len(part) < 12]
        self.alerts_seen: int | None = int(cursor[0]) if cursor else None

    def ident(self) -> str:
        lots = encode(LotEvent(lot_id, version) for lot_id, version in sorted(self.seen.items()))
        return f"n{self.alerts_seen or 0}" + (f",{lots}" if lots else "")


async def _events(watcher: Watcher, tab: _Tab, first: list[PublicBoard | Figures]) -> AsyncIterator[str]:
    try:
        yield _hello() + "".join(_first_events(first, tab)) + "".join(await _alerts(tab))  # + what it missed
        while not watcher.dropped:
            items = [await watcher.queue.get()]
            while not watcher.queue.empty():
                items.append(watcher.queue.get_nowait())
            if watcher.dropped:
                break  # fell behind, or the server is stopping: the browser reconnects
            if said := await _said(watcher, tab, items):
                yield said
    finally:
        _leave(watcher)  # a dropped watcher's stream ends; the browser reconnects with its ids


async def _said(watcher: Watcher, tab: _Tab, items: list[Item]) -> str:
    """Everything queued since the stream last wrote, in one write: a tab that fell behind gets each
    lot's newest board (versions only grow: a newer board includes every bid of the ones it skips), its
    new alerts once, the newest figures."""
    resync = RESYNC in items
    said = [_hello()] if HEARTBEAT in items else []
    said += [_figures_event(figures) for figures in
             {item.name: item for item in items if isinstance(item, Figures)}.values()]
    if resync or any(isinstance(item, UserEvent) for item in items):
        said += await _alerts(tab)
    wanted = None if resync else _newest_by_lot(items)
    said += [_board_event(board, tab) for board in await _boards_for(watcher, wanted)
             if board.version > tab.seen.get(board.lot_id, -1)]
    return "".join(said)


def _newest_by_lot(items: list[Item]) -> dict[int, int]:
    newest: dict[int, int] = {}
    for item in items:
        if isinstance(item, LotEvent) and item.version > newest.get(item.lot_id, -1):
            newest[item.lot_id] = item.version
    return newest


def _first_events(first: list[PublicBoard | Figures], tab: _Tab) -> list[str]:
    """The live-now figures for an admin who follows them, then every board newer than the tab has."""
    return [_figures_event(item) if isinstance(item, Figures) else _board_event(item, tab)
            for item in first if isinstance(item, Figures) or item.version > tab.seen.get(item.lot_id, -1)]


def _leave(watcher: Watcher) -> None:
    live_now.unfollow(watcher)
    hub.unsubscribe(watcher)


async def _alerts(tab: _Tab) -> list[str]:
    views, unread, tab.alerts_seen = await asyncio.to_thread(alerts_after, tab.user_id, tab.alerts_seen)
    return [f"id: {tab.ident()}\nevent: alert\ndata: {_alert_json(view, unread)}\n\n" for view in views]


def _alert_json(view: NotificationView, unread: int) -> str:
    return json.dumps({"id": view.id, "kind": view.kind, "lot_id": view.lot_id, "message": view.message,
                       "unread": unread})


async def _boards_for(watcher: Watcher, wanted: dict[int, int] | None) -> list[PublicBoard]:
    """Each wanted lot's board at that version or newer; `None` after a resync: every lot, read afresh."""
    if wanted is None:
        boards.forget()
        wanted = dict.fromkeys(watcher.lot_ids, 0)
    found = []
    for lot_id, version in wanted.items():
        try:
            found.append(await boards.at_least(lot_id, version))
        except NotFound:  # a draft again, or gone: nothing public to show
            continue
    return found


def _hello() -> str:
    return f"retry: 2000\nevent: hello\ndata: {json.dumps({'now': utcnow().isoformat()})}\n\n"


def _figures_event(figures: Figures) -> str:
    return f"event: {figures.name}\ndata: {json.dumps(figures.values)}\n\n"


def _board_event(board: PublicBoard, tab: _Tab) -> str:
    tab.seen[board.lot_id] = board.version
    return f"id: {tab.ident()}\nevent: board\ndata: {board.for_viewer(tab.user_id)}\n\n"


def end_streams_on_stop() -> None:
    """Streamlit's server stops on SIGTERM/SIGINT once its connections close, and a stream never
    closes on its own: chain its signal handlers so a stop first ends every stream."""
    for number in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(number)

        def on_stop(signum: int, frame: FrameType | None, previous: Any = previous) -> None:
            hub.end_all()
            if callable(previous):
                previous(signum, frame)

        try:
            signal.signal(number, on_stop)
        except ValueError:  # not the main thread (a test's server): its owner stops it otherwise
            return
