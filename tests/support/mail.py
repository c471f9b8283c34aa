"""A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""

import asyncio
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy

import pytest

from tests.support.services import free_port


@dataclass
class SmtpSink:
    """An SMTP server on loopback that keeps the messages it accepts.

    `replies` lets a test script the server's answer to DATA: each entry is
    used once, in order ("250 ok", "451 4.3.0 try later", "550 5.1.1 no such
    user", or "disconnect" to drop the connection unanswered); once they run
    out every message is accepted. `answered` counts the DATA commands answered,
    whatever the answer. While `hold` is set, new connections hang in the
    greeting (to kill a worker mid-send).
    """

    port: int = 0
    messages: list = field(default_factory=list)
    connections: int = 0
    answered: int = 0
    replies: list = field(default_factory=list)
    hold: threading.Event = field(default_factory=threading.Event)
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        while self.hold.is_set():
            await asyncio.sleep(0.05)
        return responses

    async def handle_DATA(self, server, session, envelope):
        with self._arrived:
            reply = self.replies.pop(0) if self.replies else "250 Message accepted for delivery"
            self.answered += 1
            if reply == "disconnect":
                server.transport.close()
                reply = "421 4.4.2 connection dropped"
            elif reply.startswith("250"):
                self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            self._arrived.notify_all()
            return reply

    def wait_for(self, count: int, timeout: float = 60) -> list:
        """Block until `count` messages have arrived; return them all.

        The timeout only bounds a hung test; it is no budget for the delivery.
        """
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.messages) >= count, timeout)
        assert len(self.messages) >= count, (
            f"expected {count} message(s) at the SMTP sink within {timeout} s, "
            f"got {len(self.messages)}"
        )
        return list(self.messages)

    def wait_for_answers(self, count: int, timeout: float = 60) -> None:
        """Block until the server has answered `count` DATA commands (accepted or not)."""
        with self._arrived:
            self._arrived.wait_for(lambda: self.answered >= count, timeout)
        assert self.answered >= count, f"the SMTP sink answered {self.answered} of {count}"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in str(m["To"])]

    def reset(self) -> None:
        """As new: no messages, connections or answers counted, no scripted replies."""
        with self._arrived:
            self.messages, self.replies = [], []
            self.connections = self.answered = 0
            self.hold.clear()


@contextmanager
def serving(sink: SmtpSink):
    """Run `sink` as an SMTP server on a free loopback port while the block runs."""
    from aiosmtpd.controller import Controller

    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    try:
        yield sink
    finally:
        sink.hold.clear()
        controller.stop()


@pytest.fixture(scope="session")
def smtp_server():
    """One SMTP server per test process, so that a worker kept for several tests
    (tests/support/workers.py) keeps its address. Tests use `smtp_sink`."""
    with serving(SmtpSink()) as sink:
        yield sink


@pytest.fixture
def smtp_sink(smtp_server):
    """The SMTP sink, emptied for this test."""
    smtp_server.reset()
    yield smtp_server
    smtp_server.reset()
