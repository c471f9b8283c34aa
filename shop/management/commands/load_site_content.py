from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Load the site's content (catalogue, articles, comments, settings). "
        "Idempotent: running it again changes nothing and duplicates nothing."
    )

    def handle(self, *args, **options):
        # Each of our apps that owns content says how to load it, in INSTALLED_APPS order.
        for config in apps.get_app_configs():
            loader = getattr(config, "load_site_content", None)
            if loader is None:
                continue
            with transaction.atomic():
                summary = loader()
            self.stdout.write(f"{config.verbose_name}: {summary}")
