from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = "Newsletter"

    def ready(self):
        from newsletter import receivers  # noqa: F401
        from newsletter.privacy import register_keeper

        register_keeper()

    def load_site_content(self) -> str:
        from newsletter.services import welcome_offer

        offer = welcome_offer()
        return f"offer {offer.name!r}"
