from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.reviews.abstract_models import AbstractProductReview


class ProductReview(AbstractProductReview):
    verified_buyer = models.BooleanField(
        _("verified buyer"),
        default=False,
        editable=False,
        help_text=_("The reviewer had ordered this product when they wrote the review."),
    )

    def save(self, *args, **kwargs):
        if self._state.adding and self.user_id:
            self.verified_buyer = self.product.line_set.filter(order__user=self.user_id).exists()
        super().save(*args, **kwargs)


from oscar.apps.catalogue.reviews.models import *  # noqa: E402, F403
