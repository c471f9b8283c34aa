import oscar.apps.checkout.apps as apps
from django.urls import path


class CheckoutConfig(apps.CheckoutConfig):
    name = "shop.checkout"

    def ready(self):
        super().ready()
        from shop.checkout import authentication, webhooks

        self.payment_authentication_view = authentication.PaymentAuthenticationView
        self.stripe_webhook_view = webhooks.stripe_webhook

    def get_urls(self):
        return super().get_urls() + self.post_process_urls(
            [
                path(
                    "payment-authentication/",
                    self.payment_authentication_view.as_view(),
                    name="payment-authentication",
                ),
                path("stripe-webhook/", self.stripe_webhook_view, name="stripe-webhook"),
            ]
        )

    def get_url_decorator(self, pattern):
        if pattern.name == "stripe-webhook":
            return None
        return super().get_url_decorator(pattern)
