"""The pages measured over HTTP, each for two visitors:

- cookieless: a first visit, no cookie at all. Home, the advice index, the article
  and the product page come from the page cache (shop/core/pagecache.py), a copy at most
  a second old; the basket page, private to its visitor, is rendered (empty).
- shopper: a visitor with a session (a guest checkout started) and the wrap in the
  basket. The page cache passes such a visitor by, so every page is rendered, with
  its fragments warm in the cache.

And the cold first render: one shopper request right after the caches were emptied
(as after a deploy or a change to everything on the page), against the same
request once the fragments are back.
"""

import http.cookies
import re
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request

from bench import wrk

PATHS = ("cookieless", "shopper")
COLD_SAMPLES = 3


def pages() -> dict[str, str]:
    from blog.content import ARTICLE_SLUG
    from shop.catalogue.models import Product
    from shop.content import WRAP_UPC

    return {
        "home": "/",
        "article": f"/blog/{ARTICLE_SLUG}/",
        "product": Product.objects.get(upc=WRAP_UPC).get_absolute_url(),
        "basket": "/basket/",
        "blog index": "/blog/",
    }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Just enough of a browser for the shopper's cookies: it keeps what it is sent."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.jar = http.cookies.SimpleCookie()
        self.opener = urllib.request.build_opener(_NoRedirect)

    @property
    def cookie(self) -> str:
        return "; ".join(f"{k}={m.value}" for k, m in self.jar.items() if m.value)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data else None
        req = urllib.request.Request(  # noqa: S310 (loopback)
            self.base_url + path, data=body, headers={"Cookie": self.cookie}
        )
        try:
            response = self.opener.open(req, timeout=30)
        except urllib.error.HTTPError as redirect:  # the 302 after a form
            response = redirect
        for header in response.headers.get_all("Set-Cookie") or []:
            self.jar.load(header)
        return response.status, response.read().decode()

    def token(self, page: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def shopper_cookie(base_url: str, product_path: str, product_id: int) -> str:
    """A visitor who put the wrap in the basket and started a guest checkout, over HTTP."""
    browser = Browser(base_url)
    _, page = browser.request(product_path)
    browser.request(
        f"/basket/add/{product_id}/", {"csrfmiddlewaretoken": browser.token(page), "quantity": 1}
    )
    _, page = browser.request("/checkout/")
    status, _ = browser.request(
        "/checkout/",
        {
            "csrfmiddlewaretoken": browser.token(page),
            "username": "runner@example.com",
            "options": "anonymous",
        },
    )
    assert status == 302, f"the guest checkout did not start ({status})"
    _, basket = browser.request("/basket/")
    assert product_path in basket, "the wrap is not in the basket"
    assert "sessionid" in browser.jar, "the shopper has no session"
    return browser.cookie


def targets(paths: dict[str, str], cookie: str) -> list[wrk.Target]:
    return [
        wrk.Target("baseline", "/healthz"),
        *(
            wrk.Target(f"{name}: {visitor}", path, headers={"Cookie": cookie} if cookie_on else {})
            for name, path in paths.items()
            for visitor, cookie_on in (("cookieless", False), ("shopper", True))
        ),
    ]


def _timed_get(base_url: str, path: str, cookie: str) -> float:
    req = urllib.request.Request(base_url + path, headers={"Cookie": cookie})  # noqa: S310
    started = time.perf_counter()
    with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310
        response.read()
        assert response.status == 200, (path, response.status)
    return (time.perf_counter() - started) * 1000


def cold_renders(base_url: str, paths: dict[str, str], cookie: str) -> dict:
    """Per page: the shopper's request right after every cache was emptied, and the
    next one (fragments warm), one request at a time; median of a few, in ms."""
    from django.core.cache import caches

    results = {}
    for name, path in paths.items():
        cold, warm = [], []
        for _ in range(COLD_SAMPLES):
            for cache in caches.all():
                cache.clear()
            cold.append(_timed_get(base_url, path, cookie))
            warm.append(_timed_get(base_url, path, cookie))
        results[name] = {
            "cold_ms": round(statistics.median(cold), 1),
            "warm_ms": round(statistics.median(warm), 1),
        }
    return results


def summarise(targets: list[wrk.Target]) -> dict:
    """Each target's figures, with its throughput as a share of the baseline's."""
    baseline = targets[0].summary()["requests_per_s"]["median"]
    results = {}
    for target in targets:
        summary = target.summary()
        summary["percent_of_baseline"] = round(
            100 * summary["requests_per_s"]["median"] / baseline, 1
        )
        summary["p99_over_p50"] = round(
            summary["p99_ms"]["median"] / summary["p50_ms"]["median"], 2
        )
        results[target.name] = summary
    return results
