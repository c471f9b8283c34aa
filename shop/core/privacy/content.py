"""The privacy page's text: a flatpage staff can edit (Dashboard > Content > Pages,
or the admin's Flat pages), created by `load_site_content` when it is missing and
never overwritten after."""

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.template.loader import render_to_string

PAGE_URL = "/privacy/"
PAGE_TITLE = "Privacy: what we keep about you"


def page_html() -> str:
    """The first version of the page, with the periods the settings say."""
    context = {
        "ip_days": settings.PRIVACY_IP_RETENTION_DAYS,
        "order_years": round(settings.ORDER_RETENTION_DAYS / 365.25),
        "order_days": settings.ORDER_RETENTION_DAYS,
        "session_weeks": settings.SESSION_COOKIE_AGE // (7 * 24 * 60 * 60),
        "basket_days": settings.OSCAR_BASKET_COOKIE_LIFETIME // (24 * 60 * 60),
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render_to_string("privacy/privacy_content.html", context).strip()


def load() -> str:
    page, created = FlatPage.objects.get_or_create(
        url=PAGE_URL, defaults={"title": PAGE_TITLE, "content": page_html()}
    )
    page.sites.add(Site.objects.get(pk=settings.SITE_ID))
    return f"page {page.url} {'created' if created else 'kept as staff left it'}"
