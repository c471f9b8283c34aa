from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "shop.core.privacy"
    label = "privacy"
    verbose_name = "Privacy requests"

    def ready(self):
        from shop.core.privacy import keepers

        keepers.register_own()

    def load_site_content(self) -> str:
        from shop.core.privacy.content import load

        return load()
