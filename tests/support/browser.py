"""Debian's Chromium, launched the one way this machine allows (never `playwright install`).

Playwright's sync API runs its own event loop for as long as a `sync_playwright()` block is open, and
a second block opened in the same process while the first is open fails ("Sync API inside the asyncio
loop"). So the suite opens exactly one, in the session-scoped `browser` fixture (tests/conftest.py),
and every test that needs a browser takes a context from it.
"""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
