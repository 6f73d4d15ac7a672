"""Files prepared for one signed-in user, fetched once from the app's own route, streamed from disk.

A report can run to hundreds of megabytes: handed to Streamlit's download button it would sit in the
server's memory until the session ends. Instead the page offers a link with a ticket: signed, valid for
ten minutes, naming the user and the file. The route (ui/http.py) serves the file only to a request whose
session cookie belongs to that same user, streams it from disk and then deletes it. Files live under the
data folder, so any app process on the host can serve them; unclaimed ones are swept after the ticket
has expired.
"""

from __future__ import annotations

import re
import secrets
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from data.settings import get_settings
from data.types import utcnow
from domain.accounts import auth
from domain.accounts.security import issue_token, read_token
from domain.errors import Forbidden, NotFound
from domain.permissions import Actor

PURPOSE = "download"
TICKET_TTL = timedelta(minutes=10)
_FILE_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True)
class Download:
    path: Path
    file_name: str


def download_offer(actor: Actor, prepared: Path, file_name: str, *, now: datetime | None = None) -> str:
    """Keep `prepared` (moved, not copied) for `actor` to fetch; the ticket for the route's link."""
    now = now or utcnow()
    _sweep(now)
    file_id = secrets.token_urlsafe(18)
    folder = _folder() / file_id
    folder.mkdir(parents=True)
    shutil.move(prepared, folder / Path(file_name).name)
    return issue_token(user_id=actor.id, session_id=file_id, now=now, ttl=TICKET_TTL, purpose=PURPOSE)


def download_claim(ticket: str, session_token: str, *, now: datetime | None = None) -> Download:
    """The file behind a ticket, for the ticket's own user only (their session must still be open)."""
    claims = read_token(ticket, purpose=PURPOSE, now=now)
    actor = auth.session_resolve(session_token, now=now)
    if actor.id != claims.user_id:
        raise Forbidden("This download was prepared for someone else.")
    folder = _folder() / claims.session_id
    files = list(folder.iterdir()) if _FILE_ID.fullmatch(claims.session_id) and folder.is_dir() else []
    if not files:
        raise NotFound("This download has already been fetched: prepare the report again.")
    return Download(files[0], files[0].name)


def download_done(download: Download) -> None:
    """Fetched: the file goes, so a ticket works once and the disk does not fill up."""
    shutil.rmtree(download.path.parent, ignore_errors=True)


def _folder() -> Path:
    return get_settings().data_dir / "downloads"


def _sweep(now: datetime) -> None:
    """Remove files whose ticket has expired without being used."""
    root = _folder()
    if not root.is_dir():
        return
    cutoff = (now - TICKET_TTL).timestamp()
    for folder in root.iterdir():
        if folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
