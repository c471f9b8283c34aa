"""How many SQL queries each page costs: rendered with its fragments rendered afresh
("cold", the cache emptied first), rendered with its fragments from the cache
("warm"), and served from the page cache ("cached", anonymous pages only)."""

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings


def count(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


def page_queries(pages: dict[str, str], *, basket_product_id: int) -> dict:
    visitor = Client(HTTP_HOST="127.0.0.1")
    shopper = Client(HTTP_HOST="127.0.0.1")
    shopper.post(f"/basket/add/{basket_product_id}/", {"quantity": 1})
    counts = {}
    for name, path in pages.items():
        client = shopper if name == "basket" else visitor
        client.get(path)  # sessions, thumbnails and the like exist from then on
        cache.clear()
        with override_settings(PAGE_CACHE_SECONDS=0):
            counts[name] = {"cold": count(client, path), "warm": count(client, path)}
        if name != "basket":  # a new visitor, without the cookies of the pages before
            newcomer = Client(HTTP_HOST="127.0.0.1")
            newcomer.get(path)
            counts[name]["cached"] = count(newcomer, path)
    return counts
