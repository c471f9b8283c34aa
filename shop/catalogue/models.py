from oscar.apps.catalogue.abstract_models import AbstractProduct
from oscar.apps.catalogue.managers import ProductQuerySet as OscarProductQuerySet


class ProductQuerySet(OscarProductQuerySet):
    def shown(self):
        """The products a visitor may see listed, each with what its card shows
        (class, images, stock records, whether it has options) in three queries."""
        return (
            self.browsable()
            .base_queryset()
            .prefetch_related(None)  # children and options: a card needs none of them
            .prefetch_related("images", "stockrecords")
        )


class Product(AbstractProduct):
    objects = ProductQuerySet.as_manager()


from oscar.apps.catalogue.models import *  # noqa: E402, F403
