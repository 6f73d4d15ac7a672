"""Retracting through the lot page uses the same service as the API: eBay's reasons, and with 12 hours
or more left every bid of the bidder on the lot goes."""

from __future__ import annotations

import uuid
from datetime import timedelta

from domain.bidding import service
from domain.bidding.retraction_rules import RetractReason
from tests.app.conftest import page_as, texts
from tests.support.factories import live_lot, lot_now, make_user


def test_a_bidder_retracts_all_their_bids_for_a_listed_reason() -> None:
    lot = live_lot(closes_in=timedelta(days=2))
    asha, ben = make_user(), make_user()
    service.bid_place(ben, lot_id=lot.id or 0, maximum="310000", key=uuid.uuid4().hex)
    service.bid_place(asha, lot_id=lot.id or 0, maximum="350000", key=uuid.uuid4().hex)
    service.bid_place(ben, lot_id=lot.id or 0, maximum="3600000", key=uuid.uuid4().hex)
    at = page_as(ben, "pages/lot.py", id=lot.id)
    assert "12 hours" in texts(at)
    assert "I cannot reach the dealer" in at.radio(key="retract_reason").options
    at.radio(key="retract_reason").set_value(RetractReason.SELLER_UNREACHABLE)
    at.button(key="retract_go").click()
    at.run()
    assert not at.exception and not at.error
    state = lot_now(lot.id or 0)
    assert (state.leader_id, state.bid_count, state.bidder_count) == (asha.id, 1, 1)
