from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Advice blog"

    def ready(self):
        from blog import caching  # noqa: F401  (connects the cache invalidation receivers)
        from blog.privacy import register_keeper

        register_keeper()

    def load_site_content(self) -> str:
        from blog.content import load

        return load()
