"""Oscar's analytics receivers, safe when several requests count one product (or
user) for the first time at once.

Oscar's create the first record after an UPDATE found none, and catch the
IntegrityError of a concurrent insert without a savepoint: inside the request's
transaction (ATOMIC_REQUESTS) the next query then fails, and the shopper gets an
error page for adding a product to their basket. Here the first record is made
with get_or_create, which inserts inside a savepoint and, if another request
inserted it first, reads that one and counts on it. Orders are counted once
committed.
"""

from functools import partial

from django.db import transaction
from django.db.models import F
from django.dispatch import receiver
from oscar.apps.basket.signals import basket_addition
from oscar.apps.catalogue.signals import product_viewed
from oscar.apps.order.signals import order_placed
from oscar.apps.search.signals import user_search

from shop.analytics.models import ProductRecord, UserProductView, UserRecord, UserSearch


def _add(model, lookup: dict, increments: dict, values: dict | None = None) -> None:
    """Add `increments` ({field: amount}) to the record found by `lookup` and set its
    `values`, creating it with those amounts and values the first time."""
    update = {**{f: F(f) + n for f, n in increments.items()}, **(values or {})}
    if model.objects.filter(**lookup).update(**update):
        return
    record, created = model.objects.get_or_create(
        **lookup, defaults={**increments, **(values or {})}
    )
    if not created:  # another request created it meanwhile
        model.objects.filter(pk=record.pk).update(**update)


@receiver(product_viewed)
def receive_product_view(sender, product, user, **kwargs):
    if kwargs.get("raw", False):
        return
    _add(ProductRecord, {"product": product}, {"num_views": 1})
    if user and user.is_authenticated:
        _add(UserRecord, {"user": user}, {"num_product_views": 1})
        UserProductView.objects.create(product=product, user=user)


@receiver(user_search)
def receive_product_search(sender, query, user, **kwargs):
    if user and user.is_authenticated and not kwargs.get("raw", False):
        UserSearch.objects.create(user=user, query=query)


@receiver(basket_addition)
def receive_basket_addition(sender, product, user, **kwargs):
    if kwargs.get("raw", False):
        return
    _add(ProductRecord, {"product": product}, {"num_basket_additions": 1})
    if user and user.is_authenticated:
        _add(UserRecord, {"user": user}, {"num_basket_additions": 1})


@receiver(order_placed)
def receive_order_placed(sender, order, user, **kwargs):
    """Counted once the order is committed: a failure here is logged and never undoes
    an order that was paid for."""
    if kwargs.get("raw", False):
        return
    transaction.on_commit(partial(_count_order, order, user), robust=True)


def _count_order(order, user) -> None:
    for line in order.lines.all():
        _add(ProductRecord, {"product_id": line.product_id}, {"num_purchases": line.quantity})
    if user and user.is_authenticated:
        _add(
            UserRecord,
            {"user": user},
            {
                "num_orders": 1,
                "num_order_lines": order.num_lines,
                "num_order_items": order.num_items,
                "total_spent": order.total_incl_tax,
            },
            {"date_last_order": order.date_placed},
        )
