"""The shop's tests use the shared fixtures (tests/conftest.py): `wrap`,
`localstripe_url`, `stripe_api`, `checkout`. The names below are importable
from here as before."""

from tests.support.payments import (  # noqa: F401
    ADDRESS,
    CARD_3DS,
    CARD_DECLINED,
    CARD_OK,
    Checkout,
    card_payment_method,
)
