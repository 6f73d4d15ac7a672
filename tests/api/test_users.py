"""Users: an admin lists and manages accounts; a user reaches only their own (others' ids are 404)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.support import API, auth, body, error_fields
from tests.support.factories import PASSWORD, make_admin, make_user


def test_admin_lists_users_with_pagination(client: TestClient) -> None:
    boss = make_admin()
    for _ in range(3):
        make_user()
    response = client.get(f"{API}/users?limit=2&page=1", headers=auth(client, boss))
    assert len(body(response, 200)) == 2
    assert response.json()["pagination"] == {"page": 1, "limit": 2, "total": 4, "pages": 2}
    body(client.get(f"{API}/users?limit=101", headers=auth(client, boss)), 422)


def test_a_bidder_cannot_list_users(client: TestClient) -> None:
    body(client.get(f"{API}/users", headers=auth(client, make_user())), 403)


def test_a_user_sees_themselves_and_never_another(client: TestClient) -> None:
    alice, bob = make_user(), make_user()
    headers = auth(client, alice)
    assert body(client.get(f"{API}/users/{alice.id}", headers=headers), 200)["email"] == alice.email
    assert body(client.get(f"{API}/users/{alice.id}/profile", headers=headers), 200)["id"] == alice.id
    for path in (f"/users/{bob.id}", f"/users/{bob.id}/profile", "/users/999999"):
        body(client.get(f"{API}{path}", headers=headers), 404)
    body(client.put(f"{API}/users/{bob.id}/profile", headers=headers,
                    json={"name": "Evil Eve", "timezone": "UTC"}), 404)
    body(client.get(f"{API}/users/{bob.id}"), 401)


def test_profile_update_own_and_by_admin(client: TestClient) -> None:
    alice, boss = make_user(), make_admin()
    saved = body(client.put(f"{API}/users/{alice.id}/profile", headers=auth(client, alice),
                            json={"name": "Alice Iyer", "city": "Pune", "timezone": "Asia/Kolkata"}), 200)
    assert saved["name"] == "Alice Iyer" and saved["city"] == "Pune"
    by_admin = body(client.put(f"{API}/users/{alice.id}/profile", headers=auth(client, boss),
                               json={"name": "Alice Rao", "timezone": "UTC"}), 200)
    assert by_admin["name"] == "Alice Rao"
    bad = client.put(f"{API}/users/{alice.id}/profile", headers=auth(client, alice),
                     json={"name": "4lice", "timezone": "Mars/Base"})
    body(bad, 422)
    assert error_fields(bad) == {"name", "timezone"}


def test_admin_sets_roles_and_status(client: TestClient) -> None:
    alice, boss = make_user(), make_admin()
    headers = auth(client, boss)
    roles = body(client.put(f"{API}/users/{alice.id}", headers=headers,
                            json={"roles": ["bidder", "analyst"]}), 200)["roles"]
    assert roles == ["analyst", "bidder"]
    body(client.put(f"{API}/users/{alice.id}", headers=headers,
                    json={"status": "suspended", "reason": "Chargebacks"}), 200)
    body(client.put(f"{API}/users/{alice.id}", headers=headers,
                    json={"status": "suspended", "reason": "Again"}), 409)
    body(client.put(f"{API}/users/{alice.id}", headers=auth(client, make_user()),
                    json={"roles": ["admin"]}), 404)


def test_a_bidder_cannot_grant_themselves_admin(client: TestClient) -> None:
    alice = make_user()
    body(client.put(f"{API}/users/{alice.id}", headers=auth(client, alice), json={"roles": ["admin"]}), 403)


def test_password_change_needs_the_current_password(client: TestClient) -> None:
    alice = make_user()
    headers = auth(client, alice)
    wrong = client.put(f"{API}/users/{alice.id}", headers=headers,
                       json={"current_password": "Not-the-one-1", "new_password": "Brand-New-Pass-9"})
    body(wrong, 422)
    assert error_fields(wrong) == {"current_password"}
    body(client.put(f"{API}/users/{alice.id}", headers=headers,
                    json={"current_password": PASSWORD, "new_password": "Brand-New-Pass-9"}), 200)
    body(client.post(f"{API}/auth/login", json={"email": alice.email, "password": "Brand-New-Pass-9"}), 200)


def test_delete_own_account_only(client: TestClient) -> None:
    alice, boss = make_user(), make_admin()
    body(client.request("DELETE", f"{API}/users/{alice.id}", headers=auth(client, boss),
                        json={"password": PASSWORD}), 409)
    headers = auth(client, alice)
    body(client.request("DELETE", f"{API}/users/{alice.id}", headers=headers, json={"password": "x"}), 422)
    body(client.request("DELETE", f"{API}/users/{alice.id}", headers=headers,
                        json={"password": PASSWORD}), 200)
    body(client.get(f"{API}/users/{alice.id}", headers=headers), 401)
