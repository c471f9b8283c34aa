"""`make lighthouse`: Lighthouse (npm, default mobile preset) on the site served as
in production; JSON reports under artifacts/lighthouse/, scores printed per page.

The site runs with DEBUG off under gunicorn, static files from whitenoise's
compressed manifest storage, on a fresh SQLite database with the site content
loaded. Plain http on loopback, so SECURE_SSL_REDIRECT is off. Uploaded media
(the product's thumbnails) are served next to the site by whitenoise, standing in
for the web server or CDN that serves them in production.

The basket and the first checkout step are measured with one wrap in the basket:
the basket cookie of a real add-to-basket request is sent with every request.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "artifacts" / "lighthouse"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = " ".join(
    [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {
    "home": "/",
    "article": "/blog/why-do-i-have-hip-pain-after-running/",
    "blog index": "/blog/",
    "product": None,  # the wrap's page, found on the home page
    "basket": "/basket/",
    "checkout": "/checkout/",
}
WITH_BASKET = {"basket", "checkout"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_env(workdir: Path) -> dict:
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        # Production refuses to start without Stripe settings; no page measured here pays.
        "STRIPE_SECRET_KEY": "sk_test_bench_no_payments",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_bench_no_payments",
        "STRIPE_WEBHOOK_SECRET": "whsec_bench_no_payments",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "CACHE_URL": "locmemcache://",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
    }


def prepare(env: dict) -> None:
    for args in (
        ["migrate", "--noinput", "--verbosity", "0"],
        ["load_site_content"],
        ["collectstatic", "--noinput", "--verbosity", "0"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def serve(env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "bench.lighthouse_wsgi",
            "--bind", f"127.0.0.1:{port}", "--workers", "2",
        ],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)  # noqa: S310
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not answer within 30 s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def basket_cookie(base_url: str, product_path: str) -> str:
    """Add the wrap to a new basket as a browser would; return the Cookie header that
    carries it. (Cookies are marked Secure, so they are read by hand here.)"""
    opener = urllib.request.build_opener(NoRedirect)
    page = opener.open(base_url + product_path)  # noqa: S310 (the loopback site started here)
    cookies = SimpleCookie()
    for header in page.headers.get_all("Set-Cookie"):
        cookies.load(header)
    html = page.read().decode()
    action = re.search(r'<form id="add_to_basket_form" action="([^"]+)"', html)[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    request = urllib.request.Request(  # noqa: S310 (the loopback site started here)
        base_url + action,
        data=urllib.parse.urlencode({"csrfmiddlewaretoken": token, "quantity": 1}).encode(),
        headers={"Cookie": f"csrftoken={cookies['csrftoken'].value}"},
    )
    try:
        opener.open(request)
    except urllib.error.HTTPError as redirect:  # the 302 back to the product page
        for header in redirect.headers.get_all("Set-Cookie"):
            cookies.load(header)
    return f"oscar_open_basket={cookies['oscar_open_basket'].value}"


def lighthouse(url: str, report: Path, cookie: str | None) -> dict[str, int]:
    args = [
        str(LIGHTHOUSE), url,
        "--output=json", f"--output-path={report}",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--quiet",
    ]  # fmt: skip
    if cookie:
        args.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    # Lighthouse now and then fails to record a trace on a busy machine (NO_NAVSTART,
    # NO_FCP): such a run is repeated, up to three times.
    for attempt in range(3):
        run = subprocess.run(args, env={**os.environ, "CHROME_PATH": CHROME})
        if run.returncode == 0:
            break
        print(f"Lighthouse failed on {url} (attempt {attempt + 1} of 3)")
    run.check_returncode()
    result = json.loads(report.read_text())
    scores = {name: round(100 * result["categories"][name]["score"]) for name in CATEGORIES}
    failing = [
        f"{audit['id']} ({audit['score']})"
        for audit in result["audits"].values()
        if audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
        and audit.get("score") is not None
        and audit["score"] < 1
    ]
    return {**scores, "below 1": failing}


def main() -> int:
    if not LIGHTHOUSE.exists():
        print("Lighthouse is missing: run npm ci (make lighthouse does).")
        return 2
    REPORTS.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="lighthouse-"))
    env = site_env(workdir)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    prepare(env)
    server = serve(env, port)
    try:
        home = urllib.request.urlopen(base_url + "/").read().decode()  # noqa: S310 (loopback)
        PAGES["product"] = re.search(r'href="(/catalogue/[^"/]+_\d+/)"', home)[1]
        cookie = basket_cookie(base_url, PAGES["product"])
        results = {}
        for name, path in PAGES.items():
            report = REPORTS / f"{name.replace(' ', '-')}.json"
            results[name] = lighthouse(
                base_url + path, report, cookie if name in WITH_BASKET else None
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"\n{'page':<12}" + "".join(f"{c:>16}" for c in CATEGORIES))
    for name, scores in results.items():
        print(f"{name:<12}" + "".join(f"{scores[c]:>16}" for c in CATEGORIES))
        if scores["below 1"]:
            print(f"{'':<12}audits below full marks: {', '.join(scores['below 1'])}")
    print(f"\nReports: {REPORTS.relative_to(ROOT)}/")
    perfect = all(scores[c] == 100 for scores in results.values() for c in CATEGORIES)
    return 0 if perfect else 1


if __name__ == "__main__":
    sys.exit(main())
