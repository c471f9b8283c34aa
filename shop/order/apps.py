from functools import partial

import oscar.apps.order.apps as apps
from django.db import transaction


class OrderConfig(apps.OrderConfig):
    name = "shop.order"

    def ready(self):
        super().ready()
        from oscar.apps.analytics.receivers import receive_order_placed
        from oscar.apps.order.signals import order_placed

        # Oscar counts each order for its analytics inside the order's transaction,
        # where a failure (two first orders of a product racing to create its
        # counter) would undo an order that was already paid for. Counted once the
        # order is committed instead; a failure there is logged, the order stays.
        order_placed.disconnect(receive_order_placed)
        order_placed.connect(count_order_after_commit, dispatch_uid="shop.order.analytics")


def count_order_after_commit(sender, order, user, **kwargs):
    from oscar.apps.analytics.receivers import receive_order_placed

    transaction.on_commit(
        partial(receive_order_placed, sender, order=order, user=user, **kwargs), robust=True
    )
