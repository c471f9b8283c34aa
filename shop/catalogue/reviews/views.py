from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from oscar.apps.catalogue.reviews import views

from shop.catalogue.reviews.models import ProductReview
from shop.core.ratelimit import client_limited


class CreateProductReview(views.CreateProductReview):
    """Oscar's review form (signed-in customers only, held for moderation by the
    settings), limited per client and per customer."""

    def post(self, request, *args, **kwargs):
        if client_limited(request, "reviews.add", f"user:{request.user.pk}"):
            messages.error(request, _("You have written many reviews lately. Please try later."))
            return redirect(self.product.get_absolute_url())
        return super().post(request, *args, **kwargs)

    def get_success_url(self):
        if self.object.status == ProductReview.APPROVED:
            return super().get_success_url()
        messages.success(
            self.request,
            _("Thank you for your review. It will appear once our team has checked it."),
        )
        return self.product.get_absolute_url()


class ProductReviewDetail(views.ProductReviewDetail):
    """A review's own page shows it only once approved, and only under its product."""

    def get_queryset(self):
        return ProductReview.objects.approved().filter(product=self.kwargs["product_pk"])


class AddVoteView(views.AddVoteView):
    def post(self, request, *args, **kwargs):
        get_object_or_404(
            ProductReview.objects.approved(),
            pk=self.kwargs["pk"],
            product=self.kwargs["product_pk"],
        )
        return super().post(request, *args, **kwargs)
