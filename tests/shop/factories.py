import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.apps.offer.models import Benefit, Condition, ConditionalOffer, Range
from oscar.apps.partner.models import Partner
from oscar.apps.voucher.models import Voucher
from oscar.test.factories import ProductCategoryFactory, ProductFactory, StockRecordFactory

from shop.catalogue.models import ProductClass


def _wraps_product_class() -> ProductClass:
    return ProductClass.objects.get_or_create(
        slug="cold-therapy",
        defaults={"name": "Cold therapy", "requires_shipping": True, "track_stock": True},
    )[0]


def _wraps_partner() -> Partner:
    return Partner.objects.get_or_create(code="simplyjnj", defaults={"name": "SimplyJnJ"})[0]


class WrapLikeProductFactory(ProductFactory):
    """Another product for sale in dollars, of the wrap's class, partner and category.

    One product class and partner for all (Oscar's factories make a new one per
    product, whose unique slug costs a query per earlier one: 20,000 for 200 products).
    """

    class Meta:
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Recovery product {n}")
    product_class = factory.LazyFunction(_wraps_product_class)
    stockrecords = factory.RelatedFactory(
        StockRecordFactory,
        "product",
        partner=factory.LazyFunction(_wraps_partner),
        price_currency="USD",
        price=Decimal("12.00"),
    )
    categories = factory.RelatedFactory(
        ProductCategoryFactory,
        "product",
        category=factory.LazyFunction(lambda: create_from_breadcrumbs("Cold Therapy")),
    )


def ten_percent_voucher(code: str, *, usage=Voucher.SINGLE_USE, expired=False) -> Voucher:
    """A voucher like the newsletter's welcome code: 10% off everything."""
    everything = Range.objects.get_or_create(
        name="All products", defaults={"includes_all_products": True}
    )[0]
    benefit = Benefit.objects.create(range=everything, type=Benefit.PERCENTAGE, value=10)
    offer = ConditionalOffer.objects.create(
        name=f"Voucher {code}",
        offer_type=ConditionalOffer.VOUCHER,
        benefit=benefit,
        condition=Condition.objects.create(range=everything, type=Condition.COUNT, value=1),
    )
    now = timezone.now()
    ends = now - datetime.timedelta(days=1) if expired else now + datetime.timedelta(days=30)
    voucher = Voucher.objects.create(
        name=f"Voucher {code}",
        code=code,
        usage=usage,
        start_datetime=now - datetime.timedelta(days=2),
        end_datetime=ends,
    )
    voucher.offers.add(offer)
    return voucher
