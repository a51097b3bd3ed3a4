"""News outlets: name, reach tier and country of a news site, from ``outlets.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class Outlet:
    """A news outlet: ``tier`` 1 (largest reach) to 3; ``country`` ISO alpha-2 or None."""

    name: str
    host: str
    tier: int
    country: str | None


@dataclass(frozen=True, slots=True)
class _Entry:
    outlet: Outlet
    paths: tuple[str, ...]  # empty: the whole host


@cache
def _registry() -> dict[str, _Entry]:
    data = tomllib.loads((HERE / "outlets.toml").read_text(encoding="utf-8"))
    registry = {}
    for host, spec in data.items():
        tier = int(spec["tier"])
        if tier not in (1, 2, 3):
            raise ValueError(f"outlets.toml: {host}: tier must be 1, 2 or 3, not {tier}")
        outlet = Outlet(spec["name"], host, tier, spec.get("country"))
        registry[host.lower()] = _Entry(outlet, tuple(spec.get("paths", ())))
    return registry


def outlets() -> list[Outlet]:
    """Every registered outlet."""
    return [entry.outlet for entry in _registry().values()]


def _split(url_or_host: str) -> tuple[str, str | None]:
    """(host, path or None when only a host was given)."""
    text = url_or_host.strip()
    if "://" not in text and not text.startswith("//"):
        host, _, path = text.partition("/")
        return host.split(":")[0].lower().rstrip("."), ("/" + path) if path else None
    parts = urlsplit(text if "://" in text else "http:" + text)
    return (parts.hostname or "").rstrip("."), parts.path or None


def outlet_info(url_or_host: str) -> Outlet | None:
    """The outlet publishing at a URL or host (``edition.cnn.com`` -> CNN), or None."""
    if not url_or_host:
        return None
    host, path = _split(url_or_host)
    labels = host.split(".")
    registry = _registry()
    for i in range(len(labels) - 1):
        entry = registry.get(".".join(labels[i:]))
        if entry is None:
            continue
        if entry.paths and (path is None or not path.startswith(entry.paths)):
            return None
        return entry.outlet
    return None


def outlet_country(url_or_host: str) -> str | None:
    """The country of the outlet at a URL or host, or None (unknown or international)."""
    outlet = outlet_info(url_or_host)
    return outlet.country if outlet else None
