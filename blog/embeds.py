"""Catalogue products shown inside articles, looked up live by UPC."""

from blog.models import Post
from shop.catalogue.models import Product


def body_with_products(post: Post) -> list[tuple[str, object]]:
    """The post's body parts, each UPC replaced by its product; unknown products are left out."""
    upcs = post.embedded_upcs
    products = {}
    if upcs:
        products = {
            product.upc: product for product in Product.objects.shown().filter(upc__in=upcs)
        }
    parts = []
    for kind, value in post.body_parts:
        if kind == "html":
            parts.append(("html", value))
        elif value in products:
            parts.append(("product", products[value]))
    return parts
