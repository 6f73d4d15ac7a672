"""The demo's sign-in accounts. Their passwords derive from this deployment's COOKIE_KEY, so they
differ per installation, need no file, and every app process can show them on the login page."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from data.settings import get_settings
from domain.types import Role


@dataclass(frozen=True)
class DemoAccount:
    role: Role
    email: str
    name: str
    roles: frozenset[Role]

    @property
    def password(self) -> str:
        key = (get_settings().cookie_key or "").encode()
        digest = hmac.new(key, self.email.encode(), hashlib.sha256).digest()
        return "Demo-" + base64.b32encode(digest).decode()[:10].lower() + "-7"


DEMO_ACCOUNTS = (
    DemoAccount(Role.BIDDER, "bidder@demo.autogavel.in", "Priya Sharma", frozenset({Role.BIDDER})),
    DemoAccount(Role.DEALER, "dealer@demo.autogavel.in", "Rohan Mehta",
                frozenset({Role.BIDDER, Role.DEALER})),
    DemoAccount(Role.ADMIN, "admin@demo.autogavel.in", "Anita Iyer",
                frozenset({Role.BIDDER, Role.ADMIN})),
    DemoAccount(Role.ANALYST, "analyst@demo.autogavel.in", "Vikram Rao", frozenset({Role.ANALYST})),
)
