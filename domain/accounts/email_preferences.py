"""Which notices a user also gets by email, and the link in each such email that turns its kind off.

Emails go only to a verified address: an unverified account gets notices in the app only, and may
not change its email choices until it verifies (the profile says why). Every topic is off until
chosen except *won*: winning creates a debt and a deadline to pay, happens once per lot, and is
the one notice a buyer would be harmed by missing; the others repeat and can be noisy.

An unsubscribe link is a signed token for one topic, bound to the address it was sent to, and works
for 30 days (the CAN-SPAM minimum; it can only turn an email topic off, so it outlives the hour
session tokens are held to). Using it again is harmless.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from data.email_preferences import preference_store, preferences_stored
from data.models import User
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts.email_links import address_link_token, app_url, link_user
from domain.accounts.email_verification import require_verified_email
from domain.errors import ValidationFailed
from domain.permissions import Actor


class Topic(StrEnum):
    """Notices that may be emailed; each is named after the notification kind it follows."""

    OUTBID = "outbid"
    WON = "won"  # also a below-reserve bid the dealer accepted
    ENDING_SOON = "ending_soon"
    OFFER_DECLINED = "offer_declined"  # a below-reserve bid the dealer declined or let lapse


LABELS = {Topic.OUTBID: "When I am outbid",
          Topic.WON: "When I win a lot (or a dealer accepts my bid below the reserve)",
          Topic.ENDING_SOON: "When a lot I watch closes within the hour",
          Topic.OFFER_DECLINED: "When a dealer declines my bid below the reserve (or lets it lapse)"}
DEFAULTS = {Topic.OUTBID: False, Topic.WON: True, Topic.ENDING_SOON: False, Topic.OFFER_DECLINED: False}
TOPIC_NAMES = frozenset(str(topic) for topic in Topic)
UNSUBSCRIBE_TTL = timedelta(days=30)
UNSUBSCRIBE_PAGE = "unsubscribe"
BAD_LINK = "This unsubscribe link is not valid or has expired: change your email choices in My account."
UNVERIFIED = "Emails go only to a verified address: until you verify yours, notices stay in the app."


@dataclass(frozen=True)
class EmailPreferences:
    """Every topic with its setting (chosen or default), and whether emails can reach the user."""

    topics: dict[Topic, bool]
    verified: bool

    @property
    def reason(self) -> str | None:
        return None if self.verified else UNVERIFIED


@dataclass(frozen=True)
class EmailChoices:
    """Which notices also come by email, as the profile and the API show them; `sending` is false,
    with the reason, until the address is verified."""

    outbid: bool
    won: bool
    ending_soon: bool
    offer_declined: bool
    sending: bool
    reason: str | None

    @classmethod
    def of(cls, preferences: EmailPreferences) -> EmailChoices:
        return cls(**{str(topic): on for topic, on in preferences.topics.items()},
                   sending=preferences.verified, reason=preferences.reason)


def email_preferences_of(actor: Actor) -> EmailPreferences:
    with UnitOfWork(write=False) as uow:
        return _preferences(uow, actor.id)


def email_preferences_update(actor: Actor, choices: Mapping[str, object], *,
                             now: datetime | None = None) -> EmailPreferences:
    """Set the topics named in `choices` (others keep their setting); refused before verification."""
    wanted = _checked(choices)
    now = now or utcnow()
    with UnitOfWork() as uow:
        require_verified_email(uow, actor)
        for topic, enabled in wanted.items():
            preference_store(uow.session, user_id=actor.id, topic=topic, enabled=enabled, now=now)
        uow.audit(actor_id=actor.id, action="email_preferences", entity="users", entity_id=actor.id,
                  after={str(topic): enabled for topic, enabled in wanted.items()})
        uow.commit()
        return _preferences(uow, actor.id)


def _preferences(uow: UnitOfWork, user_id: int) -> EmailPreferences:
    stored = preferences_stored(uow.session, user_id)
    user = uow.session.get(User, user_id)
    topics = {topic: stored.get(topic, DEFAULTS[topic]) for topic in Topic}
    return EmailPreferences(topics, user is not None and user.email_verified_at is not None)


def _checked(choices: Mapping[str, object]) -> dict[Topic, bool]:
    problems = {str(name): f"Unknown topic: choose from {', '.join(Topic)}."
                for name in choices if name not in TOPIC_NAMES}
    problems |= {str(name): "Choose true or false." for name, value in choices.items()
                 if name not in problems and not isinstance(value, bool)}
    if problems:
        raise ValidationFailed(problems)
    return {Topic(name): bool(value) for name, value in choices.items()}


def unsubscribe_url(user_id: int, address: str, topic: Topic, *, now: datetime) -> str:
    token = address_link_token(user_id, address, _purpose(topic), now=now, ttl=UNSUBSCRIBE_TTL)
    return app_url(UNSUBSCRIBE_PAGE, topic=str(topic), token=token)


def email_unsubscribe(topic: str, token: str, *, now: datetime | None = None) -> str:
    """Turn one topic off for the user the link was sent to, without signing in."""
    if topic not in TOPIC_NAMES:
        raise ValidationFailed({"token": BAD_LINK})
    now = now or utcnow()
    with UnitOfWork() as uow:
        user = link_user(uow, token, _purpose(Topic(topic)), now=now, problem=BAD_LINK)
        assert user.id is not None
        preference_store(uow.session, user_id=user.id, topic=topic, enabled=False, now=now)
        uow.audit(actor_id=user.id, action="email_unsubscribe", entity="users", entity_id=user.id,
                  after={topic: False})
        uow.commit()
    return f"Done: no more emails to {user.email} for “{LABELS[Topic(topic)]}”. Notices stay in the app."


def _purpose(topic: Topic) -> str:
    """One token purpose per topic: a link for one topic is never accepted for another."""
    return f"unsubscribe_{topic}"
