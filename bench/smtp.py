"""An SMTP sink (aiosmtpd) that notes when each message arrives, and for whom."""

import socket
import threading
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self):
        self.arrivals: dict[str, float] = {}  # recipient -> time.perf_counter() at DATA
        self.count = 0
        self._arrived = threading.Condition()
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> "Sink":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    async def handle_DATA(self, server, session, envelope):
        now = time.perf_counter()
        with self._arrived:
            for rcpt in envelope.rcpt_tos:
                self.arrivals[rcpt] = now
            self.count += 1
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def reset(self) -> None:
        with self._arrived:
            self.arrivals.clear()
            self.count = 0

    def wait_for(self, count: int, timeout: float) -> None:
        with self._arrived:
            if not self._arrived.wait_for(lambda: self.count >= count, timeout):
                raise TimeoutError(f"{self.count} of {count} messages arrived within {timeout} s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
