"""The header's basket (the mini basket and the "Basket" link's count) from the cache,
under a key made of what it shows, so a page does not load the basket and apply the
offers to show the same figures again.

The key is one query: the visitor's open basket with its vouchers and each line's
quantity and last change, its price and the stock record's and product's last
change. Adding, changing or removing a line, a voucher, or a price changes the key
at once. Offers have no time of change: the fragment lives for
`BASKET_FRAGMENT_SECONDS` at most, so a new or edited offer shows in the header
within that time; the basket page and the checkout always apply the offers afresh.
"""

from hashlib import md5

from django import template
from django.conf import settings
from django.core.signing import BadSignature, Signer
from oscar.apps.basket.models import Basket

register = template.Library()

_STATE = (
    "id",
    "vouchers__id",
    "lines__id",
    "lines__quantity",
    "lines__date_updated",
    "lines__stockrecord__price",
    "lines__stockrecord__date_updated",
    "lines__product__date_updated",
)


def basket_key(request) -> str | None:
    """A key for the visitor's basket as the header shows it, or None when only
    Oscar's own loading can tell (a signed-in visitor's cookie basket waiting to be
    merged, a cookie naming no open basket)."""
    cookie = request.COOKIES.get(settings.OSCAR_BASKET_COOKIE_OPEN)
    user = request.user
    if user.is_authenticated:
        if cookie:
            return None
        baskets = Basket.open.filter(owner=user)
    elif cookie:
        try:
            baskets = Basket.open.filter(pk=Signer().unsign(cookie), owner=None)
        except BadSignature:
            return None
    else:
        return "empty"
    rows = sorted(baskets.values_list(*_STATE), key=repr)
    if len({row[0] for row in rows}) > 1 or (cookie and not rows):
        return None
    return md5(repr(rows).encode(), usedforsecurity=False).hexdigest() if rows else "empty"


@register.simple_tag(takes_context=True)
def header_basket_key(context) -> str | None:
    """`basket_key` once per request, however many fragments use it."""
    request = context["request"]
    if not hasattr(request, "_header_basket_key"):
        request._header_basket_key = basket_key(request)
    return request._header_basket_key


@register.simple_tag
def basket_fragment_seconds() -> int:
    return settings.BASKET_FRAGMENT_SECONDS
