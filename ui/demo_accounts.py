"""The demo's accounts for the sign-in page, which reaches the demo (a floor above the domain) only
through here."""

from __future__ import annotations

from data.settings import get_settings


def demo_sign_ins() -> list[dict[str, str]]:
    """The demo's accounts as the sign-in page lists them, or none outside demo mode: whether they are
    shown is this installation's setting, not the page's choice."""
    if not get_settings().demo_mode:
        return []
    from demo.accounts import DEMO_ACCOUNTS  # demo-only: read only when the page asks

    return [{"Role": a.role.value, "Email": a.email, "Password": a.password} for a in DEMO_ACCOUNTS]
