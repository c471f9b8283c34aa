"""Where a rendered page's time goes: one warm request per page, in-process, as a
visitor with a session and a one-line basket (so the page cache passes it by),
profiled with cProfile. Times are the process's CPU time (`time.process_time`),
so neither the database's share nor a busy machine's waits count. The templates'
inclusive time is measured alongside by wrapping `Template._render`, as Django's own
test runner instruments rendering.

Run from `bench.run` (DEBUG off, the benchmark's database and Redis), or alone:
`python -m bench.profile` prints the summary for the database in DATABASE_URL.
"""

import cProfile
import os
import pstats
import sysconfig
import time
from contextlib import contextmanager

TOP = 12
WARM_REQUESTS = 3  # before the profiled one: sessions, fragments, thumbnails exist


@contextmanager
def template_timer():
    """{template name: [calls, inclusive seconds]} for the templates rendered inside;
    a template rendered within itself (a comment thread) counts once, at the outside."""
    from django.template.base import Template

    times: dict[str, list] = {}
    stack: list[str] = []
    original = Template._render

    def timed(self, context):
        name = self.origin.template_name if self.origin else "<string>"
        name = str(name or "<string>")
        if name in stack:
            return original(self, context)
        stack.append(name)
        started = time.process_time()
        try:
            return original(self, context)
        finally:
            stack.pop()
            entry = times.setdefault(name, [0, 0.0])
            entry[0] += 1
            entry[1] += time.process_time() - started

    Template._render = timed
    try:
        yield times
    finally:
        Template._render = original


def short(path: str) -> str:
    """A code path as the report names it: from the package (site-packages), the
    standard library or the project down, never the machine's own folders."""
    stdlib = sysconfig.get_paths()["stdlib"] + "/"
    if path.startswith(stdlib):
        return path[len(stdlib) :]
    return path.split("site-packages/")[-1].replace(os.getcwd() + "/", "")


def _functions(profile: cProfile.Profile) -> tuple[float, list[dict]]:
    stats = pstats.Stats(profile)
    total = stats.total_tt
    rows = []
    for (path, line, func), (_cc, calls, _tt, cumulative, _callers) in stats.stats.items():
        if func.startswith("<") or "/bench/" in path:
            continue
        rows.append(
            {"function": f"{short(path)}:{line}({func})", "calls": calls, "ms": cumulative * 1000}
        )
    rows.sort(key=lambda row: row["ms"], reverse=True)
    return total, rows


# Frames every request passes through; listing them says nothing about the page.
_PLUMBING = (
    "django/test/client.py",
    "django/core/handlers/",
    "django/utils/deprecation.py",
    "django/contrib/staticfiles/handlers.py",
    "django/template/response.py",
    "django/views/generic/base.py",
    "django/utils/decorators.py",
    "django/template/base.py",
    "django/template/loader_tags.py",
    "django/template/defaulttags.py",
    "django/template/library.py",
    "django/template/backends/django.py",
    "whitenoise/middleware.py",
    "csp/middleware.py",
)


def profile_page(client, path: str) -> dict:
    for _ in range(WARM_REQUESTS):
        assert client.get(path).status_code == 200, path
    profile = cProfile.Profile(time.process_time)
    with template_timer() as templates:
        started = time.process_time()
        profile.enable()
        response = client.get(path)
        profile.disable()
        cpu = time.process_time() - started
    assert response.status_code == 200, (path, response.status_code)
    _total, functions = _functions(profile)
    # The middleware and the view's frames hold nearly all of the request: the page's
    # own costs are the frames below them.
    functions = [
        f
        for f in functions
        if f["ms"] < 0.9 * cpu * 1000 and not any(p in f["function"] for p in _PLUMBING)
    ]
    return {
        "path": path,
        "profiled_ms": round(cpu * 1000, 1),
        "functions": [{**f, "ms": round(f["ms"], 1)} for f in functions[:TOP]],
        "templates": [
            {"template": name, "calls": calls, "ms": round(seconds * 1000, 1)}
            for name, (calls, seconds) in sorted(
                templates.items(), key=lambda item: item[1][1], reverse=True
            )[:TOP]
        ],
    }


def unprofiled_ms(client, path: str, requests: int = 20) -> float:
    """The median CPU time of a warm request without the profiler's overhead."""
    times = []
    for _ in range(requests):
        started = time.process_time()
        client.get(path)
        times.append((time.process_time() - started) * 1000)
    return round(sorted(times)[len(times) // 2], 1)


def profile_pages(pages: dict[str, str], *, basket_product_id: int) -> dict:
    """Each page for one shopper with the wrap in their basket."""
    from bench.queries import shopper_client

    shopper = shopper_client(basket_product_id)
    results = {}
    for name, path in pages.items():
        results[name] = profile_page(shopper, path)
        results[name]["median_ms"] = unprofiled_ms(shopper, path)
    return results


def summary(results: dict) -> str:
    lines = []
    for name, r in results.items():
        lines += [
            f"{name} ({r['path']}): {r['median_ms']} ms CPU a warm request in-process "
            f"({r['profiled_ms']} ms under the profiler)",
            *(f"    {f['ms']:7.1f} ms {f['calls']:5d}x {f['function']}" for f in r["functions"]),
            "  templates (inclusive):",
            *(f"    {t['ms']:7.1f} ms {t['calls']:5d}x {t['template']}" for t in r["templates"]),
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    import django

    django.setup()
    from bench.pages import pages
    from shop.catalogue.models import Product
    from shop.content import WRAP_UPC

    wrap = Product.objects.get(upc=WRAP_UPC)
    print(summary(profile_pages(pages(), basket_product_id=wrap.pk)))
