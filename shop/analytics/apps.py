import oscar.apps.analytics.apps as apps


class AnalyticsConfig(apps.AnalyticsConfig):
    name = "shop.analytics"

    def ready(self):
        # Our receivers instead of Oscar's (which its ready() would import).
        from shop.analytics import receivers  # noqa: F401
