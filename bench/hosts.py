"""One web host against two behind nginx, as `make cluster` lays them out.

Two gunicorn instances (each with the page measurement's sync workers, each in a
working directory of its own) and a private nginx sending requests round robin to
both (`shop.cluster.nginx_conf`), on the benchmark's database, Redis and settings,
with `TRUSTED_PROXIES=1` as behind a proxy. Each target is measured in pairs, right
after each other: once against one instance directly ("one host"), once through nginx
("two hosts"); the pairs run round-robin over the targets, `repeats` times.
"""

import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from bench import pages, wrk
from bench.procs import ROOT, ensure_free, serving, start_gunicorn, stop

# shop.cluster is imported where it is used: importing the shop loads its settings,
# which must see the benchmark's environment (bench/run.py sets it up first).

# The pages a host's capacity is planned by: the floor, two pages the page cache
# serves, and two rendered for a visitor with a session and a one-line basket.
TARGETS = (
    "baseline",
    "home: cookieless",
    "product: cookieless",
    "product: shopper",
    "basket: shopper",
)
SETUPS = ("one", "two")


def _targets(paths: dict[str, str], cookie: str) -> list[wrk.Target]:
    chosen = [t for t in pages.targets(paths, cookie) if t.name in TARGETS]
    assert [t.name for t in chosen] == list(TARGETS), "a host target is missing from pages"
    return chosen


def start_nginx(folder: Path, port: int, web_ports: dict[str, int], log: Path):
    """A private nginx (its own prefix, in the foreground) on `port`, once it answers."""
    from shop.cluster import NGINX, nginx_conf

    ensure_free(port)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nginx.conf").write_text(nginx_conf(port, web_ports))
    with log.open("w") as out:
        proc = subprocess.Popen(
            [NGINX, "-e", "stderr", "-p", str(folder), "-c", "nginx.conf"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    if serving(proc, port, within=10):
        return proc
    stop(proc, signal.SIGQUIT)
    raise RuntimeError(f"nginx on port {port} did not answer; see {log}")


def _check_round_robin(url: str, web_ports: dict[str, int]) -> None:
    """Both instances answer through nginx (its `X-Served-By` header names each)."""
    served = set()
    for _ in range(2 * len(web_ports)):
        with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:  # noqa: S310
            served.add(response.headers["X-Served-By"])
    expected = {f"127.0.0.1:{port}" for port in web_ports.values()}
    if served != expected:
        raise RuntimeError(f"nginx sent requests to {sorted(served)}, not {sorted(expected)}")


def measure(
    env: dict,
    *,
    python: str,
    port: int,
    workers: int,
    repeats: int,
    seconds: int,
    connections: int,
    raw_dir: Path,
) -> dict:
    """Start the instances and nginx on `port`, `port` + 1 and + 2 (nginx on the
    last), measure, and stop them all, whatever happens."""
    from shop.catalogue.models import Product
    from shop.cluster import INSTANCES
    from shop.content import WRAP_UPC

    web_ports = {name: port + i for i, name in enumerate(INSTANCES)}
    proxy_port = port + len(INSTANCES)
    host_env = {
        **env,
        "TRUSTED_PROXIES": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    }
    (ROOT / "var").mkdir(exist_ok=True)
    # Under the checkout and world-readable: started as root, nginx runs its workers as nobody.
    folder = Path(tempfile.mkdtemp(prefix="bench-hosts-", dir=ROOT / "var"))
    folder.chmod(0o755)
    procs: list[tuple[subprocess.Popen, int]] = []
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    started = time.monotonic()
    try:
        for name, web_port in web_ports.items():
            (folder / name).mkdir()
            with (raw_dir / f"hosts-{name}.log").open("w") as log:
                server = start_gunicorn(
                    python,
                    web_port,
                    host_env,
                    workers=workers,
                    cwd=folder / name,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            procs.append((server, signal.SIGTERM))
        proxy = start_nginx(folder / "nginx", proxy_port, web_ports, raw_dir / "hosts-nginx.log")
        procs.append((proxy, signal.SIGQUIT))  # nginx's graceful stop
        urls = {
            "one": f"http://127.0.0.1:{web_ports[INSTANCES[0]]}",
            "two": f"http://127.0.0.1:{proxy_port}",
        }
        _check_round_robin(urls["two"], web_ports)
        paths = pages.pages()
        wrap = Product.objects.get(upc=WRAP_UPC)
        # Made through nginx: the session and basket live in what both instances share.
        cookie = pages.shopper_cookie(urls["two"], paths["product"], wrap.pk)
        runs = {setup: _targets(paths, cookie) for setup in SETUPS}
        for setup in SETUPS:
            wrk.warm_up(urls[setup], runs[setup], connections=connections)
        for repeat in range(1, repeats + 1):
            for i in range(len(TARGETS)):
                for setup in SETUPS:
                    wrk.run_once(
                        urls[setup],
                        runs[setup][i],
                        repeat,
                        seconds=seconds,
                        connections=connections,
                        raw_dir=raw_dir,
                        label=f"hosts-{setup}-",
                    )
    finally:
        for proc, sig in reversed(procs):
            stop(proc, sig)
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "instances": len(INSTANCES),
        "web_workers_each": workers,
        "load_average_at_start": load_at_start,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "duration_s": round(time.monotonic() - started),
        **{setup: pages.summarise(runs[setup]) for setup in SETUPS},
        "two_over_one": _ratios(runs["one"], runs["two"]),
    }


def _ratios(one: list[wrk.Target], two: list[wrk.Target]) -> dict:
    """Per target, two hosts' requests/s over one host's, run by run (each pair ran
    right after each other): median, min and max."""
    ratios = {}
    for a, b in zip(one, two, strict=True):
        pairs = [
            y["requests_per_s"] / x["requests_per_s"] for x, y in zip(a.runs, b.runs, strict=True)
        ]
        ratios[a.name] = {
            "median": round(statistics.median(pairs), 2),
            "min": round(min(pairs), 2),
            "max": round(max(pairs), 2),
        }
    return ratios
