"""localstripe (the fake Stripe API of `make run` and the tests) on loopback only:
its own command listens on every interface and has no option to change that.
Card numbers typed with spaces ("4242 4242 4242 4242") are accepted, as Stripe's
card element accepts them; localstripe's own form would answer "Bad request".

    python -m shop.localstripe --port 8420
"""

import argparse
import logging
import re

from aiohttp import web
from localstripe import resources
from localstripe.server import app

_create_payment_method = resources.PaymentMethod.__init__


def _payment_method_with_digits_only(self, *args, card=None, **kwargs):
    if isinstance(card, dict) and isinstance(card.get("number"), str):
        card = {**card, "number": re.sub(r"[\s-]", "", card["number"])}
    _create_payment_method(self, *args, card=card, **kwargs)


resources.PaymentMethod.__init__ = _payment_method_with_digits_only


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8420)
    args = parser.parse_args()
    # Every start is from scratch: nothing is loaded from or kept on disk between runs.
    logging.basicConfig(level=logging.INFO)
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=logging.getLogger("aiohttp"))


if __name__ == "__main__":
    main()
