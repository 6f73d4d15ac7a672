"""Fees on the pages: admins see and set the schedules, a dealer sees their fee and the premium, a lot
shows the premium at its price and, once sold, the sale's fees; an auction names its premium."""

from __future__ import annotations

import uuid
from decimal import Decimal as D

from domain.bidding import service
from domain.bidding.fee_schedule import fee_history, premium_schedule_set, seller_fee_set
from domain.bidding.fees import FeeBand
from domain.types import FeeKind
from tests.app.conftest import page_as, texts
from tests.support.factories import live_lot, make_admin, make_dealer, make_user

TIERS = [FeeBand(D(0), percent=D(10), minimum=D(2000)), FeeBand(D(500_000), percent=D(4), maximum=D(30_000))]


def test_an_admin_sees_the_schedule_in_force_and_saves_a_new_version() -> None:
    admin = make_admin()
    first = premium_schedule_set(admin, TIERS, note="launch")
    at = page_as(admin, "pages/admin_fees.py")
    assert not at.exception
    shown = texts(at)
    assert f"In force now (version {first.version})" in shown and "Platform default: 0 %" in shown
    at.text_input(key="premium_note").input("same bands, new note")
    at.button(key="premium_save").click().run()
    assert not at.exception and "Saved: a new version is in force from now." in texts(at)
    history = fee_history(admin, FeeKind.BUYER_PREMIUM)
    assert [v.note for v in history] == ["same bands, new note", "launch"]
    assert history[0].schedule is not None and history[0].schedule.bands == tuple(TIERS)
    assert f"In force now (version {history[0].version})" in texts(at)  # the page shows the new one


def test_an_admin_puts_a_dealer_back_on_the_default() -> None:
    admin, dealer = make_admin(), make_dealer()
    seller_fee_set(admin, [FeeBand(D(0), flat=D(3500))], dealer_id=dealer.dealer_id)
    at = page_as(admin, "pages/admin_fees.py")
    assert "Pays **₹3,500** (their own fee)" in texts(at)
    at.button(key="fee_default").click().run()
    assert not at.exception and "(the platform default)" in texts(at)


def test_a_dealer_sees_their_seller_fee_and_the_premium() -> None:
    admin, dealer = make_admin(), make_dealer()
    seller_fee_set(admin, [FeeBand(D(0), flat=D(2000)), FeeBand(D(300_000), flat=D(4000))],
                   dealer_id=dealer.dealer_id)
    premium_schedule_set(admin, TIERS)
    at = page_as(dealer, "pages/dealer_store.py")
    assert not at.exception
    assert "your seller fee: from ₹0: ₹2,000; from ₹3,00,000: ₹4,000" in texts(at)
    assert at.expander[0].label.startswith("The buyer's premium")


def test_the_lot_shows_the_premium_at_its_price_and_the_sale_its_fees() -> None:
    admin, dealer = make_admin(), make_dealer()
    premium_schedule_set(admin, TIERS)
    seller_fee_set(admin, [FeeBand(D(0), flat=D(3000))])
    lot = live_lot(dealer, buy_now=D(600_000))
    at = page_as(make_user(), "pages/lot.py", id=lot.id)
    assert not at.exception and "buyer's premium at ₹3,00,000: ₹30,000" in texts(at)
    buyer = make_user()
    service.lot_buy_now(buyer, lot_id=lot.id or 0, key=uuid.uuid4().hex)
    theirs = texts(page_as(buyer, "pages/lot.py", id=lot.id))
    assert "₹6,00,000 + buyer's premium ₹24,000" in theirs and "₹6,24,000" in theirs
    assert "Seller fee" not in theirs  # the buyer is not shown the dealer's fee
    store_side = texts(page_as(dealer, "pages/lot.py", id=lot.id))
    assert "Seller fee ₹3,000" in store_side and "₹5,97,000" in store_side


def test_the_auction_page_names_the_platform_premium() -> None:
    premium_schedule_set(make_admin(), [FeeBand(D(0), percent=D(5), minimum=D(2000), maximum=D(25_000))])
    lot = live_lot()
    at = page_as(make_user(), "pages/auction.py", id=lot.auction_id)
    assert not at.exception and "buyer's premium 5 % (min ₹2,000, max ₹25,000)" in texts(at)
