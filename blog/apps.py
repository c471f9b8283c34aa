from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Advice blog"

    def load_site_content(self) -> str:
        from blog.content import load

        return load()
