"""The report's email sections: the task queue idle and beside a newsletter, bulk
mail against its floors, the workers' memory; every run side by side."""

QUEUE_P95_MAX_MS = 50
BULK_PERCENT_OF_RAW_MIN = 40
BULK_TIMES_PER_TASK_MIN = 5
CELERY_WORKER_MAX_MB = 150
SEND_GROWTH_MAX_PERCENT = 10


def _each(runs: list[dict], figure, unit: str = "") -> str:
    return " / ".join(f"{figure(run)}{unit}" for run in runs)


def _peak(worker: dict) -> float:
    return max([worker["main"], *worker["pool"]])


def mail_targets(r: dict) -> list[tuple[str, str, str, bool]]:
    """(what, target, measured in each run, met in every run)."""
    runs = r["mail"]["runs"]
    checks = [
        (
            "signup to inbox, idle queue: p95",
            f"<= {QUEUE_P95_MAX_MS} ms",
            lambda run: run["queue"]["signup_to_inbox"]["p95_ms"],
            " ms",
            lambda x: x <= QUEUE_P95_MAX_MS,
        ),
        (
            "signup to inbox, 10,000-reader newsletter sending: p95",
            f"<= {QUEUE_P95_MAX_MS} ms",
            lambda run: run["queue"]["signup_during_newsletter"]["p95_ms"],
            " ms",
            lambda x: x <= QUEUE_P95_MAX_MS,
        ),
        (
            "newsletter vs raw smtplib",
            f">= {BULK_PERCENT_OF_RAW_MIN}%",
            lambda run: run["bulk"]["percent_of_raw"],
            "%",
            lambda x: x >= BULK_PERCENT_OF_RAW_MIN,
        ),
        (
            "newsletter vs one task per email",
            f">= {BULK_TIMES_PER_TASK_MIN}x",
            lambda run: run["bulk"]["times_one_task_per_email"],
            "x",
            lambda x: x >= BULK_TIMES_PER_TASK_MIN,
        ),
        (
            "Celery worker peak RSS (bulk, transactional)",
            f"<= {CELERY_WORKER_MAX_MB} MB",
            lambda run: max(
                _peak(run["memory"]["bulk_worker_after_10k"]),
                _peak(run["memory"]["transactional_worker"]),
            ),
            " MB",
            lambda x: x <= CELERY_WORKER_MAX_MB,
        ),
        (
            "newsletter send peak, 1k -> 10k",
            f"< {SEND_GROWTH_MAX_PERCENT}% growth",
            lambda run: run["memory"]["send_peak_growth_percent"],
            "%",
            lambda x: x < SEND_GROWTH_MAX_PERCENT,
        ),
    ]
    return [
        (what, want, _each(runs, figure, unit), all(ok(figure(run)) for run in runs))
        for what, want, figure, unit, ok in checks
    ]


def mail_section(r: dict) -> list[str]:
    m = r["mail"]
    runs = m["runs"]
    head = "| | " + " | ".join(f"run {n}" for n in range(1, len(runs) + 1)) + " |"
    rule = "|---|" + "---|" * len(runs)

    def row(name: str, figure) -> str:
        return f"| {name} | " + " | ".join(str(figure(run)) for run in runs) + " |"

    def latency(key: str):
        return lambda run: (
            f"{run['queue'][key]['p50_ms']} / {run['queue'][key]['p95_ms']} / "
            f"{run['queue'][key]['max_ms']}"
        )

    def rate(key: str):
        return lambda run: (
            f"{run['bulk'][key]['per_s']} ({run['bulk'][key]['mails']} in "
            f"{run['bulk'][key]['seconds']} s)"
        )

    def load(run: dict) -> str:
        start, end = run["load_average_at_start"], run["load_average_at_end"]
        return f"{' / '.join(map(str, start))} -> {' / '.join(map(str, end))}"

    return [
        "",
        "## Email",
        "",
        "The workers run as the `Procfile` starts them, with the production dependencies "
        "only: `worker` (the default and `mail` queues, prefork, 2 processes) sends "
        "transactional mail one task per email, `bulk` (the `bulk` queue, 2 processes) sends "
        "newsletters in batches of 500 per SMTP connection, building each reader's message "
        "whole. Both send to an aiosmtpd sink in the benchmark's process, on Redis and "
        "PostgreSQL. Every figure was measured in each of "
        f"{len(runs)} runs, one after the other, each on an emptied outbox and subscriber "
        "list; the machine's load average (1, 5, 15 min) at each run's start and end says "
        "how much other work shared its 2 cores.",
        "",
        head,
        rule,
        row("started", lambda run: run["when"]),
        row("load average, start -> end", load),
        "",
        "### Task queue: signup to inbox",
        "",
        f"{m['signups']} signups, one every {m['signup_interval_s'] * 1000:.0f} ms, each in "
        "its own transaction as the signup view runs it; latency is from the commit to the "
        "sink receiving the confirm email. Idle: nothing else queued. Beside a newsletter: "
        "the signups start once the bulk worker is sending an issue to 10,000 readers, "
        "and the issue's mails still arriving after the last confirm email show the two "
        "overlapped throughout. Floor: a Redis LPUSH -> BRPOP round trip at the same pace.",
        "",
        head.replace("| |", "| p50 / p95 / max ms |", 1),
        rule,
        row("signup commit -> confirm email, idle queue", latency("signup_to_inbox")),
        row(
            "signup commit -> confirm email, newsletter sending",
            latency("signup_during_newsletter"),
        ),
        row(
            "newsletter mails still unsent at the last confirm email",
            lambda run: run["queue"]["signup_during_newsletter"][
                "newsletter_unsent_after_last_signup"
            ],
        ),
        row("floor: Redis LPUSH -> BRPOP", latency("redis_round_trip")),
        "",
        "### Bulk email",
        "",
        "A newsletter as staff send it from the admin: the fan-out writes one outbox row "
        "per reader, the bulk worker sends batches of 500 over one SMTP connection each; "
        "timed from the send to the last mail at the sink. The floor: one issue message "
        "built beforehand, written 10,000 times over one connection by smtplib. One task "
        "per email: 1,000 of the issue's outbox rows, one `send_email` task each on the "
        "transactional worker (a broker round trip and an SMTP connection per mail).",
        "",
        head.replace("| |", "| mails/s |", 1),
        rule,
        row("newsletter, 10,000 readers", rate("newsletter")),
        row("newsletter, 1,000 readers", rate("newsletter_small")),
        row("floor: raw smtplib loop, one connection", rate("raw_smtplib")),
        row("one task per email", rate("one_task_per_email")),
        row("newsletter as % of raw smtplib", lambda run: f"{run['bulk']['percent_of_raw']}%"),
        row(
            "newsletter / one task per email",
            lambda run: f"{run['bulk']['times_one_task_per_email']}x",
        ),
        "",
        "### Workers' memory (peak RSS, VmHWM)",
        "",
        head.replace("| |", "| MB |", 1),
        rule,
        row(
            "bulk worker after the 10,000-reader newsletter: main, pool",
            lambda run: _worker(run["memory"]["bulk_worker_after_10k"]),
        ),
        row(
            "transactional worker after every signup and task: main, pool",
            lambda run: _worker(run["memory"]["transactional_worker"]),
        ),
        row(
            "bulk pool process, 1,000 -> 10,000 readers",
            lambda run: (
                " -> ".join(map(str, run["memory"]["send_peak_mb"].values()))
                + f" ({run['memory']['send_peak_growth_percent']}%)"
            ),
        ),
        "",
    ]


def _worker(worker: dict) -> str:
    return f"{worker['main']}, {', '.join(map(str, worker['pool']))}"


def mail_chart_rows(r: dict) -> list:
    """(label, value, target, scale) per figure, the worst of the runs."""
    runs = r["mail"]["runs"]
    percent = min(run["bulk"]["percent_of_raw"] for run in runs)
    times = min(run["bulk"]["times_one_task_per_email"] for run in runs)
    p95 = max(run["queue"]["signup_during_newsletter"]["p95_ms"] for run in runs)
    return [
        ("newsletter % of raw smtplib", percent, BULK_PERCENT_OF_RAW_MIN, 100),
        ("newsletter x one task/email", times, BULK_TIMES_PER_TASK_MIN, max(20, times)),
        ("signup->inbox p95 ms, bulk busy (lower)", p95, QUEUE_P95_MAX_MS, max(100, p95)),
    ]
