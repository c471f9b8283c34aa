"""localstripe (the fake Stripe API of `make run` and the tests) on loopback only:
its own command listens on every interface and has no option to change that.

    python -m shop.localstripe --port 8420
"""

import argparse
import logging

from aiohttp import web
from localstripe.server import app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8420)
    args = parser.parse_args()
    # Every start is from scratch: nothing is loaded from or kept on disk between runs.
    logging.basicConfig(level=logging.INFO)
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=logging.getLogger("aiohttp"))


if __name__ == "__main__":
    main()
