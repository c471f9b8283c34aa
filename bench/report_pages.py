"""The report's page sections: both visitors per page, the cold first render, and
where a rendered page's CPU time goes."""

VISITORS = {
    "cookieless": (
        "**Cookieless** is a first visit without any cookie. Home, the advice index, the "
        "article and the product page are then served from the page cache "
        "(`shop/core/pagecache.py`): a copy at most a second old with its per-response tokens "
        "filled in, not a render. The basket page has no cached copy: it is rendered, empty."
    ),
    "shopper": (
        "**Shopper** is a visitor with a session (a guest checkout started) and the wrap in "
        "the basket. The page cache passes such a visitor by, so every one of these "
        "requests renders the page, with its fragments warm in the cache."
    ),
}


def _spread(figure: dict, fmt: str = "{:.0f}") -> str:
    median, low, high = (fmt.format(figure[k]) for k in ("median", "min", "max"))
    return f"{median} ({low}-{high})"


def _queries(q: dict | None, visitor: str) -> str:
    if not q:
        return "0"
    if visitor == "cookieless":
        return f"{q['cached']} (cached copy)" if "cached" in q else "-"
    return f"{q['cold']} cold, {q['warm']} warm"


def pages_section(r: dict) -> list[str]:
    lines = [
        "## Pages, two visitors",
        "",
        *(f"- {text}" for text in VISITORS.values()),
        "",
        "Throughput is a share of the baseline (`/healthz`: the same middleware, no "
        "template, no query) measured in the same run; compare these ratios, not the "
        "absolute figures, on a shared machine.",
        "",
        "| page | visitor | requests/s | % of baseline | p50 ms | p99 ms | p99/p50 | queries |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, f in r["http"].items():
        page, _, visitor = name.partition(": ")
        q = r["queries"].get(page)
        lines.append(
            f"| {page} (`{f['path']}`) | {visitor or '-'} | {_spread(f['requests_per_s'])} | "
            f"{f['percent_of_baseline']}% | {_spread(f['p50_ms'], '{:.1f}')} | "
            f"{_spread(f['p99_ms'], '{:.1f}')} | {f['p99_over_p50']} | "
            f"{_queries(q, visitor) if visitor else '0'} |"
        )
    errors = {name: f["errors"] for name, f in r["http"].items() if f["errors"]}
    lines += ["", f"Errors (non-2xx/3xx or socket): {errors or 'none'}."]
    if r.get("cold"):
        lines += [
            "",
            "### Cold first render",
            "",
            "The shopper's request right after every cache was emptied (each fragment "
            "rendered afresh, as after a deploy or a change to everything on the page), "
            "and the next one with the fragments back; one request at a time, no other "
            "load from the benchmark, median of three, wall time over HTTP.",
            "",
            "| page | cold ms | warm ms | cold / warm |",
            "|---|---|---|---|",
            *(
                f"| {page} | {c['cold_ms']} | {c['warm_ms']} | {c['cold_ms'] / c['warm_ms']:.1f} |"
                for page, c in r["cold"].items()
            ),
        ]
    return lines


def profile_section(r: dict, rows: int) -> list[str]:
    if not r.get("profile"):
        return []
    lines = [
        "",
        "## Where a rendered page's time goes",
        "",
        "One warm request per page for the shopper, in-process with DEBUG off "
        "(`bench/profile.py`): cProfile with the process's CPU time as its clock, so the "
        "database's own time and a busy machine's waits do not count. The profiler "
        "multiplies the time of every Python call, so read the shares, not the "
        "milliseconds; the unprofiled CPU time of the same request is given first. "
        "Functions by cumulative time, leaving out the frames every request passes "
        "through (middleware, the view's call, the template engine's nodes); "
        "templates by inclusive time (a template's own nodes and what it includes).",
    ]
    for page, p in r["profile"].items():
        lines += [
            "",
            f"**{page}** (`{p['path']}`): {p['median_ms']} ms CPU a request unprofiled, "
            f"{p['profiled_ms']} ms under the profiler.",
            "",
            "| cumulative ms (profiled) | calls | function |",
            "|---|---|---|",
            *(f"| {f['ms']} | {f['calls']} | `{f['function']}` |" for f in p["functions"][:rows]),
            "",
            "| inclusive ms (profiled) | renders | template |",
            "|---|---|---|",
            *(f"| {t['ms']} | {t['calls']} | `{t['template']}` |" for t in p["templates"][:rows]),
        ]
    return lines
