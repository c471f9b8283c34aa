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
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
from pathlib import Path

import pytest

from tests.support.services import wait_until

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")
TEST_QUEUE = f"test-{uuid.uuid4().hex[:12]}"
# The outbox's queues (transactional mail, newsletters), as unique as the default one.
TEST_QUEUES = {
    "CELERY_TASK_DEFAULT_QUEUE": TEST_QUEUE,
    "OUTBOX_MAIL_QUEUE": f"{TEST_QUEUE}-mail",
    "OUTBOX_BULK_QUEUE": f"{TEST_QUEUE}-bulk",
}
# The queues of the worker kept from test to test (`celery_worker`): a test that has it
# sends there, so that no other test's tasks ever reach it.
KEPT_QUEUES = {name: f"{queue_name}-kept" for name, queue_name in TEST_QUEUES.items()}


def celery_conf(**values) -> None:
    """Change the Celery app's configuration in this process. Celery reads the
    Django setting (CELERY_<NAME>) before a change made under the plain name, so the
    change is made under the setting's name."""
    from shop.celery import app

    for name, value in values.items():
        app.conf[f"CELERY_{name.upper()}"] = value


def pytest_configure(config):
    use_queues(TEST_QUEUES)


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
        self.since = 0  # events before this line belong to earlier tests

    def start(self, timeout: float = 120) -> "WorkerProcess":
        self.proc = subprocess.Popen(
            self.args, cwd=ROOT, env=self.env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
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
        """Since the current test started (see `celery_worker`)."""
        lines = self.events_file.read_text().splitlines()[self.since :]
        return [json.loads(line) for line in lines]

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
        """Killed with its pool: the test has its outcome, and what a worker would still
        do on a warm shutdown (seconds of it) belongs to no test."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.events_file.unlink(missing_ok=True)
        shutil.rmtree(self.schedule.parent, ignore_errors=True)

    def settled(self) -> bool:
        """Whether nothing this worker took is left to run: a barrier task sent to each
        queue has run (so what was queued before it has), and no run ended in a retry
        (whose next run waits in the worker)."""
        from tests.celery_probe import barrier

        for name in TEST_QUEUES:
            barrier.apply_async(queue=self.env[name])
        try:
            self.wait_for_finished(barrier.name, len(TEST_QUEUES), timeout=30)
        except AssertionError:
            return False
        return all(event.get("state") != "RETRY" for event in self.events())


def purge(queues: dict) -> None:
    """Drop what earlier tests of this process queued there and no worker took."""
    from kombu import Connection

    with Connection(REDIS_URL) as connection:
        for queue_name in queues.values():
            connection.default_channel.queue_purge(queue_name)


def use_queues(queues: dict) -> None:
    """This process queues its tasks on `queues` from now on."""
    from django.conf import settings

    celery_conf(task_default_queue=queues["CELERY_TASK_DEFAULT_QUEUE"])
    # The code reads the outbox's queue names from the settings when it queues.
    settings.OUTBOX_MAIL_QUEUE = queues["OUTBOX_MAIL_QUEUE"]
    settings.OUTBOX_BULK_QUEUE = queues["OUTBOX_BULK_QUEUE"]


def worker_env(smtp_sink, queues: dict = TEST_QUEUES, **extra_env) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        **queues,
        "EMAIL_URL": smtp_sink.url,
        "PYTHONUNBUFFERED": "1",
        **extra_env,
    }


@pytest.fixture(scope="session")
def _shared_worker():
    """The `celery_worker` of this test process, started by the first test that asks."""
    kept: list[WorkerProcess] = []
    yield kept
    stop_shared(kept)


def stop_shared(kept: list) -> None:
    for worker in kept:
        worker.stop()
    kept.clear()


@pytest.fixture
def celery_worker_factory(transactional_db, smtp_sink):
    """Start real worker processes of this test's own: `start(beat=False, **extra_env)`
    (with `beat`, the worker runs the periodic tasks too); all are stopped afterwards.
    For tests that change the worker's settings, kill its pool or stop its broker.

    The worker reads this process's test database, takes tasks from this
    process's queue on real Redis, and sends email to the SMTP sink.
    """
    purge(TEST_QUEUES)
    workers = []

    def start(beat: bool = False, **extra_env) -> WorkerProcess:
        worker = WorkerProcess(worker_env(smtp_sink, **extra_env), beat=beat)
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def celery_worker(_shared_worker, transactional_db, smtp_sink):
    """A worker with the default settings, kept for the next test that wants one
    (starting one costs seconds): each test sees only its own events, and only its
    tasks reach it (on queues of its own). A test that leaves it busy (a task not yet
    run, a retry waiting) gets it stopped afterwards."""
    purge(KEPT_QUEUES)
    if not _shared_worker or _shared_worker[0].proc.poll() is not None:
        _shared_worker[:] = [WorkerProcess(worker_env(smtp_sink, KEPT_QUEUES)).start()]
    worker = _shared_worker[0]
    worker.since = len(worker.events_file.read_text().splitlines())
    use_queues(KEPT_QUEUES)
    try:
        yield worker
    finally:
        use_queues(TEST_QUEUES)
    if not worker.settled():
        stop_shared(_shared_worker)


@pytest.fixture
def celery_eager(settings):
    """For unit tests only: tasks run in the test's own process when queued."""
    from shop.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = settings.CELERY_TASK_EAGER_PROPAGATES = True
    celery_conf(task_always_eager=True, task_eager_propagates=True)
    yield app
    celery_conf(task_always_eager=False, task_eager_propagates=False)
