import html5lib
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


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


def test_every_inline_script_carries_the_pages_nonce(client):
    response = client.get(reverse("basket:summary"))
    nonce = next(v for v in csp_directives(response)["script-src"] if v.startswith("'nonce-"))
    document = html5lib.parse(response.content, namespaceHTMLElements=False)
    inline = [s for s in document.iter("script") if not s.get("src")]
    assert inline, "the page has its start-up script"
    assert all(f"'nonce-{s.get('nonce')}'" == nonce for s in inline)
    handlers = [
        (el.tag, name) for el in document.iter() for name in el.attrib if name.startswith("on")
    ]
    assert handlers == []


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /checkout/" in body
