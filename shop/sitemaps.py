from django.contrib.sitemaps import Sitemap

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
