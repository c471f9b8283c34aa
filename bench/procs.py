"""The processes a benchmark starts (gunicorn, a Celery worker) and their peak memory."""

import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(child) for child in out.stdout.split()]


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1)  # noqa: S310 (loopback)
    except OSError:
        return False
    return True


def ensure_free(port: int) -> None:
    """Fail loudly if something listens on `port` on loopback."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is no listener
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as error:
            raise RuntimeError(
                f"port {port} is taken ({error.strerror}): stop what listens on it"
                " or set BENCH_PORT"
            ) from None


def start_gunicorn(
    python: str, port: int, env: dict, *, workers: int, cwd: Path = ROOT, **popen
) -> subprocess.Popen:
    """gunicorn serving shop.wsgi on 127.0.0.1:`port` with `workers` sync workers, once
    its /healthz answers."""
    ensure_free(port)
    proc = subprocess.Popen(
        [
            python, "-m", "gunicorn", "shop.wsgi",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers),
            "--worker-class", "sync",
            "--backlog", "2048",
        ],
        cwd=cwd,
        env=env,
        **popen,
    )  # fmt: skip
    if serving(proc, port, within=30):
        return proc
    stop(proc)
    raise RuntimeError(f"gunicorn on port {port} did not answer within 30 s")


def serving(proc: subprocess.Popen, port: int, *, within: float) -> bool:
    """Whether `proc` answers /healthz on `port` within `within` seconds (False as soon
    as it exits)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if answers(f"http://127.0.0.1:{port}/healthz"):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.1)
    return False


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
    """Ask `proc` to stop with `sig`; kill it if it has not within `timeout` seconds."""
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


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
