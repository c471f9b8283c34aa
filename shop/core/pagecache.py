"""Anonymous pages, cached whole for a second.

Under load most requests are visitors without a session or a basket asking for
the same few pages (home, the advice, the product). Such a page is rendered
about twice a second per process and served from the cache in between; a cached
page is never served once it is a second old, so any change, however it was made, shows
within a second, with nothing to invalidate.

A cached page still differs per response in a few places: the CSP nonce, the
CSRF token and the comment form's one-time token. Templates render those through
`per_request()` (the `{% per_request %}` tag of `page_cache_tags`, and the
`csrf_token` context variable), which gives the value itself, or a placeholder
while the page is rendered for the cache; every response from a cacheable view
has its placeholders filled in for its own request. The app that owns a value
registers it with `register_placeholder()` from its AppConfig.ready().

Placeholders carry a random token drawn for each render, and the copy is stored
already split at them, so text a visitor wrote (a comment saved before the
render) can never be taken for one, whatever is known of SECRET_KEY. The stored
copy holds no token and no value of any visitor's: two visitors' renders store
the same bytes.

A copy's age counts from the end of its render: a page that took long to
render (a loaded machine) is still served from the cache for its full time.

Pages live in a cache of their own (`caches["pages"]`, each process's memory by
default), so many page variants can never push rate limits or used form tokens
out of the default cache.
"""

import re
import secrets
import time
from collections.abc import Callable
from hashlib import md5

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.cache import cc_delim_re, patch_vary_headers
from django.utils.html import escape

# Only these query parameters are cached; any other makes the request pass through.
CACHED_QUERY_PARAMS = {"page"}

# {name: value(request, *args) -> str}: what a cached page fills in per response.
_placeholders: dict[str, Callable[..., str]] = {}


def register_placeholder(name: str, value: Callable[..., str]) -> None:
    """Let cached pages hold `name` ({% per_request "name" arg %}), filled in for
    each response with `value(request)`, or `value(request, arg)` given an arg (a
    string of digits). Apps register what they own from AppConfig.ready()."""
    _placeholders[name] = value


def rendering_for_cache(request) -> bool:
    """Whether this response is being rendered to be served to many visitors."""
    return getattr(request, "_page_cache_render", False)


def per_request(request, name: str, arg: int | str = "") -> str:
    """The per-request value `name`, or its placeholder when rendering for the cache."""
    if rendering_for_cache(request):
        return f"[placeholder-{request._page_cache_token}:{name}:{arg}]"
    return _value(request, name, str(arg))


def csrf_token_context(request) -> dict:
    """Context processor: the CSRF token as a placeholder in pages rendered for the cache."""
    if rendering_for_cache(request):
        return {"csrf_token": per_request(request, "csrf_token")}
    return {}


def _value(request, name: str, arg: str) -> str:
    return _placeholders[name](request, *([arg] if arg else []))


def _split(request, content: bytes) -> tuple:
    """The rendered page cut at its placeholders: text, name, arg, text, ... text."""
    token = re.escape(request._page_cache_token.encode())
    return tuple(re.split(rb"\[placeholder-" + token + rb":([a-z_]+):([0-9]*)\]", content))


def _fill(request, parts: tuple) -> bytes:
    """The page for this request: each placeholder replaced by its own value."""
    filled = [parts[0]]
    for i in range(1, len(parts), 3):
        value = _value(request, parts[i].decode(), parts[i + 1].decode())
        filled += [escape(value).encode(), parts[i + 2]]
    return b"".join(filled)


class AnonymousPageCacheMiddleware:
    """Serve the views named in `settings.PAGE_CACHE_VIEWS` from the cache to visitors
    who send no cookie the page could depend on (session, basket, messages,
    recently viewed products). Keep it last in MIDDLEWARE: a cached page skips
    only URL resolution and the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = self._key(request)
        if key is None:
            return self.get_response(request)
        cache = caches["pages"]
        seconds = settings.PAGE_CACHE_SECONDS
        cached = cache.get(key)
        age = time.time() - cached[0] if cached is not None else seconds
        # In the second half of its time, one request renders the page afresh
        # while the others are still served the cached one.
        if age < seconds / 2 or (age < seconds and not cache.add(f"{key}:renewing", 1, seconds)):
            response = HttpResponse(_fill(request, cached[2]), content_type=cached[1])
            patch_vary_headers(response, ["Cookie"])
            return response

        request._page_cache_key = key
        request._page_cache_token = secrets.token_hex(16)
        response = self.get_response(request)
        if rendering_for_cache(request) and not response.streaming:
            parts = _split(request, response.content)
            if self._storable(request, response):
                # Its age counts from the end of its render, however long that took.
                cache.set(key, (time.time(), response["Content-Type"], parts), seconds)
            cache.delete(f"{key}:renewing")
            response.content = _fill(request, parts)
            patch_vary_headers(response, ["Cookie"])
            # Anything rendered later (the flatpage fallback's page) is not for the cache.
            request._page_cache_render = False
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if hasattr(request, "_page_cache_key"):
            view_name = request.resolver_match.view_name
            request._page_cache_render = view_name in settings.PAGE_CACHE_VIEWS

    @staticmethod
    def _key(request) -> str | None:
        if (
            not settings.PAGE_CACHE_SECONDS
            or request.method not in ("GET", "HEAD")
            or not set(settings.PAGE_CACHE_IGNORED_COOKIES).issuperset(request.COOKIES)
            or not CACHED_QUERY_PARAMS.issuperset(request.GET)
        ):
            return None
        url = request.build_absolute_uri()
        return f"page:{md5(url.encode(), usedforsecurity=False).hexdigest()}"

    @staticmethod
    def _storable(request, response) -> bool:
        """A plain page that sets nothing for this visitor alone, and that its view
        does not say varies or must not be cached."""
        cache_control = set(cc_delim_re.split(response.get("Cache-Control", "").lower()))
        return (
            response.status_code == 200
            and response.get("Content-Type", "").startswith("text/html")
            and not response.cookies
            and not request.session.modified
            and not get_messages(request).added_new
            and not cache_control & {"private", "no-cache", "no-store"}
            and not response.has_header("Vary")
        )
