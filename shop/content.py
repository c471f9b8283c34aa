"""The shop's own content, loaded by `manage.py load_site_content`."""

from django.conf import settings
from django.contrib.sites.models import Site


def load() -> str:
    site, _ = Site.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": settings.SITE_DOMAIN, "name": settings.OSCAR_SHOP_NAME},
    )
    return f"site {site.domain}"
