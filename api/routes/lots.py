"""GET /lots/{id} (the live board), POST /lots/{id}/buy-now, POST /lots/{id}/decision."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import Bidder, CurrentActor, Id, IdempotencyKey
from api.envelope import Envelope, ok
from api.metrics import bid_metered
from api.schemas.bids import ReceiptOut
from api.schemas.lots import DecisionIn, LotOut
from domain.bidding.board import lot_board
from domain.bidding.service import lot_buy_now
from domain.bidding.settlement import lot_decide

router = APIRouter(prefix="/lots", tags=["lots"])


@router.get("/{lot_id}")
def lot_get(actor: CurrentActor, lot_id: Id) -> Envelope[LotOut]:
    return ok(LotOut.of(lot_board(actor, lot_id), actor.id))


@router.post("/{lot_id}/buy-now", status_code=201, responses={200: {"description": "A retry"}})
def lot_buy(actor: Bidder, lot_id: Id, key: IdempotencyKey, response: Response) -> Envelope[ReceiptOut]:
    with bid_metered():
        receipt = lot_buy_now(actor, lot_id=lot_id, key=key)
    response.status_code = 200 if receipt.repeated else 201
    return ok(ReceiptOut.of(receipt), "Bought: the lot is yours.")


@router.post("/{lot_id}/decision")
def lot_decision(actor: CurrentActor, lot_id: Id, body: DecisionIn) -> Envelope[None]:
    lot_decide(actor, lot_id, accept=body.accept)
    return ok(None, "Sold." if body.accept else "Declined.")
