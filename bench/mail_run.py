"""The email part of `make bench`: the Procfile's two workers (transactional mail on
`worker`, newsletters on `bulk`) against an aiosmtpd sink, each figure beside its
floor measured in the same run. Runs in the benchmark process, Django set up."""

import os
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from bench import mail
from bench.procs import CeleryWorker
from bench.smtp import Sink

SIGNUPS = 500
SIGNUP_INTERVAL = 0.02  # seconds between signups: 50 a second, a busy shop's peak
SUBSCRIBERS = (1_000, 10_000)
PER_TASK_MAILS = 1_000  # enough for a steady rate; 10,000 would take minutes
# The machine is shared: every mail figure is measured this many times, each run reported.
RUNS = int(os.environ.get("BENCH_MAIL_RUNS", "2"))


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


class Workers:
    """The Procfile's `worker` (default and mail queues) and `bulk` (the bulk queue),
    two processes each, started from `python` with `env`."""

    def __init__(self, env: dict, *, log: Path, python: str):
        self.env, self.log, self.python = env, log, python
        self.transactional = self.bulk = None

    def __enter__(self) -> "Workers":
        queues = [self.env["CELERY_TASK_DEFAULT_QUEUE"], settings.OUTBOX_MAIL_QUEUE]
        self.transactional = self._start(queues, concurrency=2)
        self.restart_bulk()
        return self

    def restart_bulk(self) -> None:
        """A fresh bulk worker, so its peak memory is the next send's."""
        if self.bulk:
            self.bulk.stop()
        concurrency = int(self.env.get("BULK_CONCURRENCY", "2"))
        self.bulk = self._start([settings.OUTBOX_BULK_QUEUE], concurrency=concurrency)

    def _start(self, queues: list[str], *, concurrency: int) -> CeleryWorker:
        worker = CeleryWorker(
            self.env, log=self.log, queues=queues, concurrency=concurrency, python=self.python
        )
        return worker.start()

    def __exit__(self, *exc) -> None:
        for worker in (self.transactional, self.bulk):
            if worker:
                worker.stop()


def measure(env: dict, *, log: Path, python: str) -> dict:
    """Every mail figure, RUNS times; each run on an emptied outbox and subscriber list."""
    sink = Sink().start()
    try:
        runs = [_one_run(sink, {**env, "EMAIL_URL": sink.url}, log, python) for _ in range(RUNS)]
    finally:
        sink.stop()
    return {"mail": {"signups": SIGNUPS, "signup_interval_s": SIGNUP_INTERVAL, "runs": runs}}


def _one_run(sink: Sink, env: dict, log: Path, python: str) -> dict:
    mail.empty_outbox_and_subscribers()
    run = {"when": datetime.now(UTC).isoformat(timespec="seconds")}
    run["load_average_at_start"] = load_average()
    print("mail run, load average:", run["load_average_at_start"], flush=True)
    with Workers(env, log=log, python=python) as workers:
        run["queue"] = {
            "signup_to_inbox": mail.signup_latency(sink, signups=SIGNUPS, interval=SIGNUP_INTERVAL),
            "redis_round_trip": mail.redis_round_trip(
                env["CELERY_BROKER_URL"], messages=SIGNUPS, interval=SIGNUP_INTERVAL
            ),
        }
        print("task queue, idle:", run["queue"], flush=True)
        sends, memory, added = {}, {}, 0
        for subscribers in SUBSCRIBERS:
            mail.add_confirmed_subscribers(subscribers - added)
            added = subscribers
            workers.restart_bulk()
            sends[subscribers] = mail.newsletter_send(sink, recipients=subscribers)
            memory[subscribers] = workers.bulk.peak_rss_mb()
            print(f"newsletter to {subscribers}:", sends[subscribers], memory, flush=True)
        run["queue"]["signup_during_newsletter"] = mail.signup_latency_during_newsletter(
            sink, signups=SIGNUPS, interval=SIGNUP_INTERVAL, recipients=added
        )
        print("task queue, newsletter sending:", run["queue"], flush=True)
        per_task = mail.one_task_per_email(sink, mails=PER_TASK_MAILS)
        print("one task per email:", per_task, flush=True)
        transactional_memory = workers.transactional.peak_rss_mb()
    raw = mail.raw_smtplib(sink, mails=max(SUBSCRIBERS))
    print("raw smtplib:", raw, flush=True)
    run["load_average_at_end"] = load_average()

    largest, smallest = max(SUBSCRIBERS), min(SUBSCRIBERS)
    send_peak = {n: max(memory[n]["pool"]) for n in SUBSCRIBERS}
    run["bulk"] = {
        "newsletter": sends[largest],
        "newsletter_small": sends[smallest],
        "raw_smtplib": raw,
        "one_task_per_email": per_task,
        "percent_of_raw": round(100 * sends[largest]["per_s"] / raw["per_s"], 1),
        "times_one_task_per_email": round(sends[largest]["per_s"] / per_task["per_s"], 1),
    }
    run["memory"] = {
        "bulk_worker_after_10k": memory[largest],
        "transactional_worker": transactional_memory,
        "send_peak_mb": {str(n): send_peak[n] for n in SUBSCRIBERS},
        "send_peak_growth_percent": round(
            100 * (send_peak[largest] - send_peak[smallest]) / send_peak[smallest], 1
        ),
    }
    return run
