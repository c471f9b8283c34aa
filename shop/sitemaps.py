from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from shop.catalogue.models import Category, Product


class ProductSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Product.objects.browsable().order_by("pk")

    def lastmod(self, obj):
        return obj.date_updated


class CategorySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Category.objects.browsable().order_by("path")


class PagesSitemap(Sitemap):
    """The site's front doors: home, the advice index, the shop."""

    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["home", "blog:post_list", "catalogue:index"]

    def location(self, item):
        return reverse(item)
