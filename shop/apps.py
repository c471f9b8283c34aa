from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "SimplyJnJ shop"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from shop.core.accounts import clear_failures_on_login

        user_logged_in.connect(clear_failures_on_login, dispatch_uid="shop.clear_login_failures")

        # Orders first: they find a person's orders through the account erased next.
        from shop.customer.privacy import register_keeper as register_accounts
        from shop.order.privacy import register_keeper as register_orders

        register_orders()
        register_accounts()

    def load_site_content(self) -> str:
        from shop.content import load

        return load()
