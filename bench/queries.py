"""How many SQL queries each page costs the shopper (a session and the wrap in the
basket): rendered with its fragments rendered afresh ("cold", the cache emptied
first) and with its fragments from the cache ("warm"); and a cookieless visitor
served from the page cache ("cached", the pages it keeps only)."""

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve


def count(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


def shopper_client(basket_product_id: int) -> Client:
    """A test client with the wrap in its basket and a session (as a shopper who began
    checking out has), so the page cache passes it by."""
    shopper = Client(HTTP_HOST="127.0.0.1")
    response = shopper.post(f"/basket/add/{basket_product_id}/", {"quantity": 1})
    assert response.status_code == 302, response.status_code
    session = shopper.session  # a new one: the client has none yet
    session["checkout_started"] = True
    session.save()
    shopper.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return shopper


def page_queries(pages: dict[str, str], *, basket_product_id: int) -> dict:
    shopper = shopper_client(basket_product_id)
    counts = {}
    for name, path in pages.items():
        shopper.get(path)  # thumbnails and the like exist from then on
        for cache in caches.all():
            cache.clear()
        counts[name] = {"cold": count(shopper, path), "warm": count(shopper, path)}
        if resolve(path).view_name in settings.PAGE_CACHE_VIEWS:
            newcomer = Client(HTTP_HOST="127.0.0.1")  # no cookie: the page cache serves it
            newcomer.get(path)
            counts[name]["cached"] = count(newcomer, path)
    return counts
