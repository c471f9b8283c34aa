"""What shop/settings.py needs beyond plain values: the check that production has
real payment settings, caches that fail open, and a logging filter for cache
outages. Nothing here may import Django models or settings: it runs while the
settings load."""

import ipaddress
import logging
from urllib.parse import urlsplit

import environ

# What development runs with when nothing is set: localstripe's public values.
STRIPE_DEV_DEFAULTS = {
    "STRIPE_SECRET_KEY": "sk_test_localstripe",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_localstripe",
    "STRIPE_WEBHOOK_SECRET": "whsec_localstripe",  # noqa: S105
}
# Each key's prefix, as Stripe issues them (restricted secret keys start "rk_").
_PREFIXES = {
    "STRIPE_SECRET_KEY": ("sk_", "rk_"),
    "STRIPE_PUBLISHABLE_KEY": ("pk_",),
    "STRIPE_WEBHOOK_SECRET": ("whsec_",),
}


def stripe_settings_problem(
    *,
    secret_key: str,
    publishable_key: str,
    webhook_secret: str,
    api_base: str,
) -> str | None:
    """What is wrong with these Stripe settings for production, or None.

    A key that is unset, a development default (localstripe's, public in this
    repository) or not of Stripe's form is refused, and so is an API on this
    machine: anyone could sign webhook events, or answer for Stripe.
    """
    values = {
        "STRIPE_SECRET_KEY": secret_key,
        "STRIPE_PUBLISHABLE_KEY": publishable_key,
        "STRIPE_WEBHOOK_SECRET": webhook_secret,
    }
    for name, value in values.items():
        if not value or value == STRIPE_DEV_DEFAULTS[name] or "localstripe" in value.lower():
            return (
                f"{name} is unset or a development default: "
                "export the value from Stripe's dashboard."
            )
        if not value.startswith(_PREFIXES[name]):
            prefixes = " or ".join(_PREFIXES[name])
            return f"{name} does not look like a Stripe value (it starts with {prefixes})."
    if api_base and _is_local(api_base):
        return (
            "STRIPE_API_BASE points at localstripe or this machine: "
            "leave it unset to use Stripe's API."
        )
    return None


def _is_local(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if not host or host == "localhost" or host.endswith(".localhost") or "localstripe" in host:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def cache_config(url: str) -> dict:
    """A CACHES entry from its URL. A Redis cache (django-redis) answers "not
    cached" within half a second when Redis is down or unreachable, and logs it
    (`shop.cache`), so an outage degrades pages instead of failing them."""
    config = environ.Env.cache_url_config(url)
    if config["BACKEND"] == "django_redis.cache.RedisCache":
        options = config.setdefault("OPTIONS", {})
        options.setdefault("IGNORE_EXCEPTIONS", True)
        options.setdefault("SOCKET_CONNECT_TIMEOUT", 0.5)
        options.setdefault("SOCKET_TIMEOUT", 0.5)
    return config


class OneLineCacheWarning(logging.Filter):
    """django-redis logs each cache call it lets fail (IGNORE_EXCEPTIONS) as an
    error with a traceback. The outage is expected and handled (the page is just
    not cached), so one warning line per call says enough."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.msg = "cache unavailable, carrying on without it: %s"
            record.args = (error.__cause__ or error,)
            record.exc_info = record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
