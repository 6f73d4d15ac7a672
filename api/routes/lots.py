"""GET /lots/{id} (the live board), POST /lots/{id}/buy-now, POST /lots/{id}/decision."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import CurrentActor, CurrentCaller, Id, IdempotencyKey, Reads
from api.envelope import Envelope, ok
from api.metrics import bid_metered
from api.schemas.lots import DecisionIn
from domain.bidding.board import LotBoard, lot_board_snapshot
from domain.bidding.board_view import LotView, board_seen_by
from domain.bidding.service import BidReceipt, lot_buy_now
from domain.bidding.settlement import lot_decide, settled_first
from domain.permissions import Actor

router = APIRouter(prefix="/lots", tags=["lots"])


@router.get("/{lot_id}")
async def lot_get(caller: CurrentCaller, lot_id: Id, cached: Reads) -> Envelope[LotView]:
    """The live board (the same for every signed-in user; at most a second old)."""
    def board(actor: Actor) -> Envelope[LotView]:
        def settled_board() -> LotBoard:  # a lot past its end is settled before it is shown
            return settled_first(lambda: lot_board_snapshot(lot_id))

        return ok(board_seen_by(cached.boards.get(lot_id, settled_board), actor.id))

    return await caller.run(board)


@router.post("/{lot_id}/buy-now", status_code=201, responses={200: {"description": "A retry"}})
async def lot_buy(caller: CurrentCaller, lot_id: Id, key: IdempotencyKey, response: Response,
                  cached: Reads) -> Envelope[BidReceipt]:
    def buy(actor: Actor) -> BidReceipt:
        with bid_metered():
            return lot_buy_now(actor, lot_id=lot_id, key=key)

    receipt = await caller.run(buy)
    cached.boards.forget(lot_id)
    response.status_code = 200 if receipt.repeated else 201
    return ok(receipt, "Bought: the lot is yours.")


@router.post("/{lot_id}/decision")
def lot_decision(actor: CurrentActor, lot_id: Id, body: DecisionIn, cached: Reads) -> Envelope[None]:
    lot_decide(actor, lot_id, accept=body.accept)
    cached.boards.forget(lot_id)
    return ok(None, "Sold." if body.accept else "Declined.")
