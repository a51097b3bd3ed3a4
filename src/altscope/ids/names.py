"""Naming systems: Handles, URNs and ARKs.

- Handle: ``<prefix>/<suffix>`` (``10013/epic.10033``), as written; resolver hdl.handle.net.
  Found in text behind ``hdl:`` or an hdl.handle.net URL (handles with a ``10.`` prefix are DOIs).
- URN: ``urn:<nid>:<nss>`` with the NID lower-cased (RFC 8141); resolver only for ``urn:nbn``
  (nbn-resolving.org).
- ARK: ``ark:/<naan>/<name>`` (or ``ark:<naan>/<name>``, kept as written); taken out of any
  resolver URL (ARKs do not depend on their host); resolver ``https://n2t.net/<ark>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from altscope.ids._types import END, Identifier

_NAME_CHARS = r"[^\s\"'<>|{}\\^`?#]"
_TRAILING = ".,;:!?)]}'\"*"

_HANDLE_PARSE_RE = re.compile(
    rf"\A(?:hdl:\s?|(?:https?://)?(?:hdl\.)?handle\.net/)?(\d+(?:\.[\w-]+)*/{_NAME_CHARS}+)/?(?:\?\S*)?\Z",
    re.I,
)
HANDLE_FIND_RE = re.compile(
    rf"(?:(?:https?://)?hdl\.handle\.net/|\bhdl:\s?)(\d+(?:\.[\w-]+)*/{_NAME_CHARS}+)", re.I
)
_URN_PARSE_RE = re.compile(r"\Aurn:([a-z0-9][a-z0-9-]{0,31}):(\S+)\Z", re.I)
URN_FIND_RE = re.compile(r"\burn:(?!doi:)([a-z0-9][a-z0-9-]{0,31}):([^\s\"'<>|{}\\^`]+)", re.I)
_ARK_PARSE_RE = re.compile(
    r"\A(?:https?://[^/\s]+/|[a-z0-9.-]+\.[a-z]{2,}/)?ark:(/?)([0-9a-z]{5,9}/\S+)\Z", re.I
)
ARK_FIND_RE = re.compile(
    rf"(?:https?://(?:n2t\.net|arks\.org)/)?\bark:(/?)([0-9a-z]{{5,9}}/{_NAME_CHARS}+)", re.I
)


def _strip(value: str) -> str:
    while value and (
        value[-1] in _TRAILING and not (value[-1] == ")" and value.count("(") >= value.count(")"))
    ):
        value = value[:-1]
    return value


def normalize_handle(text: str) -> str | None:
    """The handle ``prefix/suffix`` from a bare handle, ``hdl:`` or an hdl.handle.net URL."""
    match = _HANDLE_PARSE_RE.match(text.strip())
    if not match:
        return None
    value = _strip(match.group(1))
    return value if value.find("/") < len(value) - 1 else None


def normalize_urn(text: str) -> str | None:
    """``urn:<nid>:<nss>`` with a lower-case NID, else None."""
    match = _URN_PARSE_RE.match(text.strip())
    if not match:
        return None
    return f"urn:{match.group(1).lower()}:{match.group(2)}"


def normalize_ark(text: str) -> str | None:
    """``ark:/<naan>/<name>`` (slash kept as written) from an ARK or any URL holding one."""
    match = _ARK_PARSE_RE.match(text.strip())
    if not match:
        return None
    return f"ark:{match.group(1)}{_strip(match.group(2))}"


def handle_url(value: str) -> str:
    return f"https://hdl.handle.net/{value}"


def urn_url(value: str) -> str | None:
    if value.startswith("urn:nbn:"):
        return f"https://nbn-resolving.org/{value}"
    return None


def ark_url(value: str) -> str:
    return f"https://n2t.net/{value}"


def find_handle(
    text: str, pos: int = 0, endpos: int = END
) -> Iterator[tuple[int, int, Identifier]]:
    for match in HANDLE_FIND_RE.finditer(text, pos, endpos):
        value = _strip(match.group(1))
        if value.startswith("10.") or value.endswith("/"):
            continue
        yield match.start(), match.start(1) + len(value), Identifier("handle", value)


def find_urn(text: str, pos: int = 0, endpos: int = END) -> Iterator[tuple[int, int, Identifier]]:
    for match in URN_FIND_RE.finditer(text, pos, endpos):
        nss = _strip(match.group(2))
        if nss:
            value = f"urn:{match.group(1).lower()}:{nss}"
            yield match.start(), match.start(2) + len(nss), Identifier("urn", value)


def find_ark(text: str, pos: int = 0, endpos: int = END) -> Iterator[tuple[int, int, Identifier]]:
    for match in ARK_FIND_RE.finditer(text, pos, endpos):
        name = _strip(match.group(2))
        if name.find("/") < len(name) - 1:
            value = f"ark:{match.group(1)}{name}"
            yield match.start(), match.start(2) + len(name), Identifier("ark", value)
