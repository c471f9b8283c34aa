"""The report's section on one web host against two behind nginx (bench/hosts.py)."""

LABELS = {
    "baseline": "`/healthz`",
    "home: cookieless": "home, no cookie (page cache)",
    "product: cookieless": "product, no cookie (page cache)",
    "product: shopper": "product, with a basket (rendered)",
    "basket: shopper": "basket, with a basket (rendered)",
}


def _loads(figures: list[float]) -> str:
    return " / ".join(str(x) for x in figures)


def hosts_section(r: dict) -> list[str]:
    h = r["hosts"]
    one, two, ratio = h["one"], h["two"], h["two_over_one"]
    workers, cores = h["web_workers_each"], r["machine"]["cores"]
    repeats = r["settings"]["repeats"]
    lines = [
        "",
        "## One host against two",
        "",
        f"One host is one gunicorn instance ({workers} sync workers) asked directly; two "
        f"hosts are {h['instances']} such instances, each in a working directory of its own, "
        "behind a private nginx sending requests round robin (`bench/hosts.py`, the layout "
        "of `make cluster`), on the same database, Redis and settings. Each target ran "
        "against one host and then against two, right after each other, the pairs "
        f"round-robin over the targets, {'once' if repeats == 1 else f'{repeats} times'} "
        f"({h['duration_s']} s in all, warm-up included). Load average (1, 5, 15 min) at the start "
        f"{_loads(h['load_average_at_start'])}, at the end {_loads(h['load_average_at_end'])}.",
        "",
        "**two / one** is two hosts' requests/s over one host's, pair by pair: median "
        "(min-max), above 1 when two hosts served more. **share of `/healthz`** is the "
        "page's requests/s as a share of the `/healthz` measured on the same setup: for "
        "one host against one host's, for two against two's.",
        "",
        "| page | two / one | one host: requests/s | share of `/healthz` "
        "| two hosts: requests/s | share of `/healthz` | p99 ms, one / two |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, label in LABELS.items():
        a, b, q = one[name], two[name], ratio[name]
        share_a, share_b = (
            ("-", "-")
            if name == "baseline"
            else (f"{a['percent_of_baseline']}%", f"{b['percent_of_baseline']}%")
        )
        lines.append(
            f"| {label} | {q['median']:.2f} ({q['min']:.2f}-{q['max']:.2f}) "
            f"| {a['requests_per_s']['median']:.0f} | {share_a} "
            f"| {b['requests_per_s']['median']:.0f} | {share_b} "
            f"| {a['p99_ms']['median']:.1f} / {b['p99_ms']['median']:.1f} |"
        )
    errors = {
        f"{setup}: {name}": f["errors"]
        for setup in ("one", "two")
        for name, f in h[setup].items()
        if f["errors"]
    }
    lines += [
        "",
        f"Errors (non-2xx/3xx or socket): {errors or 'none'}.",
        "",
        f"This machine has {cores} cores, and two hosts on it add processes "
        f"({h['instances'] * workers} web workers and nginx against {workers}), not cores: "
        "a ratio above 1 is a bigger share of cores that wrk, PostgreSQL, Redis and any "
        "other work contend for, not capacity, and on an idle machine expect about 1 less "
        "nginx's hop. Plan hosts by one host's figures, each host on cores of its own.",
    ]
    return lines
