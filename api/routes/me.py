"""The signed-in user's watchlist, notifications and email preferences."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.deps import CurrentActor, CurrentCaller, Id
from api.envelope import Envelope, PageParams, ok, page_of, page_params, paged
from api.schemas.users import EmailPreferencesIn
from domain import notifications
from domain.accounts import email_preferences
from domain.accounts.email_preferences import EmailChoices
from domain.auctions import watchlist
from domain.auctions.watchlist import WatchedLot
from domain.notifications import NotificationView
from domain.permissions import Actor

router = APIRouter(tags=["me"])
Page = Annotated[PageParams, Depends(page_params)]


@router.get("/watchlist")
def watchlist_get(actor: CurrentActor, page: Page) -> Envelope[list[WatchedLot]]:
    items, total = page_of(watchlist.watchlist_of(actor), page)
    return paged(items, total, page)


@router.post("/watchlist/{lot_id}", status_code=201)
def watchlist_add(actor: CurrentActor, lot_id: Id) -> Envelope[None]:
    watchlist.watch(actor, lot_id)
    return ok(None, "Watching this lot.")


@router.delete("/watchlist/{lot_id}")
def watchlist_remove(actor: CurrentActor, lot_id: Id) -> Envelope[None]:
    watchlist.unwatch(actor, lot_id)
    return ok(None, "No longer watching this lot.")


@router.get("/notifications")
async def notifications_get(caller: CurrentCaller, page: Page) -> Envelope[list[NotificationView]]:
    def mine(actor: Actor) -> Envelope[list[NotificationView]]:
        items, total = page_of(notifications.notifications_of(actor, limit=notifications.MAX_LIST), page)
        return paged(items, total, page)

    return await caller.run(mine)


@router.post("/notifications/read")
def notifications_read(actor: CurrentActor) -> Envelope[None]:
    notifications.notifications_mark_read(actor)
    return ok(None, "All notifications marked read.")


@router.get("/me/email-preferences")
def email_preferences_get(actor: CurrentActor) -> Envelope[EmailChoices]:
    return ok(EmailChoices.of(email_preferences.email_preferences_of(actor)))


@router.put("/me/email-preferences")
def email_preferences_put(actor: CurrentActor, body: EmailPreferencesIn) -> Envelope[EmailChoices]:
    """Change the topics sent (others keep their setting); 403 until the address is verified."""
    saved = email_preferences.email_preferences_update(actor, body.choices())
    return ok(EmailChoices.of(saved), "Email preferences saved.")
