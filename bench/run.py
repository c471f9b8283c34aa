"""`make bench`: serve the site as in production and measure it; write bench/results/.

Every figure is a ratio to a baseline measured in the same run, each HTTP target run
several times round-robin and quoted as median (min-max).
"""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from bench import pages, report, wrk
from bench.procs import CeleryWorker, children, peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
RAW = RESULTS / "raw"
PYTHON = sys.executable
# What serves the site: `make bench` gives a virtualenv without the dev dependencies.
SERVE_PYTHON = os.environ.get("BENCH_SERVE_PYTHON", sys.executable)
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE_URL = f"http://127.0.0.1:{PORT}"
# A shared machine: BENCH_DATABASE and BENCH_REDIS_DBS keep a run apart from another's.
DB_NAME = os.environ.get("BENCH_DATABASE", "simplyjnj_bench")
REDIS_DBS = os.environ.get("BENCH_REDIS_DBS", "3,4,5").split(",")
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
CONNECTIONS = 16
# Two sync workers on two cores: the pages are CPU-bound rendering with short
# database and cache calls, so more processes would only take turns on the same
# cores (and wrk needs some CPU too); threads would contend for the GIL.
WEB_WORKERS = 2
SIGNUPS = 500
SIGNUP_INTERVAL = 0.02  # seconds between signups: 50 a second, a busy shop's peak
SUBSCRIBERS = (1_000, 10_000)
PER_TASK_MAILS = 1_000  # enough for a steady rate; 10,000 would take minutes
# BENCH_MAIL=0 measures the pages only (a quicker run; the report says what it left out).
MAIL = os.environ.get("BENCH_MAIL", "1") != "0"

REDIS = "redis://127.0.0.1:6379"
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "shop.settings",
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    # Production refuses to start without Stripe settings; no page measured here pays.
    "STRIPE_SECRET_KEY": "sk_test_bench_no_payments",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_bench_no_payments",
    "STRIPE_WEBHOOK_SECRET": "whsec_bench_no_payments",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    # Redis databases of the benchmark's own: the cache, the broker, the pages
    # (shared, so the web workers take turns renewing a page instead of each renewing it).
    "CACHE_URL": f"{REDIS}/{REDIS_DBS[0]}",
    "CELERY_BROKER_URL": f"{REDIS}/{REDIS_DBS[1]}",
    "PAGE_CACHE_URL": f"{REDIS}/{REDIS_DBS[2]}",
    "CELERY_TASK_DEFAULT_QUEUE": f"bench-{uuid.uuid4().hex[:8]}",
    "EMAIL_URL": "dummymail://",
    "LOG_LEVEL": "WARNING",
    "PYTHONWARNINGS": "ignore",
}


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=ENV, check=True)


def fresh_database() -> None:
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{DB_NAME}"')
    manage("migrate", "--noinput", "--verbosity", "0")
    manage("load_site_content")
    subprocess.run([PYTHON, "-m", "bench.data"], cwd=ROOT, env=ENV, check=True)
    manage("collectstatic", "--noinput", "--verbosity", "0")


def setup_django() -> None:
    os.environ.update(ENV)
    import django

    django.setup()
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


def start_gunicorn() -> subprocess.Popen:
    if _answers(f"{BASE_URL}/healthz"):
        raise RuntimeError(f"something already serves {BASE_URL}: stop it or set BENCH_PORT")
    proc = subprocess.Popen(
        [
            SERVE_PYTHON, "-m", "gunicorn", "shop.wsgi",
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
        if _answers(f"{BASE_URL}/healthz"):
            return proc
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not answer within 30 s")


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1)  # noqa: S310
    except OSError:
        return False
    return True


def measure_http(paths: dict[str, str]) -> tuple[dict, dict, list]:
    from shop.catalogue.models import Product

    server = start_gunicorn()
    try:
        wrap = Product.objects.get(upc="SJNJ-ICE-WRAP-01")
        cookie = pages.shopper_cookie(BASE_URL, paths["product"], wrap.pk)
        targets = wrk.measure(
            BASE_URL,
            pages.targets(paths, cookie),
            repeats=REPEATS,
            seconds=SECONDS,
            connections=CONNECTIONS,
            raw_dir=RAW,
        )
        web_rss = [peak_rss_mb(pid) for pid in children(server.pid)]
        cold = pages.cold_renders(BASE_URL, paths, cookie)
        print("cold first render:", cold, flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    return pages.summarise(targets), cold, web_rss


def measure_mail() -> dict:
    from bench import mail
    from bench.smtp import Sink

    sink = Sink().start()
    worker_env = {**ENV, "EMAIL_URL": sink.url}
    log = RAW / "celery-worker.log"
    try:
        worker = CeleryWorker(worker_env, log=log, python=SERVE_PYTHON).start()
        try:
            queue = {
                "signup_to_inbox": mail.signup_latency(
                    sink, signups=SIGNUPS, interval=SIGNUP_INTERVAL
                ),
                "redis_round_trip": mail.redis_round_trip(
                    ENV["CELERY_BROKER_URL"], messages=SIGNUPS, interval=SIGNUP_INTERVAL
                ),
            }
            print("task queue:", queue, flush=True)
        finally:
            worker.stop()

        sends, memory = {}, {}
        added = 0
        for subscribers in SUBSCRIBERS:
            mail.add_confirmed_subscribers(subscribers - added)
            added = subscribers
            # A fresh worker for each send, so its peak memory is this send's.
            worker = CeleryWorker(worker_env, log=log, python=SERVE_PYTHON).start()
            try:
                sends[subscribers] = mail.newsletter_send(sink, recipients=subscribers)
                memory[subscribers] = worker.peak_rss_mb()
                print(f"newsletter to {subscribers}:", sends[subscribers], memory, flush=True)
                if subscribers == max(SUBSCRIBERS):
                    per_task = mail.one_task_per_email(sink, mails=PER_TASK_MAILS)
                    print("one task per email:", per_task, flush=True)
            finally:
                worker.stop()
        raw = mail.raw_smtplib(sink, mails=max(SUBSCRIBERS))
        print("raw smtplib:", raw, flush=True)
    finally:
        sink.stop()

    largest, smallest = max(SUBSCRIBERS), min(SUBSCRIBERS)
    send_peak = {n: max(memory[n]["pool"]) for n in SUBSCRIBERS}
    return {
        "queue": queue,
        "bulk": {
            "newsletter": sends[largest],
            "newsletter_small": sends[smallest],
            "raw_smtplib": raw,
            "one_task_per_email": per_task,
            "percent_of_raw": round(100 * sends[largest]["per_s"] / raw["per_s"], 1),
            "times_one_task_per_email": round(sends[largest]["per_s"] / per_task["per_s"], 1),
        },
        "memory": {
            "celery_worker_after_10k": memory[largest],
            "send_peak_mb": {str(n): send_peak[n] for n in SUBSCRIBERS},
            "send_peak_growth_percent": round(
                100 * (send_peak[largest] - send_peak[smallest]) / send_peak[smallest], 1
            ),
        },
    }


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> None:
    started = time.monotonic()
    RAW.mkdir(parents=True, exist_ok=True)
    load_at_start = load_average()
    print(f"load average at start: {load_at_start}", flush=True)
    fresh_database()
    setup_django()
    from bench.profile import profile_pages, summary
    from bench.queries import page_queries
    from shop.catalogue.models import Product

    paths = pages.pages()
    wrap = Product.objects.get(upc="SJNJ-ICE-WRAP-01")
    queries = page_queries(paths, basket_product_id=wrap.pk)
    print("queries:", queries, flush=True)
    profiles = profile_pages(paths, basket_product_id=wrap.pk)
    print(summary(profiles), flush=True)
    http_results, cold, web_rss = measure_http(paths)
    print("http:", json.dumps(http_results), flush=True)
    mail_results = measure_mail() if MAIL else {}

    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "load_average_at_start": load_at_start,
            "load_average_at_end": load_average(),
        },
        "settings": {
            "repeats": REPEATS,
            "seconds": SECONDS,
            "connections": CONNECTIONS,
            "web_workers": WEB_WORKERS,
            "production_dependencies_only": SERVE_PYTHON != PYTHON,
            "signups": SIGNUPS,
            "signup_interval_s": SIGNUP_INTERVAL,
        },
        "queries": queries,
        "http": http_results,
        "cold": cold,
        "profile": profiles,
        **mail_results,
    }
    result.setdefault("memory", {})["web_workers_peak_mb"] = web_rss
    result["duration_s"] = round(time.monotonic() - started)
    (RESULTS / "report.json").write_text(json.dumps(result, indent=2) + "\n")
    report.write(result, RESULTS)
    print((RESULTS / "report.md").read_text())


if __name__ == "__main__":
    main()
