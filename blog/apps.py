from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Advice blog"

    def ready(self):
        from blog import caching  # noqa: F401  (connects the cache invalidation receivers)
        from blog.antispam import issue_form_token
        from blog.privacy import register_keeper
        from shop.core.pagecache import register_placeholder

        # The article page is cached whole; each response gets its own comment form token.
        register_placeholder(
            "comment_form_token", lambda request, post_id: issue_form_token(int(post_id))
        )
        register_keeper()

    def load_site_content(self) -> str:
        from blog.content import load

        return load()
