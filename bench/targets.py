"""The benchmark's targets, whether a run met them, and what stands in the way when not."""

# Page: lowest throughput as a percentage of the baseline's, per visitor (bench/pages.py):
# rendered for a shopper with a session and a one-line basket, and cookieless (the
# page cache; the basket page has no cached copy, so no cookieless target).
HTTP_TARGETS = {
    "shopper": {"home": 20, "blog index": 20, "article": 15, "product": 15, "basket": 10},
    "cookieless": {"home": 40, "blog index": 40, "article": 40, "product": 40},
}
P99_OVER_P50_MAX = 4
QUERY_CEILINGS = {"article": 10, "product": 15, "basket": 20}
PROFILE_ROWS = 8
QUEUE_P95_MAX_MS = 50
BULK_PERCENT_OF_RAW_MIN = 50
BULK_TIMES_PER_TASK_MIN = 10
WEB_WORKER_MAX_MB = 120
CELERY_WORKER_MAX_MB = 150
SEND_GROWTH_MAX_PERCENT = 10


# What stands in the way of a missed target, and what was tried (shown when it is missed);
# a text that quotes the run's figures is a function of them.
WHY_MISSED = {
    "shopper: throughput": (
        "A shopper's page is rendered: the session (from the cache), the view's queries, "
        "the template with its cached fragments. The header's basket no longer loads the "
        "basket or applies the offers (one query for its key, `shop/templatetags/"
        "basket_keys.py`) and the session costs no query, which took home from 16 queries "
        "to 7, the article from 17 to 8, the blog index from 14 to 5. What is left, per "
        "the profile below, is spread thin: compiling each remaining query in the ORM, "
        "Django's template engine walking `oscar/base.html` and its includes, the "
        "middleware; on the product page Oscar's view (its analytics write, categories, "
        "reviews and recommendations) and on the basket page Oscar's basket pipeline "
        "(offers applied twice, the line formset). No single cost left would bring a "
        "page to 3-4 times its speed; only serving the shopper a cached copy with the "
        "basket filled in would, and that is the page cache, not a render."
    ),
    "p99 / p50": (
        "While one of the two sync workers renders a page afresh, requests queue for the "
        "other; on a machine shared with wrk, PostgreSQL, Redis and other people's work "
        "that tail varies from run to run (see the load average)."
    ),
    **{
        f"{page}, cookieless: throughput": (
            "Served from the page cache: a hit costs two Redis round trips, filling in the "
            "nonce and tokens, and the same middleware as the baseline. Near the target the "
            "run's noise decides."
        )
        for page in ("home", "blog index", "article", "product")
    },
    "newsletter vs raw smtplib": (
        "The floor's client only writes a message built beforehand. A batch builds each "
        "reader's message whole (the issue's Markdown rendered once) and locks, sends and "
        "marks each reader's outbox row in a transaction of its own; the sink (aiosmtpd, "
        "Python) costs about 0.8 ms a mail on the same two cores."
    ),
    "newsletter vs one task per email": lambda r: _per_task_note(**r["bulk"]),
    "web worker": (
        "A gunicorn worker holds Django, Oscar with its dashboard apps, haystack, sorl, "
        "babel's locale data for prices and the project; serving adds the compiled "
        "templates, whitenoise's index of the static files and a database connection. The "
        "served processes have the production dependencies only (with the dev ones "
        "installed, the Stripe SDK also imports localstripe's aiohttp: about 8 MB more). Not "
        "tried: dropping Oscar apps the site does not use (wishlists, reviews, search)."
    ),
}


def _per_task_note(*, raw_smtplib: dict, one_task_per_email: dict, **_) -> str:
    floor_times = raw_smtplib["per_s"] / one_task_per_email["per_s"]
    return (
        "One task per email costs a broker round trip and a new SMTP connection per mail. "
        f"In this run the raw smtplib loop itself is {floor_times:.1f}x one task per email, "
        f"so ten times would need the newsletter at {1000 / floor_times:.0f}% of the raw "
        "loop's rate, with the tokens, the stamping and the delivery rows to handle that the "
        "loop skips."
    )


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def targets(r: dict) -> list[tuple[str, str, str, bool]]:
    """(what, target, measured, met) for every target of the benchmark."""
    rows = []
    for visitor, pages in HTTP_TARGETS.items():
        for page, percent in pages.items():
            got = r["http"][f"{page}: {visitor}"]["percent_of_baseline"]
            want = f">= {percent}% of baseline"
            rows.append((f"{page}, {visitor}: throughput", want, f"{got}%", got >= percent))
    for name, figures in r["http"].items():
        if name != "baseline":
            ratio = figures["p99_over_p50"]
            what = f"{name.replace(': ', ', ')}: p99 / p50"
            rows.append((what, f"<= {P99_OVER_P50_MAX}", f"{ratio}", ratio <= P99_OVER_P50_MAX))
    for page, ceiling in QUERY_CEILINGS.items():
        counts = r["queries"][page]
        rows.append(
            (
                f"{page}, shopper: queries (fragments warm)",
                f"<= {ceiling}",
                f"{counts['warm']} ({counts['cold']} the first time after a change)",
                counts["warm"] <= ceiling,
            )
        )
    if "queue" not in r:  # BENCH_MAIL=0: pages only
        return rows
    p95 = r["queue"]["signup_to_inbox"]["p95_ms"]
    rows.append(("signup to inbox: p95", f"<= {QUEUE_P95_MAX_MS} ms", f"{p95} ms", p95 <= 50))
    bulk = r["bulk"]
    rows.append(
        (
            "newsletter vs raw smtplib",
            f">= {BULK_PERCENT_OF_RAW_MIN}%",
            f"{bulk['percent_of_raw']}%",
            bulk["percent_of_raw"] >= BULK_PERCENT_OF_RAW_MIN,
        )
    )
    rows.append(
        (
            "newsletter vs one task per email",
            f">= {BULK_TIMES_PER_TASK_MIN}x",
            f"{bulk['times_one_task_per_email']}x",
            bulk["times_one_task_per_email"] >= BULK_TIMES_PER_TASK_MIN,
        )
    )
    memory = r["memory"]
    web = max(memory["web_workers_peak_mb"])
    rows.append(("web worker peak RSS", f"<= {WEB_WORKER_MAX_MB} MB", f"{web} MB", web <= 120))
    celery = memory["celery_worker_after_10k"]
    celery_peak = max([celery["main"], *celery["pool"]])
    rows.append(
        (
            "Celery worker peak RSS",
            f"<= {CELERY_WORKER_MAX_MB} MB",
            f"{celery_peak} MB",
            celery_peak <= CELERY_WORKER_MAX_MB,
        )
    )
    growth = memory["send_peak_growth_percent"]
    rows.append(
        (
            "newsletter send peak, 1k -> 10k",
            f"< {SEND_GROWTH_MAX_PERCENT}% growth",
            f"{growth}%",
            growth < SEND_GROWTH_MAX_PERCENT,
        )
    )
    return rows
