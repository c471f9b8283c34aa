from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "SimplyJnJ shop"

    def load_site_content(self) -> str:
        from shop.content import load

        return load()
