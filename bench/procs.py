"""The processes a benchmark starts (gunicorn, a Celery worker) and their peak memory."""

import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(child) for child in out.stdout.split()]


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size (VmHWM), in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    kb = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
    return round(int(kb) / 1024, 1)


class CeleryWorker:
    """`celery -A shop worker` as a line of the Procfile: the prefork pool on `queues`."""

    def __init__(
        self, env: dict, *, log: Path, queues: list[str], concurrency: int, python=sys.executable
    ):
        self.python = python
        self.log = log
        self.env = env
        self.queue = ",".join(queues)
        self.concurrency = concurrency
        self.name = f"bench-{uuid.uuid4().hex[:8]}"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "CeleryWorker":
        self.proc = subprocess.Popen(
            [
                self.python, "-m", "celery", "-A", "shop", "worker",
                "--pool", "prefork", "--concurrency", str(self.concurrency),
                "--queues", self.queue, "--hostname", f"{self.name}@%h",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
                "--loglevel", "WARNING",
            ],
            cwd=ROOT, env=self.env, stdout=self.log.open("a"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        from shop.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the Celery worker exited; see {self.log}")
            replies = app.control.ping(destination=[f"{self.name}@{_hostname()}"], timeout=0.5)
            if replies and len(children(self.proc.pid)) >= self.concurrency:
                return self
        raise RuntimeError(f"the Celery worker did not answer within {timeout} s")

    def peak_rss_mb(self) -> dict:
        return {
            "main": peak_rss_mb(self.proc.pid),
            "pool": [peak_rss_mb(pid) for pid in children(self.proc.pid)],
        }

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _hostname() -> str:
    import socket

    return socket.gethostname()
