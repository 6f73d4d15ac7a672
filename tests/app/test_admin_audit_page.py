"""The audit log page: an admin filters the log, sees a change before and after, opens the record,
exports the rows; anyone else is turned away."""

from __future__ import annotations

from domain.oversight.admin import user_set_status
from domain.types import UserStatus
from tests.app.conftest import page_as, texts
from tests.support.factories import make_admin, make_car, make_dealer, make_user


def test_admin_filters_and_sees_before_and_after_side_by_side() -> None:
    admin, target = make_admin(), make_user(email="target@example.com")
    user_set_status(admin, target.id, status=UserStatus.SUSPENDED, reason="Spam bids")
    at = page_as(admin, "pages/admin_audit.py")
    at.text_input(key="audit_action").input("user_suspended")
    at.run()
    assert not at.exception
    assert len(at.expander) == 1 and "user_suspended · users" in at.expander[0].label
    shown = [j.value for j in at.json]
    assert any('"active"' in s for s in shown) and any('"Spam bids"' in s for s in shown)
    at.text_input(key="audit_actor").input("nobody@example.com")
    at.run()
    assert "No audit entry matches these filters." in texts(at)


def test_entity_query_narrows_to_one_record_and_the_export_is_offered() -> None:
    dealer = make_dealer()
    car = make_car(dealer)
    at = page_as(make_admin(), "pages/admin_audit.py", entity="cars", entity_id=car.id)
    assert not at.exception and f"Showing only cars #{car.id}." in texts(at)
    assert all(f"cars {car.id}" in e.label for e in at.expander) and len(at.expander) >= 1
    at.button(key="audit_prepare").click()
    at.run()
    assert not at.exception and at.get("download_button")


def test_a_bidder_cannot_open_the_audit_log() -> None:
    at = page_as(make_user(), "pages/admin_audit.py")
    assert "does not have access" in texts(at) and not at.expander
