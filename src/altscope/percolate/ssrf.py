"""The SSRF guard: which addresses the fetcher may connect to, checked after every DNS lookup.

A URL found in the wild may point at anything: the cloud metadata service (169.254.169.254), a
database on the local network, the machine itself. :class:`AddressGuard` decides, for every
address a host name resolves to, whether connecting is allowed; :class:`GuardedResolver` wraps
aiohttp's resolver so the connector only ever sees vetted addresses (the address that was checked
is the address connected to, so a DNS answer that changes between a check and the connection —
DNS rebinding — cannot slip through). Address literals in URLs never reach the resolver, so the
fetcher checks them with :meth:`AddressGuard.check_host` before each request, redirects included.

Refused: loopback, private, shared (CGNAT), link-local, multicast, reserved, unspecified,
documentation and benchmarking ranges; IPv4-compatible ``::/96``, local-use NAT64
``64:ff9b:1::/48``, Teredo ``2001::/32``, unique-local and site-local IPv6. An IPv6 address that
stands for an IPv4 address (IPv4-mapped ``::ffff:0:0/96``, 6to4 ``2002::/16``, NAT64
``64:ff9b::/96``) gets that IPv4 address's verdict, so ``::ffff:127.0.0.1`` is loopback. An
explicit allow-list (``Settings.fetch_allow_hosts``: addresses, networks or host names) lets tests
and intranet deployments reach chosen hosts.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Spelled out rather than left to ``ipaddress.is_global`` alone: its tables differ between
# Python releases, and these must hold everywhere.
_BLOCKED_V4 = tuple(
    ipaddress.IPv4Network(net)
    for net in (
        "0.0.0.0/8",  # "this network", unspecified
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local, cloud metadata services
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, broadcast
    )
)
_BLOCKED_V6 = tuple(
    ipaddress.IPv6Network(net)
    for net in (
        "::/128",  # unspecified
        "::1/128",  # loopback
        "::/96",  # IPv4-compatible (deprecated)
        "64:ff9b:1::/48",  # NAT64 local use
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments (Teredo 2001::/32 among them)
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
        "5f00::/16",  # segment routing
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)


class BlockedAddress(OSError):
    """Connecting to this address is refused by the SSRF guard."""

    def __init__(self, host: str, address: str, why: str) -> None:
        super().__init__(f"{host} -> {address}: {why}")
        self.host = host
        self.address = address
        self.why = why


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, translated, 6to4, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or address in _IPV4_TRANSLATED:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")


def address_refusal(address: IPAddress) -> str | None:
    """Why connecting to ``address`` is refused, or ``None`` when it is a public unicast address.

    An IPv6 address that stands for an IPv4 address (IPv4-mapped, IPv4-translated, 6to4,
    NAT64) gets the verdict of that IPv4 address.
    """
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return "scoped IPv6 address"
        for network in _BLOCKED_V6:
            if address in network:
                return f"in {network}"
        inner = embedded_ipv4(address)
        if inner is not None:
            why = address_refusal(inner)
            return None if why is None else f"IPv6 form of {inner}: {why}"
    else:
        for network in _BLOCKED_V4:
            if address in network:
                return f"in {network}"
    flags = (
        ("loopback", address.is_loopback),
        ("private", address.is_private),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("unspecified", address.is_unspecified),
    )
    for name, flag in flags:
        if flag:
            return name
    if not address.is_global:
        return "not globally routable"
    return None


def is_public_address(address: IPAddress | str) -> bool:
    """True when connecting to ``address`` is allowed without an allow-list entry."""
    if isinstance(address, str):
        address = ipaddress.ip_address(address)
    return address_refusal(address) is None


def parse_host_address(host: str) -> IPAddress | None:
    """The address a URL host denotes when it is an address literal, else ``None``.

    Accepts what the C library would also take as an IPv4 address (``127.1``, ``0x7f.0.0.1``,
    ``2130706433``), so legacy numeric spellings cannot pass as host names.
    """
    text = host.strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if text and all(part and _is_number(part) for part in text.split(".")):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    return None


def _is_number(part: str) -> bool:
    lowered = part.lower()
    if lowered.startswith("0x"):
        return all(c in "0123456789abcdef" for c in lowered[2:])
    return part.isdigit()


class AddressGuard:
    """Vets hosts and addresses against the SSRF rules and the allow-list."""

    def __init__(self, allow: Iterable[str] = ()) -> None:
        self.allowed_networks: list[IPNetwork] = []
        self.allowed_hosts: set[str] = set()
        for entry in allow:
            entry = entry.strip()
            if not entry:
                continue
            try:
                self.allowed_networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                self.allowed_hosts.add(entry.lower().rstrip("."))

    def host_allowed(self, host: str) -> bool:
        """True when ``host`` is on the allow-list by name."""
        return host.lower().rstrip(".") in self.allowed_hosts

    def address_allowed(self, address: IPAddress) -> bool:
        """True when ``address`` is inside an allow-listed address or network."""
        return any(
            address.version == network.version and address in network
            for network in self.allowed_networks
        )

    def check_address(self, host: str, address: IPAddress | str) -> None:
        """Raise :class:`BlockedAddress` unless ``host`` may be reached at ``address``."""
        try:
            parsed = ipaddress.ip_address(address) if isinstance(address, str) else address
        except ValueError as error:
            raise BlockedAddress(host, str(address), "not an IP address") from error
        if self.host_allowed(host) or self.address_allowed(parsed):
            return
        why = address_refusal(parsed)
        if why is not None:
            raise BlockedAddress(host, str(parsed), why)

    def check_host(self, host: str) -> None:
        """Vet a URL host before any request: address literals are checked here.

        Host names are checked later, address by address, by :class:`GuardedResolver`. Legacy
        numeric spellings of IPv4 addresses (``127.1``, ``2130706433``) are refused outright.
        """
        address = parse_host_address(host)
        if address is None:
            return
        if address.version == 4 and host.rstrip(".") != str(address):
            raise BlockedAddress(host, str(address), "non-canonical IPv4 address")
        self.check_address(host, address)


class GuardedResolver(AbstractResolver):
    """An aiohttp resolver that refuses a host if ANY address it resolves to is refused."""

    def __init__(self, guard: AddressGuard, inner: AbstractResolver | None = None) -> None:
        from aiohttp.resolver import ThreadedResolver

        self.guard = guard
        self.inner = inner if inner is not None else ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self.inner.resolve(host, port, family)
        if not results:
            raise OSError(f"{host}: no addresses")
        for result in results:
            self.guard.check_address(host, result["host"])
        return results

    async def close(self) -> None:
        await self.inner.close()


def describe_blocked(error: BaseException) -> BlockedAddress | None:
    """The :class:`BlockedAddress` behind an aiohttp connection error, if that was the cause."""
    seen: set[int] = set()
    current: Any = error
    while current is not None and id(current) not in seen:
        if isinstance(current, BlockedAddress):
            return current
        seen.add(id(current))
        current = getattr(current, "os_error", None) or current.__cause__ or current.__context__
    return None
