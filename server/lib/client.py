"""The internet address a request comes from, also behind a reverse proxy.

Anyone can send X-Forwarded-For or Forwarded, so they are believed only when the request
comes straight from a proxy named in TRUSTED_PROXIES, and only as far back as such proxies
wrote them. Each proxy adds the address it was reached from on the right, so the list is
read from the right: trusted proxies are skipped, and the first address that is not one of
them is the client's. Whatever is further left was written by the client and proves nothing.
"""

from __future__ import annotations

import ipaddress

from server.lib.auth import Connection
from server.settings import Network, get_settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# More hops than this is not a real chain of proxies; the rest is not read.
MAX_HOPS = 20


def client_address(connection: Connection) -> str:
    """The address to count limits by and to record: the direct peer's, unless that is a
    trusted proxy, then the one the proxies say they were reached from."""
    peer = connection.client.host if connection.client else ""
    trusted = get_settings().trusted_proxies
    address = parse_address(peer)
    if address is None or not _trusted(address, trusted):
        return peer
    for hop in reversed(_hops(connection)[-MAX_HOPS:]):
        parsed = parse_address(hop)
        if parsed is None:
            break  # not an address: a proxy wrote nonsense, so stop at the last one we trust
        address = parsed
        if not _trusted(parsed, trusted):
            break
    return str(address)


def _trusted(address: Address, trusted: tuple[Network, ...]) -> bool:
    return any(address in network for network in trusted)


def _hops(connection: Connection) -> list[str]:
    """The addresses the proxies passed on, oldest first: from X-Forwarded-For, or where
    there is none, from the for= of each element of the standard Forwarded header."""
    headers = connection.headers
    forwarded_for = headers.getall("x-forwarded-for", [])
    if forwarded_for:
        return [hop for value in forwarded_for for hop in value.split(",")]
    return [
        _for_of(element)
        for value in headers.getall("forwarded", [])
        for element in value.split(",")
    ]


def _for_of(element: str) -> str:
    """The for= value of one Forwarded element (for=192.0.2.60;proto=https), or ""."""
    for pair in element.split(";"):
        name, _, value = pair.partition("=")
        if name.strip().lower() == "for":
            return value
    return ""


def parse_address(raw: str) -> Address | None:
    """An IP address as a proxy may write it: quoted, with a port, IPv6 in brackets.
    None for anything else (a name, "unknown", an obfuscated identifier, nonsense)."""
    text = raw.strip().strip('"').strip()
    if len(text) > 64:
        return None
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]  # IPv4 with a port
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # ::ffff:10.0.0.5, an IPv4 peer of a dual-stack socket
    return address
