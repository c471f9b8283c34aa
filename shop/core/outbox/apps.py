from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class OutboxConfig(AppConfig):
    name = "shop.core.outbox"
    label = "outbox"
    verbose_name = "Outgoing email"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Each app's emails.py registers the kinds of email it sends (outbox.kinds).
        autodiscover_modules("emails")
        from shop.core.outbox.privacy import register_keeper

        register_keeper()
