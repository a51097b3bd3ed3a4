"""The SSRF guard's address vetting (no network): known cases and properties."""

from __future__ import annotations

import ipaddress
import socket

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult
from hypothesis import given
from hypothesis import strategies as st

from altscope.percolate.ssrf import (
    AddressGuard,
    BlockedAddress,
    GuardedResolver,
    address_refusal,
    is_public_address,
    parse_host_address,
)

REFUSED = [
    "127.0.0.1",
    "127.255.255.254",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # CGNAT
    "0.0.0.0",
    "0.1.2.3",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.1",
    "198.18.0.1",
    "::",
    "::1",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "fec0::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",  # IPv4-compatible
    "::8.8.8.8",  # IPv4-compatible is deprecated: refused whatever it holds
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "64:ff9b:1::8.8.8.8",  # local-use NAT64
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "2001:db8::1",
    "fe80::1%eth0",
]

PUBLIC = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.215.14",
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
]


@pytest.mark.parametrize("address", REFUSED)
def test_refused_addresses(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is not None
    assert not is_public_address(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is None


ipv4 = st.integers(0, 2**32 - 1).map(ipaddress.IPv4Address)
ipv6 = st.integers(0, 2**128 - 1).map(ipaddress.IPv6Address)


def mapped(v4: ipaddress.IPv4Address) -> ipaddress.IPv6Address:
    return ipaddress.IPv6Address(0xFFFF << 32 | int(v4))


def nat64(v4: ipaddress.IPv4Address) -> ipaddress.IPv6Address:
    return ipaddress.IPv6Address(0x64FF9B << 96 | int(v4))


def sixtofour(v4: ipaddress.IPv4Address) -> ipaddress.IPv6Address:
    return ipaddress.IPv6Address(0x2002 << 112 | int(v4) << 80 | 1)


@given(ipv4)
def test_ipv6_forms_of_an_ipv4_address_get_its_verdict(v4: ipaddress.IPv4Address) -> None:
    verdict = address_refusal(v4) is None
    for form in (mapped(v4), nat64(v4), sixtofour(v4)):
        assert (address_refusal(form) is None) == verdict, form


@given(st.one_of(ipv4, ipv6))
def test_nothing_python_calls_non_global_or_special_is_allowed(address) -> None:
    if address_refusal(address) is None:
        assert not address.is_loopback
        assert not address.is_private
        assert not address.is_link_local
        assert not address.is_multicast
        assert not address.is_reserved
        assert not address.is_unspecified
        if address.version == 6:
            assert address.ipv4_mapped is None or is_public_address(address.ipv4_mapped)


@given(
    st.sampled_from(
        ["10.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16"]
    ),
    st.integers(0, 2**24 - 1),
)
def test_every_address_of_private_ranges_is_refused(network: str, offset: int) -> None:
    net = ipaddress.IPv4Network(network)
    address = net.network_address + offset % net.num_addresses
    assert address_refusal(address) is not None
    assert address_refusal(mapped(address)) is not None


@given(st.integers(0, 2**121 - 1))
def test_unique_local_and_link_local_ipv6_are_refused(low: int) -> None:
    assert address_refusal(ipaddress.IPv6Address(0xFC << 120 | low)) is not None  # fc00::/7
    link_local = ipaddress.IPv6Address(0xFE80 << 112 | low % 2**118)
    assert address_refusal(link_local) is not None


@given(st.integers(0, 2**32 - 1))
def test_numeric_host_spellings_never_pass_as_names(number: int) -> None:
    guard = AddressGuard()
    for host in (str(number), hex(number)):
        assert parse_host_address(host) == ipaddress.IPv4Address(number)
        with pytest.raises(BlockedAddress):
            guard.check_host(host)


@pytest.mark.parametrize("host", ["127.1", "0x7f.0.0.1", "0177.0.0.1", "10.1", "127.0.1"])
def test_short_and_octal_ipv4_spellings_are_refused(host: str) -> None:
    with pytest.raises(BlockedAddress):
        AddressGuard().check_host(host)


@pytest.mark.parametrize("host", ["example.org", "doi.org", "1example.org", "xn--bcher-kva.de"])
def test_host_names_are_left_to_the_resolver(host: str) -> None:
    assert parse_host_address(host) is None
    AddressGuard().check_host(host)  # no exception


def test_allow_list_addresses_networks_and_names() -> None:
    guard = AddressGuard(["127.0.0.1", "10.1.0.0/16", "Intranet.Example", " ", "[::1]"])
    guard.check_address("anything", "127.0.0.1")
    guard.check_address("anything", "10.1.200.3")
    guard.check_address("anything", "::1")
    guard.check_address("intranet.example.", "192.168.0.1")
    for address in ("127.0.0.2", "10.2.0.1", "::ffff:127.0.0.1"):
        with pytest.raises(BlockedAddress):
            guard.check_address("anything", address)
    with pytest.raises(BlockedAddress):
        guard.check_address("anything", "not-an-address")


class TableResolver(AbstractResolver):
    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            {"hostname": host, "host": a, "port": port, "family": 0, "proto": 0, "flags": 0}
            for a in self.table.get(host, [])
        ]

    async def close(self) -> None:
        pass


async def test_guarded_resolver_refuses_a_host_if_any_address_is_refused() -> None:
    resolver = GuardedResolver(
        AddressGuard(),
        TableResolver(
            {
                "good.test": ["93.184.215.14", "2606:4700::1"],
                "mixed.test": ["93.184.215.14", "192.168.0.10"],
                "mapped.test": ["::ffff:169.254.169.254"],
            }
        ),
    )
    good = await resolver.resolve("good.test", 443)
    assert [r["host"] for r in good] == ["93.184.215.14", "2606:4700::1"]
    for host in ("mixed.test", "mapped.test"):
        with pytest.raises(BlockedAddress) as refused:
            await resolver.resolve(host, 443)
        assert refused.value.host == host
    with pytest.raises(OSError):
        await resolver.resolve("empty.test", 443)
