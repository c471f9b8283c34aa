"""bench/results/report.md and ratios.png from the figures of one run."""

from pathlib import Path

from bench.chart import chart
from bench.report_hosts import hosts_section
from bench.report_mail import mail_section
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
        "(1, 5, 15 min; a figure above the core count means other work shared the machine); "
        f"the whole run took {r['duration_s']} s.",
        f"HTTP (when measured): wrk, {s['connections']} connections, {s['seconds']} s per target, "
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
    if "http" in r:
        lines += pages_section(r)
    else:
        lines += ["Pages were not measured in this run (`BENCH_PAGES=0`)."]
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
    if "hosts" in r:
        lines += hosts_section(r)
    else:
        lines += ["", "One host against two was not measured in this run (`BENCH_HOSTS=0`).", ""]
    if "mail" in r:
        lines += mail_section(r)
    else:
        lines += [
            "",
            "Email (task queue, bulk mail, the workers' memory) was not measured in this "
            "run (`BENCH_MAIL=0`).",
            "",
        ]
    return "\n".join(lines)


def write(r: dict, results: Path) -> None:
    (results / "report.md").write_text(markdown(r))
    chart(r, results / "ratios.png")
