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
