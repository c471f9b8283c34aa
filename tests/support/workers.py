"""Real Celery worker processes on Redis and the test database, and eager Celery
for unit tests.

Each test process sends its tasks to a queue of its own (its name is unique per
process), so test runs and xdist workers sharing one Redis never take each
other's messages.
"""

import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid
from pathlib import Path

import pytest

from tests.support.services import free_port, wait_for_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")
TEST_QUEUE = f"test-{uuid.uuid4().hex[:12]}"
# The outbox's queues (transactional mail, newsletters), as unique as the default one.
TEST_QUEUES = {
    "CELERY_TASK_DEFAULT_QUEUE": TEST_QUEUE,
    "OUTBOX_MAIL_QUEUE": f"{TEST_QUEUE}-mail",
    "OUTBOX_BULK_QUEUE": f"{TEST_QUEUE}-bulk",
}


def celery_conf(**values) -> None:
    """Change the Celery app's configuration in this process. Celery reads the
    Django setting (CELERY_<NAME>) before a change made under the plain name, so the
    change is made under the setting's name."""
    from shop.celery import app

    for name, value in values.items():
        app.conf[f"CELERY_{name.upper()}"] = value


def pytest_configure(config):
    from django.conf import settings

    celery_conf(task_default_queue=TEST_QUEUE)
    # The code reads the outbox's queue names from the settings when it queues.
    settings.OUTBOX_MAIL_QUEUE = TEST_QUEUES["OUTBOX_MAIL_QUEUE"]
    settings.OUTBOX_BULK_QUEUE = TEST_QUEUES["OUTBOX_BULK_QUEUE"]


def database_url() -> str:
    """The URL of the database the tests use (this process's test database)."""
    from django.db import connection

    s = connection.settings_dict
    assert s["ENGINE"] == "django.db.backends.postgresql", "a worker process needs PostgreSQL"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class WorkerProcess:
    """`celery -A shop worker` as a subprocess, on real Redis and the test database.

    Wait for outcomes (the email at the sink, the row's state); where a task's
    outcome is that nothing happens, wait for the worker to have finished it:
    `wait_for_finished(task_name, count)` reads Celery's own signals, recorded by
    tests/celery_probe.py, not the worker's log wording. `log` keeps the output
    for failure messages.
    """

    def __init__(self, env: dict, concurrency: int = 1, pool: str = "prefork", beat=False):
        self.events_file = Path(tempfile.mkstemp(prefix="worker-events-", suffix=".jsonl")[1])
        self.schedule = Path(tempfile.mkdtemp(prefix="beat-")) / "schedule"
        self.env = {**env, "TEST_WORKER_EVENTS": str(self.events_file)}
        self.args = [
            sys.executable, "-m", "celery", "-A", "shop", "worker",
            "--pool", pool, "--concurrency", str(concurrency),
            "--queues", ",".join(env[name] for name in TEST_QUEUES),
            "--hostname", f"test-{uuid.uuid4().hex[:6]}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--include", "tests.celery_probe",
            "--loglevel", "INFO",
        ]  # fmt: skip
        if beat:  # the periodic tasks too (the outbox's requeue), run by this worker
            self.args += ["--beat", "--schedule", str(self.schedule)]
        self.lines: queue.Queue = queue.Queue()
        self.log: list[str] = []
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> "WorkerProcess":
        self.proc = subprocess.Popen(
            self.args, cwd=ROOT, env=self.env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        threading.Thread(target=self._read, daemon=True).start()
        self._wait(lambda: any(e["event"] == "ready" for e in self.events()), timeout, "ready")
        return self

    def _read(self):
        for line in self.proc.stdout:
            self.log.append(line)
            self.lines.put(line)

    def _wait(self, condition, timeout: float, what: str):
        def done():
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"the worker exited ({self.proc.returncode}) before {what}; its log:\n"
                    + "".join(self.log)
                )
            return condition()

        try:
            return wait_until(done, timeout, what)
        except AssertionError as exc:
            raise AssertionError(f"{exc}; the worker's log:\n{''.join(self.log)}") from None

    def wait_until(self, condition, timeout: float = 60, what: str = "the condition"):
        """As tests.support.services.wait_until, failing at once (with the log) if the
        worker exits meanwhile."""
        return self._wait(condition, timeout, what)

    def events(self) -> list[dict]:
        return [json.loads(line) for line in self.events_file.read_text().splitlines()]

    def finished(self, task_name: str) -> list[dict]:
        """Runs of the task that have ended, with their state ("SUCCESS", "RETRY", ...)."""
        return [e for e in self.events() if e["event"] == "finished" and e["task"] == task_name]

    def wait_for_finished(self, task_name: str, count: int = 1, timeout: float = 60) -> list:
        """Until `count` runs of the task have ended; returns them all."""
        return self._wait(
            lambda: len(self.finished(task_name)) >= count and self.finished(task_name),
            timeout,
            f"{count} finished run(s) of {task_name}",
        )

    def wait_for_line(self, text: str, timeout: float = 60) -> str:
        """For diagnostics only: tests wait for outcomes, not for log wording."""
        found = []

        def seen():
            while not self.lines.empty():
                line = self.lines.get_nowait()
                if text in line:
                    found.append(line)
            return found

        return self._wait(seen, timeout, f"the line {text!r}")[0]

    def pool_children(self) -> list[int]:
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True
        )
        return [int(pid) for pid in out.stdout.split()]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.events_file.unlink(missing_ok=True)
        shutil.rmtree(self.schedule.parent, ignore_errors=True)


@pytest.fixture
def celery_worker_factory(transactional_db, smtp_sink):
    """Start real worker processes: `start(beat=False, **extra_env)` (with `beat`, the
    worker runs the periodic tasks too); all are stopped afterwards.

    The worker reads this process's test database, takes tasks from this
    process's queue on real Redis, and sends email to the SMTP sink.
    """
    workers = []

    def start(beat: bool = False, **extra_env) -> WorkerProcess:
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": REDIS_URL,
            **TEST_QUEUES,
            "EMAIL_URL": smtp_sink.url,
            "PYTHONUNBUFFERED": "1",
            **extra_env,
        }
        worker = WorkerProcess(env, beat=beat)
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

    settings.CELERY_TASK_ALWAYS_EAGER = settings.CELERY_TASK_EAGER_PROPAGATES = True
    celery_conf(task_always_eager=True, task_eager_propagates=True)
    yield app
    celery_conf(task_always_eager=False, task_eager_propagates=False)


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
