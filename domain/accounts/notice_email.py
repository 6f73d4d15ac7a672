"""A notice's email: whether its recipient gets one, and what it says (plain text and simple HTML).

Asked by domain/notifications.py each time a notice is written, inside that notice's transaction (the
outbid notice's question rides in the bid's own write, data/bid_store.py): a rolled-back bid sends
nothing. Outbid emails are coalesced: after one outbid email about a lot, the
user gets no other about that lot until they bid on it again (a bidding war sends one email, and the
next only once they are back in it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from sqlalchemy.orm import Session

from data.email_preferences import notice_recipients
from data.outbox import outbox_add
from domain.accounts.email_links import app_url
from domain.accounts.email_preferences import DEFAULTS, LABELS, TOPIC_NAMES, Topic, unsubscribe_url

SUBJECTS = {Topic.OUTBID: "You were outbid", Topic.WON: "You won",
            Topic.ENDING_SOON: "Closing within the hour", Topic.OFFER_DECLINED: "Your bid was not accepted"}
COALESCED = frozenset({Topic.OUTBID})


@dataclass(frozen=True)
class Recipient:
    user_id: int
    address: str
    name: str
    topic: Topic


def notice_email_recipients(session: Session, user_ids: list[int], kind: str,
                            lot_id: int | None) -> list[Recipient]:
    """Who of `user_ids` gets this kind of notice by email too: one query for all of them (a bid batch
    asks it for every bidder it outbid, while it holds the lot's lock)."""
    if kind not in TOPIC_NAMES:
        return []
    topic = Topic(kind)
    found = notice_recipients(session, user_ids=user_ids, topic=topic, default=DEFAULTS[topic],
                              coalesce_on_lot=lot_id if topic in COALESCED else None)
    return recipients_found(found, kind)


def recipients_found(found: dict[int, tuple[str, str]], kind: str) -> list[Recipient]:
    """The recipients a question about this kind of notice found ({user id: (address, name)}): asked
    here, or by the bid's own write for the outbid notice (data/bid_store.py)."""
    topic = Topic(kind)
    return [Recipient(user_id, address, name, topic) for user_id, (address, name) in sorted(found.items())]


def notice_email_queue(session: Session, recipient: Recipient, *, message: str, about: str | None,
                       lot_id: int | None, now: datetime) -> None:
    """Queue the email in the caller's transaction: the notice's own words, a link to the lot, and a
    link that turns this topic off."""
    topic = recipient.topic
    lot_url = app_url("lot", id=str(lot_id)) if lot_id is not None else None
    stop_url = unsubscribe_url(recipient.user_id, recipient.address, topic, now=now)
    subject = f"{SUBJECTS[topic]}: {about}" if about else SUBJECTS[topic]
    outbox_add(session, kind=topic, to=recipient.address, subject=subject, now=now,
               body=_text(recipient.name, message, lot_url, topic, stop_url),
               html=_html(recipient.name, message, lot_url, topic, stop_url),
               user_id=recipient.user_id, lot_id=lot_id)


def _text(name: str, message: str, lot_url: str | None, topic: Topic, stop_url: str) -> str:
    lot = f"Open the lot: {lot_url}\n\n" if lot_url else ""
    return (f"Hello {name},\n\n{message}\n\n{lot}— AutoGavel\n\n"
            f"You get this email because “{LABELS[topic]}” is on in your email choices (My account).\n"
            f"Stop these emails: {stop_url}\n")


def _html(name: str, message: str, lot_url: str | None, topic: Topic, stop_url: str) -> str:
    lot = f'<p><a href="{escape(lot_url)}">Open the lot</a></p>' if lot_url else ""
    return (f"<html><body><p>Hello {escape(name)},</p><p>{escape(message)}</p>{lot}<p>— AutoGavel</p>"
            f'<p style="color:#666;font-size:small">You get this email because '
            f"“{escape(LABELS[topic])}” is on in your email choices (My account). "
            f'<a href="{escape(stop_url)}">Stop these emails</a>.</p></body></html>')
