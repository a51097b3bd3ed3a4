"""One Hyperscan pass that says where in a text identifiers can be.

The database holds every finder's anchor (a byte pattern that every match of the finder's
expression contains) and its case-insensitive trigger keys, spelled every way ``re.IGNORECASE``
matches them, and ``_JOIN``: markup whose removal by :class:`~altscope.ids.find.StrippedHTML` could
join two characters of an anchor. Hyperscan scans UTF-8 bytes; its offsets are turned into str
offsets. Each thread gets its own scratch space (Hyperscan releases the GIL while it scans).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

try:
    import hyperscan
except ImportError:  # no wheel for this platform: altscope.ids.find falls back to plain regexes
    hyperscan = None

# What re.IGNORECASE matches for an ASCII letter besides its two cases (a test checks all of
# Unicode). str.lower() maps only two of them to ASCII: U+0130 to "i̇" and U+212A to "k".
IGNORECASE_EXTRA = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}

# A character an anchor may contain, then tags, then another: a removed inline tag joins them.
_ANCHOR_CHAR = rb"[0-9A-Za-z.:\-\x80-\xff]"
_JOIN = _ANCHOR_CHAR + rb"(?:<[^>]*>)+" + _ANCHOR_CHAR


def caseless(key: str) -> bytes:
    """A byte pattern for the UTF-8 of every spelling of ``key`` that ``re.IGNORECASE`` matches
    (``doi``, ``DoI``, ``doı``, ...)."""
    parts = []
    for ch in key:
        if ch.isascii() and ch.isalpha():
            alternatives = [f"[{ch.lower()}{ch.upper()}]"]
            for extra in IGNORECASE_EXTRA.get(ch.lower(), ""):
                alternatives.append("".join(f"\\x{b:02x}" for b in extra.encode()))
            parts.append(f"(?:{'|'.join(alternatives)})")
        else:
            parts.append(f"\\x{ord(ch):02x}")
    return "".join(parts).encode("ascii")


class Located:
    """What a scan found, in str offsets: per finder (by index) the starts of its anchors and its
    trigger keys as (key, start); ``join`` when markup could join anchor characters."""

    __slots__ = ("anchors", "join", "keys")

    def __init__(self) -> None:
        self.anchors: dict[int, list[int]] = {}
        self.keys: dict[int, list[tuple[str, int]]] = {}
        self.join = False


Locate = Callable[[str, bool], "Located | None"]


def locator(finders: Sequence[tuple[bytes | None, tuple[str, ...]]]) -> Locate | None:
    """``locate(text, markup)`` for finders given as (anchor or None, trigger keys); a finder
    without an anchor is anchored by its keys. ``markup=True`` also looks for joins (a second
    database: the join pattern costs a third of the scan). None without Hyperscan."""
    if hyperscan is None:
        return None
    # Pattern ids: one per anchor and one per key, then the join pattern.
    meaning: list[tuple[int, str | None]] = []
    patterns = []
    for index, (anchor, keys) in enumerate(finders):
        if anchor is not None:
            meaning.append((index, None))
            patterns.append(anchor)
        for key in keys:
            meaning.append((index, key))
            patterns.append(caseless(key))
    meaning.append((-1, None))
    anchored = [anchor is not None for anchor, _ in finders]
    scanners = (_scanner(patterns), _scanner([*patterns, _JOIN]))

    def locate(text: str, markup: bool = False) -> Located | None:
        data = text.encode("utf-8", "surrogatepass")
        matches: list[tuple[int, int]] = []
        scanners[markup](data, matches)
        if not matches:
            return None
        if not text.isascii():
            matches = _str_offsets(data, matches)
        located = Located()
        for pattern_id, start in matches:
            index, key = meaning[pattern_id]
            if index < 0:
                located.join = True
                continue
            if key is not None:
                located.keys.setdefault(index, []).append((key, start))
            if key is None or not anchored[index]:
                located.anchors.setdefault(index, []).append(start)
        return located

    return locate


def _scanner(patterns: list[bytes]) -> Callable[[bytes, list], None]:
    """``scan(data, matches)``: appends (pattern index, start) for every match in ``data``."""
    flags = [hyperscan.HS_FLAG_SOM_LEFTMOST] * len(patterns)
    if patterns[-1] is _JOIN:
        flags[-1] = hyperscan.HS_FLAG_SINGLEMATCH
    db = hyperscan.Database()
    db.compile(
        expressions=patterns, ids=list(range(len(patterns))), elements=len(patterns), flags=flags
    )
    db_scan = db.scan
    local = threading.local()

    def scan(data: bytes, matches: list) -> None:
        try:
            scratch = local.scratch
        except AttributeError:
            scratch = local.scratch = db.scratch.clone()
        db_scan(data, _collect, 0, matches, scratch)

    return scan


def _collect(pattern_id: int, start: int, end: int, flags: int, matches: list) -> None:
    matches.append((pattern_id, start))


def _str_offsets(data: bytes, matches: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``matches`` with UTF-8 offsets (all at character starts) turned into str offsets."""
    out = []
    byte = char = 0
    for pattern_id, start in sorted(matches, key=lambda m: m[1]):
        char += len(data[byte:start].decode("utf-8", "surrogatepass"))
        byte = start
        out.append((pattern_id, char))
    return out
