from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from oscar.apps.catalogue.models import Product

from blog.models import Post


def home(request):
    featured = (
        Product.objects.browsable()
        .filter(is_public=True)
        .select_related("product_class")
        .prefetch_related("images", "stockrecords")
        .order_by("date_created")
        .first()
    )
    latest_post = Post.objects.published().select_related("author").first()
    return render(
        request,
        "shop/home.html",
        {"featured_product": featured, "latest_post": latest_post},
    )


@transaction.non_atomic_requests
def healthz(request):
    """A liveness probe for load balancers; also the benchmarks' baseline page."""
    return HttpResponse("ok", content_type="text/plain")
