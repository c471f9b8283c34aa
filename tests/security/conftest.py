# The shop's fixtures (localstripe, the catalogue, the checkout walker), for attacks on it.
from tests.shop.conftest import checkout, localstripe_url, media_root, stripe_api, wrap  # noqa: F401
