"""Production fails closed on payments: with DEBUG off, localstripe's public keys,
webhook secret or API would let anyone forge a payment, so the site does not start."""

import pytest

from tests.shop.test_settings import PRODUCTION, manage


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("STRIPE_SECRET_KEY", None),
        ("STRIPE_SECRET_KEY", "sk_test_localstripe"),
        ("STRIPE_SECRET_KEY", "pk_live_pasted_in_the_wrong_place"),
        ("STRIPE_PUBLISHABLE_KEY", None),
        ("STRIPE_PUBLISHABLE_KEY", "pk_test_localstripe"),
        ("STRIPE_WEBHOOK_SECRET", None),
        ("STRIPE_WEBHOOK_SECRET", ""),
        ("STRIPE_WEBHOOK_SECRET", "whsec_localstripe"),
        ("STRIPE_API_BASE", "http://127.0.0.1:8420"),
        ("STRIPE_API_BASE", "http://localhost:8420"),
        ("STRIPE_API_BASE", "http://[::1]:8420"),
        ("STRIPE_API_BASE", "http://localstripe:8420"),
    ],
)
def test_production_refuses_to_start_without_real_stripe_settings(variable, value):
    env = {k: v for k, v in PRODUCTION.items() if k != variable}
    if value is not None:
        env[variable] = value

    result = manage("check", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.splitlines()[-1]


@pytest.mark.parametrize(
    "api_base", ["", "https://api.stripe.com", "https://stripe-proxy.example.com"]
)
def test_real_stripe_settings_pass(api_base):
    from shop.config import stripe_settings_problem

    problem = stripe_settings_problem(
        secret_key=PRODUCTION["STRIPE_SECRET_KEY"],
        publishable_key=PRODUCTION["STRIPE_PUBLISHABLE_KEY"],
        webhook_secret=PRODUCTION["STRIPE_WEBHOOK_SECRET"],
        api_base=api_base,
    )
    assert problem is None
