from django.conf import settings
from django.utils.cache import add_never_cache_headers


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on pages that show a visitor's own data
    (basket, checkout, account, dashboard, and any page for a signed-in visitor),
    so no shared cache or back button shows them to someone else.

    Anonymous pages without such data stay cacheable: shop.pagecache serves them.
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
