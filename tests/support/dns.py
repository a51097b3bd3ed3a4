"""A DNS resolver for tests: answers from a table, never from the network."""

from __future__ import annotations

import socket
from collections.abc import Mapping

from aiohttp.abc import AbstractResolver, ResolveResult


class TableDNS(AbstractResolver):
    """Resolves the hosts of ``table`` to its addresses, and any other host to ``default``
    (or not at all). ``asked`` lists the hosts looked up, in order."""

    def __init__(
        self, table: Mapping[str, list[str]] | None = None, default: str | None = None
    ) -> None:
        self.table = dict(table or {})
        self.default = default
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        if host in self.table:
            addresses = self.table[host]
        elif self.default is not None:
            addresses = [self.default]
        else:
            raise OSError(f"{host}: unknown host")
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
            for address in addresses
        ]

    async def close(self) -> None:
        pass
