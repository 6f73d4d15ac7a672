"""What a lot's routes take in. They answer with the domain's read models as they are
(`domain.bidding.board_view.LotView`, `WatchedLot`, `NotificationView`)."""

from __future__ import annotations

from pydantic import Field

from api.strict import StrictIn


class DecisionIn(StrictIn):
    accept: bool = Field(description="Accept the high bid of a lot that ended below your reserve")
