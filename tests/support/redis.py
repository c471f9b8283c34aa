"""Private Redis servers, for tests that stop the broker or the cache (the machine's
shared Redis must never be stopped)."""

import os
import shutil
import subprocess

import pytest

from tests.support.services import free_port, wait_for_port
from tests.support.workers import celery_conf


class RedisServer:
    """A redis-server of the test's own on a free port, keeping nothing on disk
    (the machine's shared Redis must never be stopped)."""

    def __init__(self):
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> "RedisServer":
        """Up, on the same port as before if it was stopped."""
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        """Down, as a crashed or unreachable Redis: connections are refused."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


@pytest.fixture
def redis_server():
    """A private Redis, started; the test may stop and start it."""
    if not shutil.which("redis-server"):
        reason = "needs redis-server: apt-get install redis-server"
        pytest.fail(reason) if os.environ.get("CI") else pytest.skip(reason)
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def broker(redis_server):
    """This process queues its tasks on a private Redis, which the test may stop.
    (A worker started for the test needs CELERY_BROKER_URL=broker.url() too.)"""
    from shop.celery import app

    def use(url: str) -> None:
        celery_conf(broker_url=url)
        # The app keeps its connection pools: drop them, as after a fork.
        app._pool = None
        app.amqp._producer_pool = None

    previous = app.conf.broker_url
    use(redis_server.url())
    yield redis_server
    use(previous)
