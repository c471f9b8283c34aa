import json
import os
import subprocess
import sys
from pathlib import Path

import html5lib
import pytest
from django.urls import reverse

from blog.content import ARTICLE_SLUG
from blog.content import load as load_blog
from tests.conftest import database_url
from tests.shop.test_settings import PRODUCTION

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_pages_carry_security_headers(client):
    response = client.get(reverse("home"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    csp = csp_directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in csp["script-src"]


def script_problems(response) -> list[str]:
    """Inline scripts without the response's nonce, inline event handlers, javascript: links."""
    nonce = next(v for v in csp_directives(response)["script-src"] if v.startswith("'nonce-"))
    document = html5lib.parse(response.content, namespaceHTMLElements=False)
    # JSON-LD is data, never run: the policy does not apply to it.
    inline = [
        s for s in document.iter("script")
        if not s.get("src") and s.get("type") != "application/ld+json"
    ]  # fmt: skip
    assert inline, "the page has its start-up script"
    elements = list(document.iter())
    return [
        *(f"un-nonced script: {s.text[:60]!r}" for s in inline if s.get("nonce") != nonce[7:-1]),
        *(
            f"<{el.tag} {attr}=...>"
            for el in elements
            for attr in el.attrib
            if attr.startswith("on")
        ),
        *(f"<a href={el.get('href')!r}>" for el in elements if "javascript:" in el.get("href", "")),
    ]


def test_no_page_runs_script_the_policy_would_refuse(client, checkout, wrap):
    """Every page of the reader's and the shopper's way, up to the thank-you page."""
    load_blog()
    pages = {}

    def visit(name, url):
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        pages[name] = script_problems(response)

    visit("home", reverse("home"))
    visit("article", reverse("blog:post_detail", kwargs={"slug": ARTICLE_SLUG}))
    visit("blog", reverse("blog:post_list"))
    visit("product", wrap.get_absolute_url())
    visit("shop", reverse("catalogue:index"))
    checkout.add(wrap, quantity=2)
    visit("basket", reverse("basket:summary"))
    visit("checkout", reverse("checkout:index"))
    checkout.as_guest()
    visit("shipping address", reverse("checkout:shipping-address"))
    checkout.ship()
    visit("shipping method", reverse("checkout:shipping-method"))
    visit("payment", reverse("checkout:payment-details"))
    checkout.enter_card()
    visit("preview", reverse("checkout:preview"))
    assert checkout.place_order().status_code == 302
    visit("thank-you", reverse("checkout:thank-you"))

    assert pages == {name: [] for name in pages}


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert {"Disallow: /accounts/", "Disallow: /dashboard/", "Disallow: /admin/"} <= set(
        body.splitlines()
    )
    # Search engines may see the basket and checkout pages (a robots.txt rule would
    # make them "blocked from indexing" for Lighthouse); they hold nothing private.
    assert "Disallow: /basket/" not in body
    assert "Disallow: /checkout/" not in body


@pytest.mark.postgres
def test_production_serves_hsts_and_secure_cookies_over_https_only():
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT"}
    env = {
        **{k: v for k, v in os.environ.items() if k not in unset},
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "DEBUG": "0",
        "SECRET_KEY": "a-production-secret-that-is-long-and-random-0123456789abcdefghijkl",
        "ALLOWED_HOSTS": "shop.example.com",
        "DATABASE_URL": database_url(),
        **{k: v for k, v in PRODUCTION.items() if k.startswith("STRIPE_")},
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.shop.production_probe"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])

    assert found["insecure"] == [301, "https://shop.example.com/"]
    assert found["status"] == 200
    headers = found["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert (
        "'unsafe-inline'"
        not in headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )
    assert found["cookies"]["csrftoken"] == {"secure": True, "httponly": False}
    assert found["settings"] == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "OSCAR_BASKET_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
    }
    assert found["static_storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
