"""`python -m ops.mailer`: deliver the email outbox over SMTP (settings SMTP_*, MAIL_FROM).

Each due message is claimed (a guarded UPDATE, so several mailers never send one at once), sent with
smtplib outside any transaction, then marked sent, or retried with exponential backoff until the last
attempt marks it failed. The embedded default runs this loop as a thread of the app process once
SMTP_HOST is set (`mail_loop`, started from ops/app_server.py).
"""

from __future__ import annotations

import argparse
import logging
import smtplib
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage

from data.background import BackgroundLoop
from data.models import EmailOutbox
from data.outbox import outbox_claim, outbox_due, outbox_mark_failed_attempt, outbox_mark_sent
from data.settings import Settings, get_settings
from data.types import utcnow
from data.uow import UnitOfWork

MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
LEASE = timedelta(minutes=5)  # a sender that dies mid-send leaves the message to be retried after this
SMTP_TIMEOUT_S = 20.0
Send = Callable[[EmailMessage], None]
log = logging.getLogger("ops.mailer")
NO_SERVER = "SMTP_HOST is not set: emails stay queued until it is (see docs/EMAIL.md)."


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: 30 s, 1 min, 2 min, ... at most an hour."""
    delay: timedelta = FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 16)
    return min(delay, LONGEST_WAIT)


def smtp_send(settings: Settings) -> Send:
    def send(message: EmailMessage) -> None:
        assert settings.smtp_host, "the mailer runs only with SMTP_HOST set"
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_S) as smtp:
            if settings.smtp_tls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(message)
    return send


def _message(row: EmailOutbox, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, row.to_address, row.subject
    message.set_content(row.body)
    if row.html:  # a notice's email: the plain text first, the HTML as its alternative
        message.add_alternative(row.html, subtype="html")
    return message


def deliver_due(send: Send, *, now: datetime | None = None, limit: int = 50) -> dict[str, int]:
    """One pass over the due messages: counts of sent and failed attempts."""
    now, counts = now or utcnow(), {"sent": 0, "failed": 0}
    with UnitOfWork(write=False) as uow:
        due = outbox_due(uow.session, now=now, limit=limit)
    for message_id in due:
        row = _claim(message_id, now)
        if row is not None:
            counts["sent" if _attempt(row, send, now) else "failed"] += 1
    return counts


def _claim(message_id: int, now: datetime) -> EmailOutbox | None:
    with UnitOfWork() as uow:
        if not outbox_claim(uow.session, message_id, now=now, lease=LEASE):
            return None
        uow.commit()
        return uow.session.get(EmailOutbox, message_id)


def _attempt(row: EmailOutbox, send: Send, now: datetime) -> bool:
    assert row.id is not None
    try:
        send(_message(row, get_settings().mail_from))
    except (OSError, smtplib.SMTPException) as error:
        attempts = row.attempts + 1
        retry_at = now + retry_delay(attempts) if attempts < MAX_ATTEMPTS else None
        log.warning("email %s attempt %s failed: %s", row.id, attempts, error)
        with UnitOfWork() as uow:
            outbox_mark_failed_attempt(uow.session, row.id, error=f"{type(error).__name__}: {error}",
                                       retry_at=retry_at)
            uow.commit()
        return False
    with UnitOfWork() as uow:
        outbox_mark_sent(uow.session, row.id, now=utcnow())
        uow.commit()
    return True


def run_forever(stop: threading.Event, *, interval: float = 2.0) -> None:
    send = smtp_send(get_settings())
    while not stop.is_set():
        try:
            deliver_due(send)
        except Exception:  # a store outage must not end the loop; the next pass tries again
            log.exception("mailer pass failed")
        stop.wait(interval)


# The app process's own mailer (the embedded default): one thread per process.
mail_loop = BackgroundLoop("mailer", run_forever)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--once", action="store_true", help="one pass over the due messages, then exit")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between passes")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = get_settings()
    if not settings.smtp_host:
        if args.once:
            raise SystemExit(NO_SERVER)
        log.warning(NO_SERVER)  # a supervised process that exited would only be restarted in a loop
        threading.Event().wait()
    if args.once:
        print(deliver_due(smtp_send(settings)))
        return
    run_forever(threading.Event(), interval=args.interval)


if __name__ == "__main__":
    main()
