"""Who may do what. Every service calls `require` before it writes; pages only mirror these rules.

Roles are a set: a dealer usually bids too, an admin may do everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import Forbidden, NotYourStore
from domain.types import Role


class Action(StrEnum):
    BID = "bid"
    APPLY_AS_DEALER = "apply_as_dealer"
    MANAGE_OWN_STORE = "manage_own_store"
    VIEW_OWN_SALES = "view_own_sales"
    VIEW_ANALYTICS = "view_analytics"
    EXPORT_REPORTS = "export_reports"
    MANAGE_USERS = "manage_users"
    REVIEW_DEALERS = "review_dealers"
    VIEW_PLATFORM_METRICS = "view_platform_metrics"
    VOID_BIDS = "void_bids"
    EDIT_INCREMENTS = "edit_increments"
    VIEW_AUDIT_LOG = "view_audit_log"
    TAKE_DOWN_LISTINGS = "take_down_listings"
    SET_FEES = "set_fees"  # the buyer's premium schedule and seller fees are the platform's


GRANTS: dict[Role, frozenset[Action]] = {
    Role.BIDDER: frozenset({Action.BID, Action.APPLY_AS_DEALER}),
    Role.DEALER: frozenset({Action.BID, Action.MANAGE_OWN_STORE, Action.VIEW_OWN_SALES}),
    Role.ANALYST: frozenset({Action.VIEW_ANALYTICS, Action.EXPORT_REPORTS}),
    Role.ADMIN: frozenset(Action),
}


@dataclass(frozen=True)
class Actor:
    """The signed-in user as the rules see them."""

    id: int
    email: str
    name: str
    roles: frozenset[Role]
    dealer_id: int | None = None
    dealer_verified: bool = False
    session_id: str | None = None
    timezone: str = "Asia/Kolkata"

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles


def allowed_actions(roles: frozenset[Role]) -> frozenset[Action]:
    return frozenset().union(*(GRANTS[role] for role in roles)) if roles else frozenset()


def can(actor: Actor | None, action: Action) -> bool:
    return actor is not None and action in allowed_actions(actor.roles)


def require(actor: Actor | None, action: Action) -> Actor:
    if actor is None:
        raise Forbidden("Please sign in first.")
    if not can(actor, action):
        raise Forbidden(f"Your account is not allowed to {action.value.replace('_', ' ')}.")
    return actor


def require_store_owner(actor: Actor, dealer_id: int) -> None:
    """A dealer acts only on their own store; an admin on any."""
    if actor.is_admin:
        return
    require(actor, Action.MANAGE_OWN_STORE)
    if actor.dealer_id != dealer_id:
        raise NotYourStore("This belongs to another dealer's store.")
