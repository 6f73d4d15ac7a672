"""Each user reads times in their own zone: chosen in the profile, applied to every page's times."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from domain.accounts import users as accounts
from domain.errors import ValidationFailed
from tests.app.conftest import page_as, texts
from tests.support.factories import live_lot, make_user


def as_in(moment: datetime, zone: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    return f"Closes {local:%d %b %Y, %H:%M} {local.tzname()}"


def test_one_closing_time_reads_in_each_viewers_zone() -> None:
    lot = live_lot()
    in_kolkata = make_user(email="kolkata@example.com")
    in_london = make_user(email="london@example.com")
    account = page_as(in_london, "pages/account.py")
    account.selectbox(key="profile_tz").select("Europe/London")
    account.button[1].click()  # "Save profile" (after the sign-out button)
    account.run()
    assert "Profile saved." in texts(account)

    kolkata = texts(page_as(in_kolkata, "pages/auction.py", id=lot.auction_id))
    london = texts(page_as(in_london, "pages/auction.py", id=lot.auction_id))
    assert as_in(lot.ends_at, "Asia/Kolkata") in kolkata and "IST" in as_in(lot.ends_at, "Asia/Kolkata")
    assert as_in(lot.ends_at, "Europe/London") in london
    assert as_in(lot.ends_at, "Europe/London") not in kolkata
    assert as_in(lot.ends_at, "Asia/Kolkata") not in london


def test_an_unknown_zone_is_refused_and_nothing_changes() -> None:
    user = make_user()
    with pytest.raises(ValidationFailed, match="not a known time zone"):
        accounts.profile_update(user, name="Other Name", phone=None, city=None, timezone="Mars/Base")
    assert accounts.profile_of(user)["name"] == "Test User"
