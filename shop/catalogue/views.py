from urllib.parse import unquote

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from oscar.apps.catalogue import views

from shop.catalogue.models import Category, Product
from shop.core.pagecache import rendering_for_cache


class ProductDetailView(views.ProductDetailView):
    """Oscar's product page, with what it shows fetched up front (a fixed number of queries)."""

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("product_class", "parent")
            .prefetch_related("images", "stockrecords", "attribute_values__attribute")
        )

    def send_signal(self, request, response, product):
        # A page rendered for the page cache serves many visitors: it neither sets this
        # visitor's recently-viewed cookie nor counts one view in Oscar's analytics.
        if not rendering_for_cache(request):
            super().send_signal(request, response, product)


class CatalogueView(ListView):
    """All products, listed from the database.

    Oscar browses the catalogue through Haystack, and Haystack's simple backend
    (ours: no search server to run) treats Oscar's is_public/structure filters as
    words to look for, so every listing would come back empty.
    """

    template_name = "oscar/catalogue/browse.html"
    context_object_name = "products"
    paginate_by = settings.OSCAR_PRODUCTS_PER_PAGE

    def get_queryset(self):
        return Product.objects.shown().order_by("-date_created", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(summary=_("All products"), **kwargs)


class ProductCategoryView(CatalogueView):
    """The products of a public category and its subcategories, from the database."""

    template_name = "oscar/catalogue/category.html"

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category, pk=kwargs["pk"])
        if not (self.category.is_public or request.user.is_staff):
            raise Http404
        # Categories are found by primary key, so a changed slug redirects.
        if unquote(self.category.get_absolute_url()) != unquote(request.path):
            return HttpResponsePermanentRedirect(self.category.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        categories = self.category.get_descendants_and_self()
        return super().get_queryset().filter(categories__in=categories).distinct()

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)
