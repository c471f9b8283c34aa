"""Small helpers for tests that run real services: free ports, and waiting for an outcome."""

import socket
import time


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    """Until something answers on the port (a server this test started)."""
    wait_until(lambda: answers(port), timeout, f"nothing answered on port {port}")


def answers(port: int) -> bool:
    """Something listens on the port (on loopback a refusal comes at once)."""
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close()
    except OSError:
        return False
    return True


def wait_until(condition, timeout: float = 60, what: str = "the condition"):
    """Poll `condition` until it returns something true; return that.

    The timeout only bounds a test that would otherwise hang: it is no budget the
    outcome must meet, so it is generous for a machine under load.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {timeout} s")
        time.sleep(0.05)
