"""A lot's board as the live stream sends it: public fields only, worded as the polling board words
them (ui/lot_board.py), the leader as "you" or the per-lot pseudonym. The hidden maximum and the
reserve amount are not in `LotBoard` at all; bidder ids stay on the server.

Built once per lot version and shared by every watcher; only a watcher who appears on the board
(leads, or placed one of the last bids) gets a copy with "you" in it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from domain.bidding.board import LotBoard
from domain.bidding.board_view import seen_as
from ui.format import money
from ui.lot_board import reserve_text, status_line

LAST_BIDS = 10


@dataclass(frozen=True)
class PublicBoard:
    lot_id: int
    version: int
    fields: dict[str, Any]
    leader: int | None
    bidders: tuple[int | None, ...]  # of the last bids, in order: who becomes "you" for whom
    shared: str  # the JSON for every watcher not on the board

    def for_viewer(self, user_id: int) -> str:
        if user_id != self.leader and user_id not in self.bidders:
            return self.shared
        fields = dict(self.fields, leader=seen_as(self.leader, self.lot_id, user_id) or self.fields["leader"])
        fields["last_bids"] = [dict(line, bidder=seen_as(bidder, self.lot_id, user_id) or line["bidder"])
                               for line, bidder in zip(self.fields["last_bids"], self.bidders, strict=True)]
        return json.dumps(fields)


def public_board(board: LotBoard) -> PublicBoard:
    lines = board.history[:LAST_BIDS]
    fields: dict[str, Any] = {
        "lot_id": board.lot_id, "version": board.version,
        "price": (money(board.price) if board.price is not None
                  else f"starts at {money(board.starting_price)}"),
        "leader": seen_as(board.leader, board.lot_id, None) or "no bids yet",
        "reserve": reserve_text(board), "bid_count": board.bid_count, "bidder_count": board.bidder_count,
        "ends_at": board.ends_at.isoformat(), "extended": board.extended, "open": board.is_open,
        "latest_end_at": board.latest_end_at.isoformat() if board.latest_end_at else None,
        "status": status_line(board).replace("\\", ""), "outcome": board.outcome,
        "minimum_next": money(board.minimum_next),
        "last_bids": [{"at": line.placed_at.isoformat(), "bidder": seen_as(line.bidder, board.lot_id, None),
                       "price": money(line.price_after), "status": line.status} for line in lines],
    }
    return PublicBoard(board.lot_id, board.version, fields, board.leader,
                       tuple(line.bidder for line in lines), json.dumps(fields))
