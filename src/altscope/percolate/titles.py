"""Title matching: a tracked output named by its title, precision first.

A false match is worse than a miss, so a title match needs all of:

- a *specific* title: at least :data:`MIN_TOKENS` significant words and :data:`MIN_CHARS`
  characters once normalised (case, punctuation, diacritics and stop words removed), so that
  "Introduction" or "Deep learning" never match;
- the same normalised title (in text: the title's words in a row; against a landing page's
  metadata: equal, or near-equal with a similarity of at least :data:`NEAR_EXACT`);
- *one* tracked output with that title (two outputs sharing a title match neither);
- corroboration: an author's surname or the journal (name or ISSN) seen as well;
- optionally, publication within a window before the observation (``window_days``).

Every refusal says why (:class:`TitleSkip`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from difflib import SequenceMatcher

from altscope.ids import Identifier

__all__ = [
    "MIN_CHARS",
    "MIN_TOKENS",
    "NEAR_EXACT",
    "STOP_WORDS",
    "TitleIndex",
    "TitleMatch",
    "TitleSkip",
    "TrackedTitle",
    "normalize_title",
    "surname",
    "title_tokens",
]

MIN_TOKENS = 4
MIN_CHARS = 20
NEAR_EXACT = 0.95
PREFIX = 3  # words that key the index for finding titles inside a text
# The publication window tolerates metadata that dates a work a little after its first mention.
WINDOW_SLACK = timedelta(days=2)

_STOP_WORDS = """a an the and or of in on at to for from by with without into onto over under
about as is are was were be been being this that these those its it their our your his her via
vs versus de la le les el los las der die das und des du di da del et"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)


def _fold(text: str) -> str:
    """Lower case, diacritics removed (é → e, ß → ss)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(_fold(text))


def title_tokens(text: str | None) -> tuple[str, ...]:
    """The significant words of a title, normalised, in order."""
    if not text:
        return ()
    return tuple(word for word in _words(text) if word not in STOP_WORDS)


def normalize_title(text: str | None) -> str:
    """One spelling per title: ``"The Évolution of X: a Study"`` → ``"evolution x study"``."""
    return " ".join(title_tokens(text))


def surname(name: str | None) -> str | None:
    """The normalised surname of an author written ``"Given Family"`` or ``"Family, Given"``."""
    if not name:
        return None
    family = name.split(",", 1)[0] if "," in name else name
    words = _words(family)
    if not words:
        return None
    return words[0] if "," in name else words[-1]


def _journal_key(journal: str | None) -> tuple[str, ...]:
    return tuple(_words(journal)) if journal else ()


@dataclass(frozen=True, slots=True)
class TrackedTitle:
    """What title matching knows of one tracked output."""

    output_id: int
    title: str
    surnames: frozenset[str] = frozenset()
    journals: tuple[tuple[str, ...], ...] = ()
    issns: frozenset[str] = frozenset()
    published: date | None = None
    identifier: Identifier | None = None

    @classmethod
    def build(
        cls,
        output_id: int,
        title: str,
        *,
        authors: Iterable[str | None] = (),
        journals: Iterable[str | None] = (),
        issns: Iterable[str] = (),
        published: date | None = None,
        identifier: Identifier | None = None,
    ) -> TrackedTitle:
        """From plain metadata: author names (or bare surnames) and journal names."""
        return cls(
            output_id=output_id,
            title=title,
            surnames=frozenset(s for s in map(surname, authors) if s and len(s) > 1),
            journals=tuple(k for k in map(_journal_key, journals) if k),
            issns=frozenset(i.upper() for i in issns if i),
            published=published,
            identifier=identifier,
        )

    @property
    def tokens(self) -> tuple[str, ...]:
        return title_tokens(self.title)


@dataclass(frozen=True, slots=True)
class TitleMatch:
    """A tracked output matched by its title, with what corroborated it."""

    output_id: int
    title: str
    corroboration: tuple[str, ...]
    similarity: float = 1.0
    identifier: Identifier | None = None

    @property
    def detail(self) -> str:
        exact = "exact title" if self.similarity >= 1.0 else f"title ~{self.similarity:.2f}"
        return f"{exact}; {', '.join(self.corroboration)}"


@dataclass(frozen=True, slots=True)
class TitleSkip:
    """A title that was not matched, and why (``reason`` is a short code)."""

    title: str
    reason: str
    detail: str = ""


@dataclass(slots=True)
class TitleOutcome:
    matches: list[TitleMatch] = field(default_factory=list)
    skipped: list[TitleSkip] = field(default_factory=list)


def is_specific(tokens: Sequence[str]) -> bool:
    """Long enough to name one work: enough significant words and characters."""
    return len(tokens) >= MIN_TOKENS and len(" ".join(tokens)) >= MIN_CHARS


def _contains(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    n = len(needle)
    if not n or n > len(haystack):
        return False
    first = needle[0]
    return any(
        haystack[i] == first and tuple(haystack[i : i + n]) == tuple(needle)
        for i in range(len(haystack) - n + 1)
    )


def _as_date(moment: date | datetime | None) -> date | None:
    if isinstance(moment, datetime):
        return moment.date()
    return moment


class TitleIndex:
    """The titles of the tracked outputs, searchable by normalised title and inside text."""

    def __init__(self, entries: Iterable[TrackedTitle] = ()) -> None:
        self._by_key: dict[str, list[TrackedTitle]] = defaultdict(list)
        self._by_prefix: dict[tuple[str, ...], set[str]] = defaultdict(set)
        self._by_edge: dict[tuple[str, ...], set[str]] = defaultdict(set)
        self.size = 0
        for entry in entries:
            self.add(entry)

    def add(self, entry: TrackedTitle) -> None:
        """Index one output; titles too short to be specific are not indexed at all."""
        tokens = entry.tokens
        if not is_specific(tokens):
            return
        key = " ".join(tokens)
        self._by_key[key].append(entry)
        self._by_prefix[tokens[:PREFIX]].add(key)
        self._by_edge[tokens[-PREFIX:]].add(key)
        self.size += 1

    def __len__(self) -> int:
        return self.size

    # --- shared checks ---------------------------------------------------------------------

    @staticmethod
    def _in_window(
        entry: TrackedTitle, at: date | datetime | None, window_days: int | None
    ) -> bool:
        if window_days is None or at is None:
            return True
        if entry.published is None:
            return False  # precision first: an undated output cannot be placed in the window
        day = _as_date(at)
        assert day is not None
        earliest = day - timedelta(days=window_days)
        return earliest <= entry.published <= day + WINDOW_SLACK

    def _decide(
        self,
        title: str,
        candidates: list[TrackedTitle],
        corroborate,
        similarity: float,
        at: date | datetime | None,
        window_days: int | None,
    ) -> TitleMatch | TitleSkip:
        dated = [c for c in candidates if self._in_window(c, at, window_days)]
        if not dated:
            return TitleSkip(title, "title-outside-window", f"{window_days} days before {at}")
        outputs = {c.output_id for c in dated}
        if len(outputs) > 1:
            ids = ", ".join(str(i) for i in sorted(outputs))
            return TitleSkip(title, "title-ambiguous", f"tracked outputs {ids} share this title")
        entry = dated[0]
        evidence = corroborate(entry)
        if not evidence:
            return TitleSkip(title, "title-uncorroborated", "no author surname or journal seen")
        return TitleMatch(
            entry.output_id, entry.title, tuple(evidence), similarity, entry.identifier
        )

    # --- metadata (a landing page's title, authors and journal) -----------------------------

    def match_metadata(
        self,
        title: str | None,
        *,
        authors: Iterable[str | None] = (),
        journal: str | None = None,
        issns: Iterable[str] = (),
        at: date | datetime | None = None,
        window_days: int | None = None,
    ) -> TitleMatch | TitleSkip | None:
        """The one tracked output a page's metadata describes; ``None`` when no title matches."""
        tokens = title_tokens(title)
        if not tokens:
            return None
        shown = title or ""
        if not is_specific(tokens):
            return TitleSkip(shown, "title-too-short", f"{len(tokens)} significant words")
        key = " ".join(tokens)
        similarity = 1.0
        candidates = self._by_key.get(key, [])
        if not candidates:
            similarity, candidates = self._near(key, tokens)
        if not candidates:
            return None
        names = {s for s in map(surname, authors) if s}
        journal_key = _journal_key(journal)
        wanted_issns = {i.upper() for i in issns if i}

        def corroborate(entry: TrackedTitle) -> list[str]:
            found = [f"author {s}" for s in sorted(names & entry.surnames)]
            if journal_key and journal_key in entry.journals:
                found.append(f"journal {' '.join(journal_key)}")
            elif wanted_issns & entry.issns:
                found.append(f"issn {sorted(wanted_issns & entry.issns)[0]}")
            return found

        return self._decide(shown, candidates, corroborate, similarity, at, window_days)

    def _near(self, key: str, tokens: tuple[str, ...]) -> tuple[float, list[TrackedTitle]]:
        """Titles within :data:`NEAR_EXACT` of ``key`` that share its first or last words."""
        keys = self._by_prefix.get(tokens[:PREFIX], set()) | self._by_edge.get(
            tokens[-PREFIX:], set()
        )
        best, found = 0.0, []
        for other in keys:
            ratio = SequenceMatcher(None, key, other, autojunk=False).ratio()
            if ratio < NEAR_EXACT:
                continue
            if ratio > best:
                best, found = ratio, list(self._by_key[other])
            elif ratio == best:
                found.extend(self._by_key[other])
        return best, found

    # --- free text (a news story, a blog post) ----------------------------------------------

    def find_in_text(
        self,
        text: str | None,
        *,
        at: date | datetime | None = None,
        window_days: int | None = None,
    ) -> TitleOutcome:
        """Tracked titles written out in ``text``, each corroborated elsewhere in the text."""
        outcome = TitleOutcome()
        if not text or not self._by_key:
            return outcome
        words = title_tokens(text)
        seen: set[str] = set()
        for start in range(len(words) - PREFIX + 1):
            for key in self._by_prefix.get(words[start : start + PREFIX], ()):
                tokens = tuple(key.split(" "))
                end = start + len(tokens)
                if key in seen or words[start:end] != tokens:
                    continue
                seen.add(key)
                rest = words[:start] + words[end:]
                rest_set = set(rest)

                def corroborate(entry: TrackedTitle, rest=rest, rest_set=rest_set) -> list[str]:
                    found = [f"author {s}" for s in sorted(entry.surnames & rest_set)]
                    journals = [j for j in entry.journals if _contains(rest, _strip_stops(j))]
                    found += [f"journal {' '.join(j)}" for j in journals[:1]]
                    return found

                candidates = self._by_key[key]
                decided = self._decide(
                    candidates[0].title, candidates, corroborate, 1.0, at, window_days
                )
                target = outcome.matches if isinstance(decided, TitleMatch) else outcome.skipped
                target.append(decided)  # type: ignore[arg-type]
        return outcome


def _strip_stops(words: tuple[str, ...]) -> tuple[str, ...]:
    """A journal name as it appears in stop-word-free text tokens."""
    return tuple(w for w in words if w not in STOP_WORDS) or words
