"""What search engines and link previews read: page titles captured once for <title>
and the social tags, and schema.org JSON-LD built from the objects on the page."""

import json

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe

register = template.Library()

# As django.utils.html.json_script does: no "</script>" or "<!--" can end the block early.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        # Variables in the nodelist's output are escaped by the template engine; quotes
        # written in a template ('Products matching "ice"') are escaped here, so the
        # text can stand in an attribute as well as in <title>.
        text = " ".join(self.nodelist.render(context).split()).replace('"', "&quot;")
        context[self.name] = mark_safe(text)  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """{% capture as name %}...{% endcapture %}: render once, reuse as {{ name }}.

    Blocks inside stay overridable, so a page's {% block title %} fills both the
    <title> and its Open Graph twin."""
    try:
        _, _as, name = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError(
            "usage: {% capture as name %}...{% endcapture %}"
        ) from None
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, name)


def json_ld(data: dict) -> str:
    text = json.dumps({"@context": "https://schema.org", **data}, ensure_ascii=False)
    safe_json = mark_safe(text.translate(_JSON_ESCAPES))  # noqa: S308 (escaped just now)
    return format_html('<script type="application/ld+json">{}</script>', safe_json)


def _organization(request, shop_name: str) -> dict:
    return {"@type": "Organization", "name": shop_name, "url": request.build_absolute_uri("/")}


@register.simple_tag
def share_image_url(request) -> str:
    """The picture link previews show when a page has none of its own."""
    return request.build_absolute_uri(static("shop/img/share.png"))


@register.simple_tag(takes_context=True)
def article_json_ld(context, post) -> str:
    request = context["request"]
    author = post.author.get_full_name() or post.author.get_username()
    image = post.hero_image.url if post.hero_image else None
    return json_ld(
        {
            "@type": "Article",
            "headline": post.title,
            "description": post.seo_description or post.excerpt,
            "mainEntityOfPage": request.build_absolute_uri(post.get_absolute_url()),
            "author": {"@type": "Person", "name": author},
            "datePublished": post.published_at.isoformat(),
            "dateModified": post.updated_at.isoformat(),
            "publisher": _organization(request, context["shop_name"]),
            "image": request.build_absolute_uri(image) if image else share_image_url(request),
        }
    )


@register.simple_tag
def product_image_url(request, product) -> str:
    """The absolute URL of a product's main picture, or the site's share image."""
    image = product.primary_image()
    if isinstance(image, dict):  # Oscar's stand-in when a product has no image
        return share_image_url(request)
    return request.build_absolute_uri(image.original.url)


@register.simple_tag(takes_context=True)
def product_json_ld(context, product, session) -> str:
    """Product and Offer from what the shop's strategy says (price, stock); a rating
    only when approved reviews exist."""
    request = context["request"]
    data = {
        "@type": "Product",
        "name": product.get_title(),
        "description": strip_tags(product.description).strip(),
        "sku": product.upc,
        "url": request.build_absolute_uri(product.get_absolute_url()),
        "brand": {"@type": "Brand", "name": context["shop_name"]},
        "image": product_image_url(request, product),
    }
    if session.price.exists:
        price = session.price.incl_tax if session.price.is_tax_known else session.price.excl_tax
        in_stock = session.availability.is_available_to_buy
        data["offers"] = {
            "@type": "Offer",
            "price": str(price),
            "priceCurrency": session.price.currency,
            "availability": f"https://schema.org/{'InStock' if in_stock else 'OutOfStock'}",
            "url": data["url"],
            "seller": _organization(request, context["shop_name"]),
        }
    if product.rating is not None:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": round(product.rating, 1),
            "reviewCount": product.num_approved_reviews,
            "bestRating": 5,
            "worstRating": 1,
        }
    return json_ld(data)


@register.simple_tag(takes_context=True)
def breadcrumbs_json_ld(context, *trail) -> str:
    """{% breadcrumbs_json_ld "Home" home_url "Advice" advice_url post.title %}: name and
    URL pairs; the last crumb, the page itself, may leave its URL out."""
    request = context["request"]
    names, urls = trail[::2], [*trail[1::2], request.path]
    return json_ld(
        {
            "@type": "BreadcrumbList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "name": str(name),
                    "item": request.build_absolute_uri(url),
                }
                for position, (name, url) in enumerate(zip(names, urls, strict=False), start=1)
            ],
        }
    )
