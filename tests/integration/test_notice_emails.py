"""Notices by email on both stores: a notice's email is queued in the notice's own transaction only for
a user who chose that kind and verified their address; outbid emails are coalesced per lot until the
user bids again; the unsubscribe link turns its topic off without signing in, and is refused when
forged or expired; and the mailer delivers an outbid email through a real SMTP server."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import event, update
from sqlmodel import col, select

from data.db import get_engine
from data.models import Bid, EmailOutbox, Lot, Notification, User
from data.settings import get_settings
from data.types import utcnow
from data.uow import UnitOfWork
from domain.accounts.email_preferences import (
    Topic,
    email_preferences_of,
    email_preferences_update,
    email_unsubscribe,
)
from domain.auctions import watchlist
from domain.bidding import hooks, service
from domain.bidding.retraction import bid_void
from domain.bidding.settlement import lot_decide, settle_lot
from domain.errors import EmailNotVerified, ValidationFailed
from domain.permissions import Actor
from ops import mailer
from tests.support.factories import live_lot, lot_now, make_admin, make_dealer, make_user
from tests.support.limits import tight_limits
from tests.support.smtp import Inbox


def bid(actor: Actor, lot_id: int | None, amount: int) -> service.BidReceipt:
    return service.bid_place(actor, lot_id=lot_id or 0, maximum=amount, key=uuid.uuid4().hex)


def emails(to: Actor, kind: str = "outbid") -> list[EmailOutbox]:
    with UnitOfWork(write=False) as uow:
        query = (select(EmailOutbox).where(EmailOutbox.kind == kind, EmailOutbox.to_address == to.email)
                 .order_by(col(EmailOutbox.id)))
        return list(uow.session.exec(query).all())


def notices(to: Actor, kind: str = "outbid") -> int:
    with UnitOfWork(write=False) as uow:
        query = select(Notification).where(Notification.kind == kind, Notification.user_id == to.id)
        return len(uow.session.exec(query).all())


def links(text: str) -> dict[str, str]:
    """The links of an email's plain text, by page: {"/lot": url, "/unsubscribe": url}."""
    return {urlparse(word).path: word for word in text.split() if word.startswith("http")}


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlparse(url).query).items()}


def opted_in(*topics: Topic) -> Actor:
    actor = make_user()
    email_preferences_update(actor, dict.fromkeys(topics, True))
    return actor


def test_outbid_email_only_for_those_who_chose_it(store: str) -> None:
    lot = live_lot()
    quiet, keen, last = make_user(), opted_in(Topic.OUTBID), make_user()
    bid(quiet, lot.id, 310_000)
    bid(keen, lot.id, 320_000)  # outbids quiet: in-app only
    assert notices(quiet) == 1 and emails(quiet) == []
    bid(last, lot.id, 340_000)  # outbids keen: in-app and one email
    assert notices(keen) == 1
    [mail] = emails(keen)
    assert mail.user_id == keen.id and mail.lot_id == lot.id and mail.status == "pending"
    assert "You were outbid on the" in mail.body and "(lot 1, Pune weekend sale)" in mail.subject
    assert links(mail.body)["/lot"] == f"{get_settings().app_base_url}/lot?id={lot.id}"
    assert mail.html is not None and f'href="{get_settings().app_base_url}/lot?id={lot.id}"' in mail.html


def test_a_rolled_back_bid_sends_no_email(store: str) -> None:
    lot = live_lot()
    keen, rival = opted_in(Topic.OUTBID), make_user()
    bid(keen, lot.id, 310_000)

    def store_fails(_lot_id: int) -> None:
        raise RuntimeError("the store failed before commit")

    hooks.set_inside_bid(store_fails)
    try:
        with pytest.raises(RuntimeError):
            bid(rival, lot.id, 350_000)
    finally:
        hooks.set_inside_bid(None)
    assert emails(keen) == [] and notices(keen) == 0
    bid(rival, lot.id, 350_000)
    assert len(emails(keen)) == 1


def test_a_rolled_back_acceptance_sends_no_won_email(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    dealer = make_dealer()
    lot = live_lot(dealer, closes_in=timedelta(minutes=30))
    buyer = make_user()
    bid(buyer, lot.id, 310_000)
    later = utcnow() + timedelta(hours=1)
    settle_lot(lot.id or 0, now=later)  # below the reserve: the dealer decides

    def audit_fails(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the store failed mid-request")

    with monkeypatch.context() as patched:
        patched.setattr(UnitOfWork, "audit", audit_fails)
        with pytest.raises(RuntimeError):
            lot_decide(dealer, lot.id or 0, accept=True, now=later)
    assert emails(buyer, "won") == [] and notices(buyer, "won") == 0
    lot_decide(dealer, lot.id or 0, accept=True, now=later)
    assert len(emails(buyer, "won")) == 1  # won is emailed unless turned off


def test_a_bidding_war_sends_one_outbid_email_per_lot_until_the_user_bids_again(store: str) -> None:
    lot, other_lot = live_lot(), live_lot()
    keen, rival = opted_in(Topic.OUTBID), make_user()
    bid(keen, lot.id, 310_000)
    for amount in (320_000, 330_000, 340_000):  # keen is outbid, then the rival raises their own bid
        bid(rival, lot.id, amount)
    assert notices(keen) == 1 and len(emails(keen)) == 1
    bid(keen, other_lot.id, 310_000)
    bid(rival, other_lot.id, 320_000)  # another lot is another email
    assert len(emails(keen)) == 2
    bid(keen, lot.id, 400_000)  # back in the war on the first lot ...
    bid(rival, lot.id, 450_000)  # ... so the next outbid there is emailed again
    assert [mail.lot_id for mail in emails(keen)] == [lot.id, other_lot.id, lot.id]


def test_outbid_again_without_bidding_again_is_not_emailed_again(store: str) -> None:
    """A void puts keen back in the lead without a bid of theirs: the next outbid is a notice, and no
    second email (the first still stands until they bid again)."""
    lot = live_lot()
    keen = opted_in(Topic.OUTBID)
    bid(keen, lot.id, 310_000)
    wrong = bid(make_user(), lot.id, 320_000)
    bid_void(make_admin(), wrong.bid_id, reason="Shill bidding suspected")
    assert lot_now(lot.id).leader_id == keen.id
    bid(make_user(), lot.id, 330_000)
    assert notices(keen) == 2 and len(emails(keen)) == 1


def test_a_batch_that_outbids_several_asks_about_their_emails_once(store: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Bids queued behind a held batch are placed together: each displaced bidder gets their notice and
    email, and the batch asks about emails in one statement while it holds the lot's lock (on
    PostgreSQL that statement is the batch's write itself)."""
    tight_limits(monkeypatch, redis=True, bids_per_user_per_minute=100)
    lot = live_lot()
    first, second, third, last = (opted_in(Topic.OUTBID) for _ in range(4))
    behind = [(second, 320_000), (third, 330_000), (last, 340_000)]
    questions = in_one_batch_behind((first, 310_000), lot.id, behind)
    assert questions == 1
    for outbid in (first, second, third):
        assert notices(outbid) == 1 and len(emails(outbid)) == 1
    assert notices(last) == 0 and emails(last) == []


def test_bidding_again_inside_a_batch_that_outbids_you_brings_the_email_back(
        store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """keen was emailed once about the lot; they bid again, and a later bid of the same batch outbids
    them: emailed again. (On PostgreSQL the batch's write decides the emails, and its snapshot cannot see
    the bids it writes: keen's new bid must still count as newer than the first email.)"""
    tight_limits(monkeypatch, redis=True, bids_per_user_per_minute=100)
    lot = live_lot()
    keen, rival = opted_in(Topic.OUTBID), make_user()
    bid(keen, lot.id, 310_000)
    bid(rival, lot.id, 320_000)
    assert len(emails(keen)) == 1
    in_one_batch_behind((make_user(), 350_000), lot.id, [(keen, 400_000), (rival, 450_000)])
    assert notices(keen) == 2 and len(emails(keen)) == 2


def in_one_batch_behind(holder: tuple[Actor, int], lot_id: int | None, bids: list[tuple[Actor, int]]) -> int:
    """`holder` places a leading bid (actor, amount) and their batch is held while `bids` queue behind
    it, in order; then `bids` are placed as one batch. Each must be leading when placed. Answers how many
    statements the second batch sent that ask about email preferences. (The bid limit counts in Redis:
    counted in an SQLite store, each count would wait for the held batch.)"""
    held, batches, questions = threading.Event(), [], []

    def hold_the_first_batch(_lot_id: int) -> None:
        batches.append(_lot_id)
        if len(batches) == 1:
            held.wait(30)

    def count_questions(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "email_preferences" in statement:
            questions.append(statement)

    hooks.set_inside_bid(hold_the_first_batch)
    event.listen(get_engine(), "after_cursor_execute", count_questions)
    try:
        with ThreadPoolExecutor(len(bids) + 1) as pool:
            placed = [pool.submit(bid, holder[0], lot_id, holder[1])]
            while not batches:
                time.sleep(0.01)
            for actor, amount in bids:
                placed.append(pool.submit(bid, actor, lot_id, amount))
                time.sleep(0.2)  # queued in this order behind the held batch
            questions.clear()  # the held batch's own
            held.set()
            assert [future.result(30).leading for future in placed] == [True] * len(placed)
    finally:
        hooks.set_inside_bid(None)
        event.remove(get_engine(), "after_cursor_execute", count_questions)
    assert len(batches) == 2
    return len(questions)


def test_won_is_emailed_by_default_and_other_topics_when_chosen(store: str) -> None:
    dealer = make_dealer()
    sold = live_lot(dealer, reserve=None, closes_in=timedelta(minutes=30))
    declined = live_lot(dealer, closes_in=timedelta(minutes=30))
    winner, watcher, hopeful = make_user(), opted_in(Topic.ENDING_SOON), opted_in(Topic.OFFER_DECLINED)
    watchlist.watch(watcher, sold.id or 0)
    watchlist.remind_ending_soon()
    assert len(emails(watcher, "ending_soon")) == 1
    bid(winner, sold.id, 310_000)
    bid(hopeful, declined.id, 310_000)
    later = utcnow() + timedelta(hours=1)
    settle_lot(sold.id or 0, now=later)
    settle_lot(declined.id or 0, now=later)
    [won] = emails(winner, "won")
    assert "You won the" in won.body and links(won.body)["/lot"].endswith(f"/lot?id={sold.id}")
    assert emails(hopeful, "reserve_not_met") == []  # not an email topic
    lot_decide(dealer, declined.id or 0, accept=False, now=later)
    [answer] = emails(hopeful, "offer_declined")
    assert "The dealer declined your bid" in answer.body


def test_unverified_addresses_get_notices_in_the_app_only(store: str) -> None:
    lot = live_lot(reserve=None, closes_in=timedelta(minutes=30))
    winner = make_user()
    with UnitOfWork() as uow:
        uow.session.execute(update(User).where(col(User.id) == winner.id).values(email_verified_at=None))
        uow.commit()
    with pytest.raises(EmailNotVerified):
        email_preferences_update(winner, {"outbid": True})
    preferences = email_preferences_of(winner)
    assert not preferences.verified and preferences.reason and not preferences.topics[Topic.OUTBID]
    bid(winner, lot.id, 310_000)
    settle_lot(lot.id or 0, now=utcnow() + timedelta(hours=1))
    assert notices(winner, "won") == 1 and emails(winner, "won") == []


def test_preferences_default_and_refuse_bad_input_without_change(store: str) -> None:
    actor = make_user()
    assert email_preferences_of(actor).topics == {Topic.OUTBID: False, Topic.WON: True,
                                                  Topic.ENDING_SOON: False, Topic.OFFER_DECLINED: False}
    for bad in ({"outbid": True, "sms": True}, {"outbid": "yes"}):
        with pytest.raises(ValidationFailed):
            email_preferences_update(actor, bad)
    assert not email_preferences_of(actor).topics[Topic.OUTBID]
    after = email_preferences_update(actor, {"won": False, "outbid": True})
    assert after.topics[Topic.OUTBID] and not after.topics[Topic.WON]
    assert email_preferences_update(actor, {"outbid": False}).topics[Topic.OUTBID] is False


def test_the_unsubscribe_link_turns_its_topic_off_and_is_refused_forged_or_expired(store: str) -> None:
    lot = live_lot()
    keen, rival = opted_in(Topic.OUTBID, Topic.ENDING_SOON), make_user()
    bid(keen, lot.id, 310_000)
    bid(rival, lot.id, 320_000)
    link = query_of(links(emails(keen)[0].body)["/unsubscribe"])
    assert link["topic"] == "outbid"
    forged = [("outbid", link["token"][:-3] + "abc"), ("ending_soon", link["token"]), ("sms", link["token"])]
    for topic, token in forged:
        with pytest.raises(ValidationFailed):
            email_unsubscribe(topic, token)
    with pytest.raises(ValidationFailed, match="expired"):
        email_unsubscribe("outbid", link["token"], now=utcnow() + timedelta(days=31))
    assert email_preferences_of(keen).topics[Topic.OUTBID]
    assert "no more emails" in email_unsubscribe(link["topic"], link["token"])
    assert email_unsubscribe(link["topic"], link["token"])  # again: harmless
    topics = email_preferences_of(keen).topics
    assert not topics[Topic.OUTBID] and topics[Topic.ENDING_SOON]
    bid(keen, lot.id, 400_000)
    bid(rival, lot.id, 450_000)
    assert len(emails(keen)) == 1 and notices(keen) == 2


def test_the_mailer_delivers_an_outbid_email_whose_links_work(store: str, inbox: Inbox) -> None:
    lot = live_lot()
    keen, rival = opted_in(Topic.OUTBID), make_user()
    bid(keen, lot.id, 310_000)
    bid(rival, lot.id, 320_000)
    assert mailer.deliver_due(mailer.smtp_send(get_settings()))["sent"] >= 1
    [message] = [m for m in inbox.to(keen.email) if "outbid" in m["Subject"]]
    assert message.is_multipart() and "(lot 1, Pune weekend sale)" in " ".join(message["Subject"].split())
    assert {part.get_content_type() for part in message.walk()} >= {"text/plain", "text/html"}
    found = links(inbox.text(keen.email))  # the last message to them (after their verification link)
    with UnitOfWork(write=False) as uow:  # the lot link opens the lot the rival now leads
        lot_seen = uow.session.get(Lot, int(query_of(found["/lot"])["id"]))
        assert lot_seen is not None and lot_seen.leader_id == rival.id
        assert uow.session.exec(select(Bid).where(Bid.lot_id == lot_seen.id)).all()
    stop = query_of(found["/unsubscribe"])
    email_unsubscribe(stop["topic"], stop["token"])
    assert not email_preferences_of(keen).topics[Topic.OUTBID]
