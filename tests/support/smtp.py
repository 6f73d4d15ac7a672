"""A real SMTP server on localhost (aiosmtpd) that keeps what it receives, for the mailer tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller

from ops.ports import free_port


@dataclass
class Inbox:
    port: int
    messages: list[Message] = field(default_factory=list)
    refuse: int = 0  # answer this many messages with a temporary failure (451) first

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    def text(self, address: str) -> str:
        """The plain text of the last message to `address` (the whole body, or its text/plain part)."""
        part = next(p for p in self.to(address)[-1].walk() if p.get_content_type() == "text/plain")
        return str(part.get_payload(decode=True), "utf-8")

    def link(self, address: str) -> str:
        body = self.text(address)
        found = re.search(r"https?://\S+", body)
        assert found, body
        return found.group(0)


class _Handler:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.inbox.refuse > 0:
            self.inbox.refuse -= 1
            return "451 Try again later"
        self.inbox.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[Inbox]:
    inbox = Inbox(port=free_port())
    controller = Controller(_Handler(inbox), hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
