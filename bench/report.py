"""bench/results/report.md and ratios.png from the figures of one run."""

from pathlib import Path

from bench.chart import chart
from bench.report_pages import pages_section, profile_section
from bench.targets import PROFILE_ROWS, WHY_MISSED, targets, verdict


def markdown(r: dict) -> str:
    s = r["settings"]
    lines = [
        "# Benchmark report",
        "",
        f"Run {r['when']} on {r['machine']['cores']} cores; load average at start "
        f"{' / '.join(str(x) for x in r['machine']['load_average_at_start'])}, at the end "
        f"{' / '.join(str(x) for x in r['machine'].get('load_average_at_end', []))} "
        "(1, 5, 15 min: above the core count, other work shared the machine); "
        f"the whole run took {r['duration_s']} s.",
        f"HTTP: wrk, {s['connections']} connections, {s['seconds']} s per target, "
        f"{s['repeats']} runs round-robin; gunicorn with {s['web_workers']} sync workers, "
        "DEBUG off, PostgreSQL, Redis cache"
        + (
            "; the site and its worker run with the production dependencies only"
            if s.get("production_dependencies_only")
            else ""
        )
        + ". Figures are median (min-max).",
        "",
        "## Targets",
        "",
        "| what | target | measured | |",
        "|---|---|---|---|",
        *(f"| {what} | {want} | {got} | {verdict(ok)} |" for what, want, got, ok in targets(r)),
        "",
    ]
    lines += pages_section(r)
    missed = [what for what, _, _, ok in targets(r) if not ok]
    explained: dict[str, list[str]] = {}
    for key, text in WHY_MISSED.items():
        whats = [what for what in missed if key in what]
        if whats:
            explained.setdefault(text(r) if callable(text) else text, []).extend(whats)
    notes = [f"- **{', '.join(whats)}**: {text}" for text, whats in explained.items() if whats]
    if notes:
        lines += ["", "## Missed targets: what stands in the way", "", *notes]
    lines += profile_section(r, PROFILE_ROWS)
    if "queue" not in r:
        lines += [
            "",
            "Email (task queue, bulk mail, the worker's memory) was not measured in this "
            "run (`BENCH_MAIL=0`).",
            "",
        ]
        return "\n".join(lines)
    q, b, m = r["queue"], r["bulk"], r["memory"]
    lines += [
        "",
        "## Task queue",
        "",
        f"{s['signups']} signups, one every {s['signup_interval_s'] * 1000:.0f} ms, each in its "
        "own transaction as the signup view runs it; a real worker (prefork, 2 processes) on "
        "Redis sends the confirm email to an aiosmtpd sink. Latency is from the commit to the "
        "sink receiving the message.",
        "",
        "| | p50 ms | p95 ms | max ms |",
        "|---|---|---|---|",
        *(
            f"| {name} | {x['p50_ms']} | {x['p95_ms']} | {x['max_ms']} |"
            for name, x in (
                ("signup commit -> confirm email at the sink", q["signup_to_inbox"]),
                ("floor: Redis LPUSH -> BRPOP", q["redis_round_trip"]),
            )
        ),
        "",
        "## Bulk email",
        "",
        "| | mails | seconds | mails/s |",
        "|---|---|---|---|",
        *(
            f"| {name} | {x['mails']} | {x['seconds']} | {x['per_s']} |"
            for name, x in (
                ("newsletter (fan-out + batches of 500 per SMTP connection)", b["newsletter"]),
                ("newsletter, 1,000 subscribers", b["newsletter_small"]),
                ("floor: raw smtplib loop, one connection", b["raw_smtplib"]),
                ("one task per email", b["one_task_per_email"]),
            )
        ),
        "",
        f"The newsletter sends at {b['percent_of_raw']}% of the raw smtplib rate and "
        f"{b['times_one_task_per_email']}x the rate of one task per email; the raw loop "
        f"itself is {b['raw_smtplib']['per_s'] / b['one_task_per_email']['per_s']:.1f}x "
        "one task per email.",
        "",
        "## Memory (peak RSS, VmHWM)",
        "",
        "- gunicorn workers after the HTTP runs: "
        f"{', '.join(map(str, m['web_workers_peak_mb']))} MB",
        f"- Celery worker after the 10,000-mail newsletter: main "
        f"{m['celery_worker_after_10k']['main']} MB, pool "
        f"{', '.join(map(str, m['celery_worker_after_10k']['pool']))} MB",
        "- newsletter send, largest pool process: "
        + ", ".join(f"{n} subscribers {mb} MB" for n, mb in m["send_peak_mb"].items())
        + f" ({m['send_peak_growth_percent']}% growth)",
        "",
    ]
    return "\n".join(lines)


def write(r: dict, results: Path) -> None:
    (results / "report.md").write_text(markdown(r))
    chart(r, results / "ratios.png")
