import base64
import hashlib

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on pages that show a visitor's own data
    (basket, checkout, account, dashboard, and any page for a signed-in visitor),
    so no shared cache or back button shows them to someone else.

    Anonymous pages without such data stay cacheable: shop.core.pagecache serves them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith(settings.PRIVATE_PATH_PREFIXES) or (
            user is not None and user.is_authenticated
        ):
            add_never_cache_headers(response)  # max-age=0, no-cache, no-store, private
        return response


def _handler_hash(source: str) -> str:
    digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
    return f"'sha256-{digest}'"


class DashboardInlineHandlersMiddleware:
    """On dashboard pages only, the Content-Security-Policy also allows the few
    inline event handlers Oscar's dashboard templates carry ("Cancel" links that go
    back, a pop-up's close link), each by the hash of its exact text
    ('unsafe-hashes'): no other inline script or handler runs, there or anywhere.
    """

    HANDLERS = ("window.history.go(-1);return false", "window.close();return false;")
    SCRIPT_SRC = ["'unsafe-hashes'", *map(_handler_hash, HANDLERS)]

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/dashboard/"):
            response._csp_update = {"script-src": self.SCRIPT_SRC}
        return response
