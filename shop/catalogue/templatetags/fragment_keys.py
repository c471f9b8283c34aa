from hashlib import md5

from django import template

register = template.Library()


@register.filter
def product_version(product) -> str:
    """Changes whenever anything a cached product fragment shows changes: the product,
    its prices and stock, its images. Reads only what the page prefetches."""
    state = [
        product.pk,
        product.date_updated,
        *((s.pk, s.price, s.num_in_stock, s.num_allocated) for s in product.stockrecords.all()),
        *((i.pk, i.display_order, i.original.name) for i in product.images.all()),
    ]
    return md5(repr(state).encode(), usedforsecurity=False).hexdigest()
