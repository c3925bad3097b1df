"""The one place that decides a visitor's address (flood limits, lockouts, axes' logs).

Without a reverse proxy the address is the connection's own, ``REMOTE_ADDR``. Behind one,
every connection comes from the proxy, and the visitor's address arrives in the
``X-Forwarded-For`` header, which the proxy appends to (or, as deploy/nginx does,
replaces). Anyone can send that header, so it is believed only when the connection comes
from a proxy listed in ``SIPAKATAU_TRUSTED_PROXIES``, and then read from the right:
each trusted proxy vouches for the hop to its left, and the first hop that is not a
trusted proxy is the visitor. Whatever lies further left was written by the visitor and
is never read. A hop that is not an address stops the walk at the proxy that passed it
on: a client must not be able to pick a fresh made-up address for each request and so
escape every limit.
"""

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted_proxies(entries: Iterable[str], *, setting: str) -> tuple[Network, ...]:
    """The proxies' addresses or networks (``10.0.0.1``, ``10.0.0.0/8``, ``::1``), or a
    start-up error naming the setting and the entry that is not one."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{setting}: {entry!r} is not an IP address or network (10.0.0.1, 10.0.0.0/8, ::1)."
            ) from exc
    return tuple(networks)


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_trusted_proxies(entries, setting="SIPAKATAU_TRUSTED_PROXIES")


def _parse(text: str) -> Address | None:
    """An address as a header or the server writes it; None for anything else.

    Accepts ``1.2.3.4``, ``1.2.3.4:5678``, ``2001:db8::1`` and ``[2001:db8::1]:443`` (some
    proxies add the port). An IPv4 address written the IPv6 way (``::ffff:1.2.3.4``) is
    the IPv4 address, so one visitor never counts as two.
    """
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The visitor's address: ``REMOTE_ADDR``, or behind a trusted proxy the right-most
    ``X-Forwarded-For`` hop that is not itself a trusted proxy."""
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    networks = _networks(tuple(getattr(settings, "SIPAKATAU_TRUSTED_PROXIES", ())))
    if not networks:
        return remote
    current = _parse(remote)
    if current is None or not _trusted(current, networks):
        # Not through the proxy (or no address at all): the header is the sender's own
        # claim and means nothing.
        return remote
    # Several X-Forwarded-For headers reach the application joined by commas, in order.
    hops = str(request.META.get("HTTP_X_FORWARDED_FOR", "") or "").split(",")
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            break
        current = address
        if not _trusted(address, networks):
            break
    return str(current)
