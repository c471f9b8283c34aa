import logging

from django.core.cache import caches
from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from blog.models import Post
from shop.catalogue.models import Product
from shop.celery import app as celery_app

logger = logging.getLogger(__name__)


def home(request):
    featured = Product.objects.shown().order_by("date_created").first()
    latest_post = Post.objects.published().select_related("author").first()
    return render(
        request,
        "shop/home.html",
        {"featured_product": featured, "latest_post": latest_post},
    )


@transaction.non_atomic_requests
def healthz(request):
    """A liveness probe for load balancers; also the benchmarks' baseline page."""
    return HttpResponse("ok", content_type="text/plain")


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    for alias in ("default", "pages"):
        cache = caches[alias]
        if hasattr(cache, "client") and hasattr(cache.client, "get_client"):
            # django-redis answers "not cached" when Redis is down: ask Redis itself.
            cache.client.get_client(write=True).ping()
        else:
            cache.set("readyz", "ok", 5)
            if cache.get("readyz") != "ok":
                raise ConnectionError(f"the {alias} cache keeps nothing")


def _broker() -> None:
    with celery_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=0, timeout=2)


@never_cache
@transaction.non_atomic_requests
def readyz(request):
    """A readiness probe: the database, the cache and the broker answer.

    200 when they all do, else 503; the body names each part and whether it is
    up, never how it is configured. The site keeps serving with the cache or the
    broker down (degraded), so route traffic on /healthz and alert on this."""
    parts = {"database": _database, "cache": _cache, "broker": _broker}
    status = {}
    for name, check in parts.items():
        try:
            check()
        except Exception as exc:
            logger.warning("readiness: the %s does not answer (%s)", name, type(exc).__name__)
            status[name] = "down"
        else:
            status[name] = "ok"
    ready = all(state == "ok" for state in status.values())
    return JsonResponse(status, status=200 if ready else 503)
