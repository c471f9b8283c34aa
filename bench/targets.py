"""The benchmark's targets, whether a run met them, and what stands in the way when not
(the email targets: bench/report_mail.py)."""

from bench.report_mail import mail_targets

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
WEB_WORKER_MAX_MB = 120


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
    "signup to inbox": lambda r: _latency_note(r["mail"]["runs"]),
    "newsletter vs raw smtplib": (
        "The floor's client only writes one message built beforehand, in one process. A "
        "batch builds each reader's message whole and locks, sends and marks each reader's "
        "outbox row in a transaction of its own (four PostgreSQL round trips), and the "
        "sink (aiosmtpd, Python, in the benchmark's process) shares the same two cores. "
        "Tried, and kept: a batch loads its readers, its issue and the refused addresses "
        "once instead of three queries a mail (building a message went from 2.2 to 0.4 ms "
        "of CPU, measured in-process on this machine), writes only the fields a send "
        "changes, and the bulk worker runs two processes. Left per mail: Python's email "
        "package encoding the message (about 1 ms of CPU, more than building it), the "
        "row's transaction, and on a loaded machine a wait for a core at each of its round "
        "trips. Not done: stamping readers into bytes encoded once (the code-health issue "
        "ruled it out) or marking a whole batch in one transaction (a worker killed "
        "mid-batch would then send up to 500 emails twice)."
    ),
    "newsletter vs one task per email": lambda r: _per_task_note(r["mail"]["runs"]),
    "web worker": (
        "A gunicorn worker holds Django, Oscar with its dashboard apps, haystack, sorl, "
        "babel's locale data for prices and the project; serving adds the compiled "
        "templates, whitenoise's index of the static files and a database connection. The "
        "served processes have the production dependencies only (with the dev ones "
        "installed, the Stripe SDK also imports localstripe's aiohttp: about 8 MB more). Not "
        "tried: dropping Oscar apps the site does not use (wishlists, reviews, search)."
    ),
}


def _latency_note(runs: list[dict]) -> str:
    loads = " and ".join(str(run["load_average_at_start"][0]) for run in runs)
    idle = " and ".join(str(run["queue"]["signup_to_inbox"]["p50_ms"]) for run in runs)
    busy = " and ".join(str(run["queue"]["signup_during_newsletter"]["p50_ms"]) for run in runs)
    return (
        "From its commit to the sink, a confirm email passes about twenty process wake-ups "
        "(the broker, the worker's main process and its pool process, PostgreSQL for the "
        "row's lock, the reader and the mark, each step of the SMTP exchange, the sink); "
        f"with a load average of {loads} on 2 cores at the runs' start, each waits for a "
        f"core. Signups do not queue behind the newsletter (their own queue and worker, one "
        "task at a time per process), but the bulk worker's two processes share the same "
        f"cores: p50 {idle} ms with an idle queue, {busy} ms while it sends. What costs is "
        "CPU time shared with other work, which no queue setting removes."
    )


def _per_task_note(runs: list[dict]) -> str:
    floor_times = min(
        run["bulk"]["raw_smtplib"]["per_s"] / run["bulk"]["one_task_per_email"]["per_s"]
        for run in runs
    )
    return (
        "One task per email costs a broker round trip and a new SMTP connection per mail. "
        f"In these runs the raw smtplib loop itself is at least {floor_times:.1f}x one task "
        "per email."
    )


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def targets(r: dict) -> list[tuple[str, str, str, bool]]:
    """(what, target, measured, met) for every target of the benchmark."""
    rows = []
    if "http" in r:
        rows += _page_targets(r)
    if "mail" in r:
        rows += mail_targets(r)
    return rows


def _page_targets(r: dict) -> list[tuple[str, str, str, bool]]:
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
    web = max(r["memory"]["web_workers_peak_mb"])
    rows.append(("web worker peak RSS", f"<= {WEB_WORKER_MAX_MB} MB", f"{web} MB", web <= 120))
    return rows
