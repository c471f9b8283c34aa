"""`make bench`: serve the site as in production and measure it; write bench/results/.

Every figure is a ratio to a baseline measured in the same run, each target run
several times and quoted as median (min-max).
"""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from bench import http

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE_URL = f"http://127.0.0.1:{PORT}"
DB_NAME = "simplyjnj_bench"
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
CONNECTIONS = 16
# Two sync workers on two cores: the pages are CPU-bound rendering with short
# database calls, so more processes would only take turns on the same cores
# (and wrk needs some CPU too); threads would contend for the GIL.
WEB_WORKERS = 2

ENV = {
    **os.environ,
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    "CACHE_URL": "redis://127.0.0.1:6379/3",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/4",
    "EMAIL_URL": "dummymail://",
    "LOG_LEVEL": "WARNING",
}


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=ENV, check=True)


def fresh_database() -> None:
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{DB_NAME}"')
    manage("migrate", "--noinput", "--verbosity", "0")
    manage("load_site_content")
    manage("collectstatic", "--noinput", "--verbosity", "0")


def start_gunicorn() -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "shop.wsgi",
            "--bind", f"127.0.0.1:{PORT}",
            "--workers", str(WEB_WORKERS),
            "--worker-class", "sync",
            "--backlog", "2048",
        ],
        cwd=ROOT,
        env=ENV,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{BASE_URL}/healthz", timeout=1)  # noqa: S310
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not answer within 30 s")


def worker_peak_rss_mb(master: subprocess.Popen) -> list[float]:
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master.pid)], capture_output=True, text=True
    ).stdout.split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        kb = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
        peaks.append(round(int(kb) / 1024, 1))
    return peaks


def http_targets() -> list[http.Target]:
    return [
        http.Target("baseline", "/healthz"),
        http.Target("home", "/"),
    ]


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    fresh_database()
    server = start_gunicorn()
    try:
        targets = http.measure(
            BASE_URL, http_targets(), repeats=REPEATS, seconds=SECONDS, connections=CONNECTIONS
        )
        web_rss = worker_peak_rss_mb(server)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)

    baseline = targets[0].summary()["requests_per_s"]["median"]
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count()},
        "settings": {"repeats": REPEATS, "seconds": SECONDS, "connections": CONNECTIONS},
        "http": {
            t.name: {
                **t.summary(),
                "percent_of_baseline": round(
                    100 * t.summary()["requests_per_s"]["median"] / baseline, 1
                ),
            }
            for t in targets
        },
        "memory_mb": {"web_workers_peak": web_rss},
    }
    (RESULTS / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
