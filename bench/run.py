"""`make bench`: serve the site as in production and measure it; write bench/results/.

Every figure is a ratio to a baseline measured in the same run, each HTTP target run
several times round-robin and quoted as median (min-max).
"""

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from bench import hosts, pages, report, wrk
from bench.procs import children, peak_rss_mb, start_gunicorn, stop

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
RAW = RESULTS / "raw"
PYTHON = sys.executable
# What serves the site: `make bench` gives a virtualenv without the dev dependencies
# (made absolute: some servers run in working directories of their own).
SERVE_PYTHON = os.path.abspath(os.environ.get("BENCH_SERVE_PYTHON", sys.executable))
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
# BENCH_MAIL=0 measures the pages only, BENCH_PAGES=0 the email only (quicker runs; the
# report says what each left out).
MAIL = os.environ.get("BENCH_MAIL", "1") != "0"
PAGES = os.environ.get("BENCH_PAGES", "1") != "0"
# One host against two behind nginx (bench/hosts.py): BENCH_HOSTS=0 leaves it out; by
# default it follows BENCH_PAGES, so BENCH_PAGES=0 still measures the email only.
HOSTS = os.environ.get("BENCH_HOSTS", "1" if PAGES else "0") != "0"

REDIS = "redis://127.0.0.1:6379"
RUN_ID = uuid.uuid4().hex[:8]
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
    # Queues of this run's own, should another run share the broker's database.
    "CELERY_TASK_DEFAULT_QUEUE": f"bench-{RUN_ID}",
    "OUTBOX_MAIL_QUEUE": f"bench-{RUN_ID}-mail",
    "OUTBOX_BULK_QUEUE": f"bench-{RUN_ID}-bulk",
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


def measure_http(paths: dict[str, str]) -> tuple[dict, dict, list]:
    from shop.catalogue.models import Product

    server = start_gunicorn(SERVE_PYTHON, PORT, ENV, workers=WEB_WORKERS)
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
        stop(server)
    return pages.summarise(targets), cold, web_rss


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def measure_pages() -> dict:
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
    return {
        "queries": queries,
        "http": http_results,
        "cold": cold,
        "profile": profiles,
        "memory": {"web_workers_peak_mb": web_rss},
    }


def measure_hosts() -> dict:
    # The instances on the next two ports, nginx on the one after.
    result = hosts.measure(
        ENV,
        python=SERVE_PYTHON,
        port=PORT + 1,
        workers=WEB_WORKERS,
        repeats=REPEATS,
        seconds=SECONDS,
        connections=CONNECTIONS,
        raw_dir=RAW,
    )
    print("hosts:", json.dumps(result["two_over_one"]), flush=True)
    return result


def main() -> None:
    started = time.monotonic()
    RAW.mkdir(parents=True, exist_ok=True)
    load_at_start = load_average()
    print(f"load average at start: {load_at_start}", flush=True)
    fresh_database()
    setup_django()
    from bench import mail_run

    page_results = measure_pages() if PAGES else {}
    host_results = {"hosts": measure_hosts()} if HOSTS else {}
    mail_results = (
        mail_run.measure(ENV, log=RAW / "celery-worker.log", python=SERVE_PYTHON) if MAIL else {}
    )
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
        },
        **page_results,
        **host_results,
        **mail_results,
    }
    result["duration_s"] = round(time.monotonic() - started)
    (RESULTS / "report.json").write_text(json.dumps(result, indent=2) + "\n")
    report.write(result, RESULTS)
    print((RESULTS / "report.md").read_text())


if __name__ == "__main__":
    main()
