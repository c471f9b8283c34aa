from oscar import config


class Shop(config.Shop):
    """Oscar's URLs, with one change: setting a new password from a reset link signs
    the customer in, which also lifts a sign-in lockout (shop.core.accounts)."""

    def get_urls(self):
        from django.contrib.auth import views as auth_views
        from django.urls import path, reverse_lazy
        from oscar.views.decorators import login_forbidden

        confirm = auth_views.PasswordResetConfirmView.as_view(
            form_class=self.set_password_form,
            success_url=reverse_lazy("password-reset-complete"),
            template_name="oscar/registration/password_reset_confirm.html",
            post_reset_login=True,
            post_reset_login_backend="oscar.apps.customer.auth_backends.EmailBackend",
        )
        return [
            *(
                url
                for url in super().get_urls()
                if getattr(url, "name", None) != "password-reset-confirm"
            ),
            path(
                "password-reset/confirm/<str:uidb64>/<str:token>/",
                login_forbidden(confirm),
                name="password-reset-confirm",
            ),
        ]
