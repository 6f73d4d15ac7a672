"""GET /lots/{id} (the live board), POST /lots/{id}/buy-now, POST /lots/{id}/decision."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import Bidder, CurrentActor, Id, IdempotencyKey, Reads
from api.envelope import Envelope, ok
from api.metrics import bid_metered
from api.schemas.bids import ReceiptOut
from api.schemas.lots import DecisionIn, LotOut
from domain.bidding.board import lot_board_snapshot
from domain.bidding.service import lot_buy_now
from domain.bidding.settlement import lot_decide

router = APIRouter(prefix="/lots", tags=["lots"])


@router.get("/{lot_id}")
async def lot_get(actor: CurrentActor, lot_id: Id, cached: Reads) -> Envelope[LotOut]:
    """The live board (the same for every signed-in user; at most a second old)."""
    return ok(LotOut.of(await cached.boards.aget(lot_id, lambda: lot_board_snapshot(lot_id)), actor.id))


@router.post("/{lot_id}/buy-now", status_code=201, responses={200: {"description": "A retry"}})
def lot_buy(actor: Bidder, lot_id: Id, key: IdempotencyKey, response: Response,
            cached: Reads) -> Envelope[ReceiptOut]:
    with bid_metered():
        receipt = lot_buy_now(actor, lot_id=lot_id, key=key)
    cached.boards.forget(lot_id)
    response.status_code = 200 if receipt.repeated else 201
    return ok(ReceiptOut.of(receipt), "Bought: the lot is yours.")


@router.post("/{lot_id}/decision")
def lot_decision(actor: CurrentActor, lot_id: Id, body: DecisionIn, cached: Reads) -> Envelope[None]:
    lot_decide(actor, lot_id, accept=body.accept)
    cached.boards.forget(lot_id)
    return ok(None, "Sold." if body.accept else "Declined.")
