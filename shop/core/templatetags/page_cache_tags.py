from django import template

from shop.core import pagecache

register = template.Library()


@register.simple_tag(takes_context=True)
def per_request(context, name: str, arg: int | str = "") -> str:
    """A value that differs per response (a nonce, a token), even on a cached page."""
    request = context.get("request")
    return pagecache.per_request(request, name, arg) if request is not None else ""
