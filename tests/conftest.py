"""Shared test fixtures: the real parts (PostgreSQL, Redis, a Celery worker
process, an SMTP sink, Chromium) and the markers that say a test needs them.

A test marked `postgres`, `redis`, `chromium`, `pagechecks` or `purgecss` skips
with the reason when that part is missing, and fails instead when the CI
variable is set.
"""

import os
import queue
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("REDIS_URL", "")
CHROMIUM = "/usr/bin/chromium"
# Tasks queued by this test run go to a queue of its own, so runs sharing a
# Redis never take each other's messages.
TEST_QUEUE = f"test-{uuid.uuid4().hex[:12]}"


def pytest_configure(config):
    from shop.celery import app

    app.conf.task_default_queue = TEST_QUEUE


def _missing_part(item) -> str | None:
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://... (make test does if it answers)"
    if item.get_closest_marker("redis") and not _redis_answers():
        return "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0 (make test does if it answers)"
    if item.get_closest_marker("chromium") and not Path(CHROMIUM).exists():
        return f"needs Chromium at {CHROMIUM}: apt-get install chromium"
    if item.get_closest_marker("pagechecks"):
        from tests.pagechecks import missing

        return missing()
    if item.get_closest_marker("purgecss"):
        from shop.storefront_css import PURGECSS

        if not PURGECSS.exists():
            return "needs PurgeCSS from npm: npm ci (make test runs it)"
    return None


def pytest_runtest_setup(item):
    reason = _missing_part(item)
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run every test, but this one {reason}", pytrace=False)
        pytest.skip(reason)


def _redis_answers() -> bool:
    if not REDIS_URL:
        return False
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing answered on port {port} within {timeout} s")


# --- SMTP sink ----------------------------------------------------------------


@dataclass
class SmtpSink:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives.

    `replies` lets a test script the server's answer to DATA: each entry is
    used once, in order ("250 ok", "451 4.3.0 try later", "550 5.1.1 no such
    user", or "disconnect" to drop the connection unanswered); once they run
    out every message is accepted.
    """

    port: int = 0
    messages: list = field(default_factory=list)
    connections: int = 0
    replies: list = field(default_factory=list)
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        with self._arrived:
            reply = self.replies.pop(0) if self.replies else "250 Message accepted for delivery"
            if reply == "disconnect":
                server.transport.close()
                return "421 4.4.2 connection dropped"
            if reply.startswith("250"):
                self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
                self._arrived.notify_all()
            return reply

    def wait_for(self, count: int, timeout: float = 30) -> list:
        """Block until `count` messages have arrived; return them all."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.messages) >= count, timeout)
        assert len(self.messages) >= count, (
            f"expected {count} message(s) at the SMTP sink within {timeout} s, "
            f"got {len(self.messages)}"
        )
        return list(self.messages)

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in str(m["To"])]


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
        controller.stop()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """No test sees pages or counters cached by another."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture
def no_page_cache(settings):
    """For tests of what a view renders (its queries, its fragment caches): every
    request reaches the view. The page cache in front has tests of its own."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def smtp_sink():
    with serving(SmtpSink()) as sink:
        yield sink


# --- Celery worker process ------------------------------------------------------


def database_url() -> str:
    """The URL of the database the tests use (the test database, once created)."""
    s = connection.settings_dict
    assert s["ENGINE"] == "django.db.backends.postgresql", "a worker process needs PostgreSQL"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class WorkerProcess:
    """`celery -A shop worker` as a subprocess, on real Redis and the test database."""

    def __init__(self, env: dict, concurrency: int = 1, pool: str = "prefork"):
        self.env = env
        self.args = [
            sys.executable, "-m", "celery", "-A", "shop", "worker",
            "--pool", pool, "--concurrency", str(concurrency),
            "--queues", env["CELERY_TASK_DEFAULT_QUEUE"],
            "--hostname", f"test-{uuid.uuid4().hex[:6]}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--include", "tests.celery_probe",
            "--loglevel", "INFO",
        ]  # fmt: skip
        self.lines: queue.Queue = queue.Queue()
        self.log: list[str] = []
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> "WorkerProcess":
        self.proc = subprocess.Popen(
            self.args, cwd=ROOT, env=self.env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for_line("ready", timeout)
        return self

    def _read(self):
        for line in self.proc.stdout:
            self.log.append(line)
            self.lines.put(line)

    def wait_for_line(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            if text in line:
                return line
        raise AssertionError(f"worker never logged {text!r}; its log:\n{''.join(self.log)}")

    def pool_children(self) -> list[int]:
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True
        )
        return [int(pid) for pid in out.stdout.split()]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def celery_worker_factory(transactional_db, smtp_sink):
    """Start real worker processes: `start(**extra_env)`; all are stopped afterwards.

    The worker reads the same test database, takes tasks from this run's queue on
    real Redis, and sends email to the SMTP sink.
    """
    workers = []

    def start(**extra_env) -> WorkerProcess:
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_TASK_DEFAULT_QUEUE": TEST_QUEUE,
            "EMAIL_URL": smtp_sink.url,
            "PYTHONUNBUFFERED": "1",
            **extra_env,
        }
        worker = WorkerProcess(env)
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def celery_worker(celery_worker_factory):
    return celery_worker_factory()


@pytest.fixture
def celery_eager(settings):
    """For unit tests only: tasks run in the test's own process when queued."""
    from shop.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager = False


# --- Browser -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (its own browser download does not work here)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"needs Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the Django ORM
    # calls the tests make around it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )  # fmt: skip
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()
