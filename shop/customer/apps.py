from django.urls import path
from oscar.apps.customer import apps


class CustomerConfig(apps.CustomerConfig):
    name = "shop.customer"

    def ready(self):
        super().ready()
        from shop.customer.views import AccountActivationView

        self.activation_view = AccountActivationView

    def get_urls(self):
        urls = [
            path(
                "activate/<str:uidb64>/<str:token>/",
                self.activation_view.as_view(),
                name="activate",
            ),
        ]
        return urls + super().get_urls()
