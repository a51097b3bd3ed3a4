"""One Hyperscan pass that says where in a text identifiers can be.

The database holds every finder's anchor (a byte pattern that every match of the finder's
expression contains) and its case-insensitive trigger keys, spelled every way ``re.IGNORECASE``
matches them, and ``_JOIN``: markup whose removal by :class:`~altscope.ids.find.StrippedHTML` could
join two characters of an anchor. Hyperscan scans UTF-8 bytes; its offsets are turned into str
offsets. Each thread gets its own scratch space (Hyperscan releases the GIL while it scans).
Hyperscan is imported only by :func:`locators`; the rest is plain Python.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

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


class Locator:
    """Hyperscan databases for finders given as (anchor pattern or None, trigger keys, whether the
    keys are anchors too): one for text and one that also looks for joins, for HTML (the join
    pattern costs a third of a scan); then the same two without start offsets and reporting every
    join, for batches (:meth:`batch_ends`). ImportError without Hyperscan.

    :meth:`locate` scans a text. A caller that needs the last tenth of speed inlines it: encode
    the text (:func:`utf8`), call ``scans[markup](data, collect, 0, matches, scratch)`` with
    ``scratch = local.scratches[markup]`` (:meth:`scratches` the first time in a thread), and
    pass the matches to :meth:`located`."""

    def __init__(self, finders: Sequence[tuple[bytes | None, tuple[str, ...], bool]]) -> None:
        import hyperscan

        # Pattern ids: one per anchor and one per key, then the join pattern.
        self._meaning: list[tuple[int, str | None]] = []
        patterns = []
        for index, (anchor, keys, _) in enumerate(finders):
            if anchor is not None:
                self._meaning.append((index, None))
                patterns.append(anchor)
            for key in keys:
                self._meaning.append((index, key))
                patterns.append(caseless(key))
        self._meaning.append((-1, None))
        self._keys_anchor = [keys_anchor for _, _, keys_anchor in finders]
        som = [hyperscan.HS_FLAG_SOM_LEFTMOST] * len(patterns)
        self._dbs = (
            _database(hyperscan, patterns, som),
            _database(hyperscan, [*patterns, _JOIN], [*som, hyperscan.HS_FLAG_SINGLEMATCH]),
            _database(hyperscan, patterns, [0] * len(patterns)),
            _database(hyperscan, [*patterns, _JOIN], [0] * (len(patterns) + 1)),
        )
        self.scans = tuple(db.scan for db in self._dbs)
        self.local = threading.local()

    def scratches(self) -> tuple[object, ...]:
        """This thread's scratch spaces, one per database, made on first use."""
        self.local.scratches = tuple(db.scratch.clone() for db in self._dbs)
        return self.local.scratches

    def locate(self, text: str, markup: bool = False) -> Located | None:
        """Anchors and keys (and joins if ``markup``) in ``text``; None when there are none."""
        data = utf8(text)
        matches: list[tuple[int, int]] = []
        try:
            scratches = self.local.scratches
        except AttributeError:
            scratches = self.scratches()
        self.scans[markup](data, collect, 0, matches, scratches[markup])
        return self.located(text, data, matches) if matches else None

    def batch_ends(self, data: bytes, markup: bool) -> list[int]:
        """The UTF-8 end offsets of every match (of every join if ``markup``) in ``data``."""
        ends: list[int] = []
        try:
            scratches = self.local.scratches
        except AttributeError:
            scratches = self.scratches()
        self.scans[2 + markup](data, _collect_end, 0, ends, scratches[2 + markup])
        return ends

    def located(self, text: str, data: bytes, matches: list[tuple[int, int]]) -> Located:
        """What the (pattern id, UTF-8 start) ``matches`` of a scan of ``data`` say."""
        if not text.isascii():
            matches = _str_offsets(data, matches)
        located = Located()
        for pattern_id, start in matches:
            index, key = self._meaning[pattern_id]
            if index < 0:
                located.join = True
                continue
            if key is not None:
                located.keys.setdefault(index, []).append((key, start))
            if key is None or self._keys_anchor[index]:
                located.anchors.setdefault(index, []).append(start)
        return located


def utf8(text: str) -> bytes:
    try:
        return text.encode()
    except UnicodeEncodeError:  # lone surrogates
        return text.encode("utf-8", "surrogatepass")


def _database(hyperscan: Any, patterns: list[bytes], flags: list[int]) -> Any:
    db = hyperscan.Database()
    ids = list(range(len(patterns)))
    db.compile(expressions=patterns, ids=ids, elements=len(patterns), flags=flags)
    return db


def _collect_end(pattern_id: int, start: int, end: int, flags: int, ends: list) -> None:
    """Hyperscan's match handler for the batch databases: appends the end."""
    ends.append(end)


def collect(pattern_id: int, start: int, end: int, flags: int, matches: list) -> None:
    """Hyperscan's match handler: appends (pattern id, start)."""
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
