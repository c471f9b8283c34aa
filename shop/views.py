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
