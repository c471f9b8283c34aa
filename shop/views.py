from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from oscar.apps.catalogue.models import Product


def home(request):
    featured = (
        Product.objects.browsable()
        .filter(is_public=True)
        .select_related("product_class")
        .prefetch_related("images", "stockrecords")
        .order_by("date_created")
        .first()
    )
    return render(request, "shop/home.html", {"featured_product": featured})


@transaction.non_atomic_requests
def healthz(request):
    """A liveness probe for load balancers; also the benchmarks' baseline page."""
    return HttpResponse("ok", content_type="text/plain")
