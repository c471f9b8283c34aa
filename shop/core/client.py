"""The client's address: one answer for every limit, consent record, comment and log line.

Behind proxies, REMOTE_ADDR is the nearest proxy and X-Forwarded-For lists the
hops before it, each appended by the proxy that saw it. Only entries appended by
proxies we trust are believed: `settings.TRUSTED_PROXIES` is either how many
proxies stand in front of the site (an int) or the networks they live in (a list
of CIDRs). With neither, the header is ignored: anybody can send one.
"""

import ipaddress
import logging
from functools import lru_cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def client_address(request) -> str | None:
    """The address of the client that sent `request`, or None if it cannot be told."""
    address = _client(request.META)
    return str(address) if address else None


def client_network(request) -> str:
    """The client for counting: its address, or its /64 for IPv6, where one
    customer is usually given a whole /64 to pick addresses from."""
    address = _client(request.META)
    if address is None:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _client(meta) -> Address | None:
    remote = meta.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXIES
    if not trusted:
        return _parse(remote)
    forwarded = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    # The peer first, then what each proxy appended, right to left.
    hops = [remote, *reversed([hop for hop in forwarded if hop])]
    if isinstance(trusted, int):
        # Each of the `trusted` proxies appended one entry; further left is the client's claim.
        return _parse(hops[min(trusted, len(hops) - 1)])
    networks = _networks(tuple(trusted))
    for hop in hops:
        address = _parse(hop)
        if address is None or not any(address in network for network in networks):
            return address  # the right-most hop that no proxy of ours is
    return _parse(hops[-1])  # every hop is a proxy of ours: the left-most is all we know


def _parse(value: str) -> Address | None:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


@lru_cache
def _networks(cidrs: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


class ClientAddressFilter(logging.Filter):
    """Gives every log record a `client` (the address, or "-") for the log format."""

    def filter(self, record):
        request = getattr(record, "request", None)
        meta = getattr(request, "META", None)
        record.client = (client_address(request) or "-") if meta is not None else "-"
        return True
