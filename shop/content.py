"""The shop's own content, loaded by `manage.py load_site_content`."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.files import File
from django.core.management import call_command
from oscar.apps.address.models import Country
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.apps.partner.models import Partner, StockRecord

from shop.catalogue.models import (
    Product,
    ProductAttribute,
    ProductAttributeValue,
    ProductCategory,
    ProductClass,
    ProductImage,
)
from shop.pages import load as load_pages

WRAP_UPC = "SJNJ-ICE-WRAP-01"
WRAP_IMAGE = (
    Path(__file__).resolve().parent / "static" / "shop" / "img" / "cold-therapy-ice-gel-wrap.png"
)
WRAP_DESCRIPTION = """
<p>Cold is one of the simplest things you can do for a sore hip after a run:
it calms inflammation and takes the edge off the ache while you rest.
The SimplyJnJ Cold Therapy Ice Gel Wrap makes icing easy to stick with.</p>
<ul>
<li>Soft gel that stays flexible straight from the freezer, so it moulds to your hip,
knee, shoulder or back instead of sitting on it like a block of ice.</li>
<li>An adjustable elastic strap with a hook-and-loop fastener holds it in place,
so you can ice hands-free for the recommended 15 to 20 minutes.</li>
<li>A soft fabric cover between the gel and your skin; reusable, and wipes clean.</li>
<li>Also works warm: a short spell in hot water turns it into a heat pack for stiff muscles.</li>
</ul>
<p>Cold therapy eases symptoms; it does not diagnose them. If hip pain lasts or
keeps coming back, see a medical professional.</p>
""".strip()


IN_THE_BOX = (
    "One ice gel wrap in its soft fabric cover, and one adjustable elastic strap "
    "with a hook-and-loop fastener."
)


def load() -> str:
    site, _ = Site.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": settings.SITE_DOMAIN, "name": settings.OSCAR_SHOP_NAME},
    )
    wrap = load_catalogue()
    pages = load_pages()
    return f"site {site.domain}; product {wrap.upc}; {pages}"


def load_catalogue() -> Product:
    """The Cold Therapy Ice Gel Wrap, for sale in the US. Created once, never overwritten,
    so what staff change in the dashboard (price, stock, text) stays as they left it."""
    if not Country.objects.exists():
        call_command("oscar_populate_countries", "--no-shipping", stdout=StringIO())
    Country.objects.filter(iso_3166_1_a2="US").update(is_shipping_country=True)

    product_class, _ = ProductClass.objects.get_or_create(
        slug="cold-therapy",
        defaults={"name": "Cold therapy", "requires_shipping": True, "track_stock": True},
    )
    category = create_from_breadcrumbs("Cold Therapy")
    partner, _ = Partner.objects.get_or_create(code="simplyjnj", defaults={"name": "SimplyJnJ"})
    wrap, _ = Product.objects.get_or_create(
        upc=WRAP_UPC,
        defaults={
            "title": "SimplyJnJ Cold Therapy Ice Gel Wrap",
            "slug": "simplyjnj-cold-therapy-ice-gel-wrap",
            "description": WRAP_DESCRIPTION,
            "product_class": product_class,
            "structure": Product.STANDALONE,
            "is_public": True,
        },
    )
    ProductCategory.objects.get_or_create(product=wrap, category=category)
    StockRecord.objects.get_or_create(
        product=wrap,
        partner=partner,
        defaults={
            "partner_sku": WRAP_UPC,
            "price_currency": "USD",
            "price": Decimal("34.00"),
            "num_in_stock": 100,
        },
    )
    # What the product page lists under "In the box"; staff edit it with the product.
    in_the_box, _ = ProductAttribute.objects.get_or_create(
        product_class=product_class,
        code="in_the_box",
        defaults={"name": "In the box", "type": ProductAttribute.TEXT},
    )
    if not ProductAttributeValue.objects.filter(product=wrap, attribute=in_the_box).exists():
        in_the_box.save_value(wrap, IN_THE_BOX)
    if not wrap.images.exists():
        with WRAP_IMAGE.open("rb") as image:
            ProductImage.objects.create(
                product=wrap,
                original=File(image, name=WRAP_IMAGE.name),
                caption="The SimplyJnJ Cold Therapy Ice Gel Wrap",
                display_order=0,
            )
    return wrap
