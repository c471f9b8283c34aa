"""HTTP throughput and latency of the site's pages against a bare baseline, with wrk.

Serving is production-like: DEBUG off, gunicorn, PostgreSQL, Redis as the cache,
whitenoise for static files. Targets run round-robin, several times each, so every
page is compared with the baseline measured in the same run.
"""

import re
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


@dataclass
class Target:
    name: str
    path: str
    headers: dict = field(default_factory=dict)
    runs: list = field(default_factory=list)  # one dict per wrk run

    def summary(self) -> dict:
        def spread(key):
            values = [run[key] for run in self.runs]
            return {
                "median": statistics.median(values),
                "min": min(values),
                "max": max(values),
            }

        return {
            "path": self.path,
            "runs": len(self.runs),
            "requests_per_s": spread("requests_per_s"),
            "p50_ms": spread("p50_ms"),
            "p99_ms": spread("p99_ms"),
            "errors": sum(run["errors"] for run in self.runs),
        }


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> dict:
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    if len(latency) < 2:
        raise RuntimeError(f"wrk completed no requests:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)$", output, re.MULTILINE)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _ms(latency["50"]),
        "p99_ms": _ms(latency["99"]),
        "errors": errors,
    }


def wrk(url: str, *, seconds: int, connections: int, headers: dict, raw: Path | None = None):
    args = ["wrk", "--latency", "-t", "2", "-c", str(connections), "-d", f"{seconds}s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    if raw:
        raw.write_text(out)
    return parse_wrk(out)


def warm_up(base_url: str, targets: list[Target], *, connections: int) -> None:
    """A few seconds of each target first, to warm every cache and connection."""
    for target in targets:
        warm = ["wrk", "-t", "2", "-c", str(connections), "-d", "3s"]
        for name, value in target.headers.items():
            warm += ["-H", f"{name}: {value}"]
        subprocess.run([*warm, base_url + target.path], capture_output=True, check=True)


def run_once(
    base_url: str,
    target: Target,
    repeat: int,
    *,
    seconds: int,
    connections: int,
    raw_dir: Path,
    label: str = "",
) -> dict:
    """One wrk run of `target`, kept in its runs (raw output: wrk-<label><target>-<repeat>.txt)."""
    slug = label + target.name.replace(" ", "-")
    result = wrk(
        base_url + target.path,
        seconds=seconds,
        connections=connections,
        headers=target.headers,
        raw=raw_dir / f"wrk-{slug}-{repeat}.txt",
    )
    print(f"  {label}{target.name} run {repeat}: {result}", flush=True)
    target.runs.append(result)
    time.sleep(1)
    return result


def measure(
    base_url: str,
    targets: list[Target],
    *,
    repeats: int,
    seconds: int,
    connections: int,
    raw_dir: Path,
):
    warm_up(base_url, targets, connections=connections)
    for repeat in range(1, repeats + 1):
        for target in targets:
            run_once(
                base_url, target, repeat, seconds=seconds, connections=connections, raw_dir=raw_dir
            )
    return targets
