"""The shop's tests use the shared fixtures: `wrap` (tests/conftest.py),
`localstripe_url`, `stripe_api`, `checkout` (tests/support/payments.py), and the
page cache's `clock` and `site` (tests/support/page_cache.py).

Everything below stays importable from here, as before they moved; a conftest
that imports the fixtures again still shares this process's one localstripe.
"""

from tests.conftest import media_root, wrap  # noqa: F401
from tests.support.page_cache import clock, site  # noqa: F401
from tests.support.payments import (  # noqa: F401
    ADDRESS,
    CARD_3DS,
    CARD_DECLINED,
    CARD_OK,
    Checkout,
    card_payment_method,
    charged_intents,
    checkout,
    confirm_card_setup,
    localstripe_url,
    stripe_api,
)
