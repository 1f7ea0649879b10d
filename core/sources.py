"""Where a request comes from, for the rate limits: the client's address as a keyed hash, never in clear.

The address is the TCP peer's. Behind a reverse proxy every peer is the proxy, so when the peer is one of the
configured trusted proxies (HAVN_TRUSTED_PROXIES) the client is read from `X-Forwarded-For`: the nearest address
in it that is not itself a trusted proxy (read from the right). With one proxy that sets the header itself
(nginx: `proxy_set_header X-Forwarded-For $remote_addr`) that is the header's first and only address; when a
proxy appends to what the client sent, the addresses on the left are the client's own words and could be
anything, so they are not believed. A request that does not come through a trusted proxy is never asked.

IPv6 addresses count by their /64 network: one household or phone gets a whole /64 and could otherwise take a
new address for every request.

The source of the request being handled is kept in a context variable (`SOURCE`), so that a limit deep in the
handover (P1s from one source, handover requests) can be checked without passing it through every call.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from aiohttp import web

from core.pseudonym import Pseudonymizer

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# The keyed hash of the source of the message being handled; None outside a person's request (the console,
# sweeps), where no per-source limit applies.
SOURCE: ContextVar[str | None] = ContextVar("havn_source", default=None)


@contextmanager
def from_source(source: str | None) -> Iterator[None]:
    token = SOURCE.set(source)
    try:
        yield
    finally:
        SOURCE.reset(token)


def parse_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """ "127.0.0.1", "10.0.0.0/8", "::1" → networks; ValueError names a bad one."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network") from None
    return tuple(networks)


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:443"
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


class Sources:
    def __init__(self, pseudonymizer: Pseudonymizer, trusted_proxies: tuple[str, ...] = ()) -> None:
        self._pseudonymizer = pseudonymizer
        self._trusted = parse_networks(trusted_proxies)

    def client_address(self, request: web.Request) -> str:
        """The client's address as text ("192.0.2.1", or "2001:db8:1:2::/64"); "unknown" without a peer."""
        peer = request.transport.get_extra_info("peername") if request.transport else None
        address = _address(str(peer[0])) if peer else None
        if address is None:
            return "unknown"
        if self._is_trusted(address):
            for entry in reversed(request.headers.get("X-Forwarded-For", "").split(",")):
                forwarded = _address(entry)
                if forwarded is None:
                    break  # garbage from here on: the proxy's peer is the best we know
                address = forwarded
                if not self._is_trusted(forwarded):
                    break
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is None:
            return str(ipaddress.IPv6Network((address, 64), strict=False))
        return str(address.ipv4_mapped or address) if isinstance(address, ipaddress.IPv6Address) else str(address)

    def of(self, request: web.Request) -> str:
        """The request's source as a keyed hash: what the limits count by."""
        return self._pseudonymizer.address_hash("source", self.client_address(request))

    def _is_trusted(self, address: Address) -> bool:
        return any(address in network for network in self._trusted)


SOURCES = web.AppKey("sources", Sources)
