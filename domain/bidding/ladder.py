"""The increment ladder, kept in the store so admins can change it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import delete
from sqlmodel import col, select

from data.models import IncrementBand
from data.uow import UnitOfWork
from domain.bidding.rules import Ladder, check_ladder
from domain.permissions import Action, Actor, require


def ladder_load(uow: UnitOfWork) -> Ladder:
    bands = uow.session.exec(select(IncrementBand).order_by(col(IncrementBand.min_price))).all()
    return Ladder.stored((band.min_price, band.step) for band in bands)


def ladder_current() -> Ladder:
    with UnitOfWork(write=False) as uow:
        return ladder_load(uow)


def ladder_update(actor: Actor, bands: Sequence[tuple[Decimal, Decimal]]) -> Ladder:
    """Replace the ladder. Bids already placed keep their prices; new bids follow the new steps."""
    require(actor, Action.EDIT_INCREMENTS)
    ladder = check_ladder(sorted(bands))
    with UnitOfWork() as uow:
        before = [[str(low), str(step)] for low, step in ladder_load(uow).bands]
        uow.session.execute(delete(IncrementBand))
        uow.session.add_all(IncrementBand(min_price=low, step=step) for low, step in ladder.bands)
        uow.audit(actor_id=actor.id, action="ladder_update", entity="increment_bands", entity_id=None,
                  before={"bands": before}, after={"bands": [[str(a), str(b)] for a, b in ladder.bands]})
        uow.commit()
    return ladder
