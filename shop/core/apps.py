from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The site-wide pieces every app may use (see README, "How the code is laid out");
    an app so that its tag libraries (page_cache_tags, seo_tags) load in any template."""

    name = "shop.core"
    verbose_name = "Site-wide"

    def ready(self):
        from django.middleware.csrf import get_token

        from shop.core.pagecache import register_placeholder

        # What every cached page holds per response; apps register their own values.
        register_placeholder("csrf_token", get_token)
        register_placeholder("csp_nonce", lambda request: str(request.csp_nonce))
