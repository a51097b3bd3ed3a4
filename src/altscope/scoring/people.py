"""People: what kind of account is posting, from its profile text, by documented rules.

``classify_profile`` returns (kind, rule id) with kind one of ``public``, ``researcher``,
``practitioner``, ``communicator`` or ``unknown``; the rules are data in ``people_rules.toml``
and are explained in docs/people-and-places.md. ``is_bot_profile`` tells self-declared bots and
feeds. ``classify_actors`` fills ``Actor.kind``/``kind_rule`` in bulk.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from altscope.store.schema import Actor

KINDS = ("public", "researcher", "practitioner", "communicator", "unknown")
RULES_PATH = Path(__file__).with_name("people_rules.toml")
EMPTY_RULE = "unknown.empty"
BOT_RULE = "unknown.bot"
PUBLIC_RULE = "public.default"
MAX_LENGTH = 2000  # longer profiles are cut: a bio is short
CHUNK = 5000

# A role right after these words is not the person's role ("ex-journalist", "aspiring
# scientist", "not a doctor"); "retired" is not among them: a retired physician still counts.
_NEGATION = re.compile(
    r"(?:^|[^\w])(?:former|formerly|ex|aspiring|wannabe|would[\s-]?be|future|recovering|non|"
    r"not\s+an?|no\s+longer\s+an?|used\s+to\s+be\s+an?|ancienne?|ehemaliger?[sn]?|antigu[oa]|"
    r"aspirante?)[\s\-]+(?:(?!(?:and|now|turned|but|then|currently|y|et|und|e)\b)[\w.]+[\s\-]+)"
    r"{0,2}$",
    re.IGNORECASE,
)
_TURNED = re.compile(r"[\s,]+turned\b", re.IGNORECASE)
_WORDS = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True, slots=True)
class Rule:
    """One documented rule: a kind and the terms that say it."""

    id: str
    kind: str
    description: str
    not_after: re.Pattern[str] | None


@dataclass(frozen=True, slots=True)
class _Matcher:
    rules: tuple[Rule, ...]
    words: dict[str, int]  # casefolded word tokens joined by a space -> rule index
    cased: dict[str, int]  # word tokens as written, joined by a space -> rule index
    starts: dict[str, int]  # first token (casefolded) of a term -> most words of such a term
    patterns: tuple[tuple[re.Pattern[str], int], ...]
    substrings: tuple[tuple[str, int], ...]


_TOKEN = re.compile(r"\w+")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


@cache
def _matcher(path: Path = RULES_PATH) -> _Matcher:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    rules: list[Rule] = []
    words: dict[str, int] = {}
    cased: dict[str, int] = {}
    patterns: list[tuple[re.Pattern[str], int]] = []
    substrings: list[tuple[str, int]] = []
    for index, spec in enumerate(data["rules"]):
        if spec["kind"] not in KINDS:
            raise ValueError(f"{path.name}: rule {spec['id']}: unknown kind {spec['kind']!r}")
        not_after = spec.get("not_after")
        rules.append(
            Rule(
                spec["id"],
                spec["kind"],
                spec.get("description", ""),
                re.compile(not_after) if not_after else None,
            )
        )
        for term in spec.get("words", []):
            words.setdefault(" ".join(_tokens(term.casefold())), index)
        for term in spec.get("cased", []):
            cased.setdefault(" ".join(_tokens(term)), index)
        patterns += [(re.compile(p, re.IGNORECASE), index) for p in spec.get("patterns", [])]
        substrings += [(s, index) for s in spec.get("substrings", [])]
    starts: dict[str, int] = {}
    for key in (*words, *cased):
        first = key.split(" ")[0].casefold()
        starts[first] = max(starts.get(first, 0), key.count(" ") + 1)
    return _Matcher(
        rules=tuple(rules),
        words=words,
        cased=cased,
        starts=starts,
        patterns=tuple(patterns),
        substrings=tuple(sorted(substrings, key=lambda s: -len(s[0]))),
    )


def rules() -> tuple[Rule, ...]:
    """The rules, highest precedence first."""
    return _matcher().rules


def _counted(text: str, start: int, rule: Rule, end: int | None = None) -> bool:
    before = text[max(0, start - 80) : start]
    if _NEGATION.search(before):
        return False
    if end is not None and _TURNED.match(text, end):
        return False  # "journalist turned PhD student": what they were
    return not (rule.not_after and rule.not_after.search(before))


def _term_hits(text: str, m: _Matcher) -> list[tuple[int, int, int]]:
    """(rule index, start, end) of every term, longest first where terms overlap.

    A term matches whole word tokens: any case for ``words``, as written for ``cased``; at each
    token the longest term of either list is taken and the tokens it covers are skipped.
    """
    found = list(_TOKEN.finditer(text))
    spans = [(t.start(), t[0]) for t in found]
    ends = [t.end() for t in found]
    folded = [word.casefold() for _, word in spans]
    hits = []
    i = 0
    while i < len(spans):
        longest = m.starts.get(folded[i], 0)
        for n in range(min(longest, len(spans) - i), 0, -1):
            index = m.words.get(" ".join(folded[i : i + n]))
            if index is None:
                index = m.cased.get(" ".join(word for _, word in spans[i : i + n]))
            if index is not None:
                hits.append((index, spans[i][0], ends[i + n - 1]))
                i += n
                break
        else:
            i += 1
    return hits


def _best_rule(text: str) -> Rule | None:
    """The highest rule with a counted term in ``text``."""
    m = _matcher()
    best: int | None = None
    for index, start, end in _term_hits(text, m):
        if (best is None or index < best) and _counted(text, start, m.rules[index], end):
            best = index
    for pattern, index in m.patterns:
        if best is not None and index >= best:
            continue
        match = pattern.search(text)
        if match and _counted(text, match.start(), m.rules[index]):
            best = index
    for term, index in m.substrings:
        if best is not None and index >= best:
            continue
        pos = text.find(term)
        if pos >= 0 and _counted(text, pos, m.rules[index]):
            best = index
    return None if best is None else m.rules[best]


def classify_profile(
    profile: str | None, name: str | None = None, handle: str | None = None
) -> tuple[str, str]:
    """(kind, rule id) of an account from its bio, display name and handle.

    A self-declared bot or feed is ``unknown``/``unknown.bot``; the bio and name are searched
    for role terms (the highest rule wins); a bio with words and no role is ``public``; no bio
    and no role in the name is ``unknown``.
    """
    profile = (profile or "")[:MAX_LENGTH]
    name = (name or "")[:MAX_LENGTH]
    if is_bot_profile(profile, name, handle):
        return "unknown", BOT_RULE
    rule = _best_rule(f"{profile}\n{name}" if name else profile)
    if rule is not None:
        return rule.kind, rule.id
    if _WORDS.search(profile):
        return "public", PUBLIC_RULE
    return "unknown", EMPTY_RULE


# --- bots ---------------------------------------------------------------------------------

_BOT_TEXT = re.compile(
    r"\bbot\b|🤖|\bautomated\s+(?:account|feed|posts?|tweets?|by)\b|\bthis\s+account\s+is\s+"
    r"automated\b|\bautomatically\s+(?:posts?|posted|tweets?|tweeted|shares?|shared|generated)"
    r"\b|\bauto[\s-]?(?:posts?|posting|generated|tweets?)\b|\bfeed\s+of\b|\brss\b|"
    r"\b(?:new|latest|recent)\s+(?:papers|preprints|articles|publications)\s+(?:from|in|on|"
    r"published)\b|\b(?:posts|tweets|shares)\s+(?:new|the\s+latest|every\s+new|all\s+new)\s+"
    r"(?:papers|preprints|articles|publications)\b|\bunofficial\s+feed\b|\bnot\s+monitored\b",
    re.IGNORECASE,
)
# "I'm not a bot", "bot detection research": a human talking about bots.
_NOT_BOT_BEFORE = re.compile(r"(?:\bnot\s+an?|\bno|\banti)[\s-]*$", re.IGNORECASE)
_NOT_BOT_AFTER = re.compile(
    r"^\s*(?:detection|research|hunter|hunting|spotting|check|studies|study)", re.IGNORECASE
)
_HANDLE_SPLIT = re.compile(r"[_.\-\d]+|(?<=[a-z])(?=[A-Z])")
#: Handles and names that end in "bot" without being one.
_BOT_LOOKALIKES = ("talbot", "abbot", "cabot", "sabot", "turbot", "robot", "jabot", "bigbot")


_BOT_HINTS = (
    "bot",
    "🤖",
    "auto",
    "feed",
    "rss",
    "papers",
    "preprints",
    "articles",
    "publications",
    "monitored",
)


def _bot_in(text: str) -> str | None:
    lower = text.casefold()
    if not any(hint in lower for hint in _BOT_HINTS):
        return None
    for match in _BOT_TEXT.finditer(text):
        word = match[0]
        if word.casefold() == "bot" and (
            _NOT_BOT_BEFORE.search(text[: match.start()])
            or _NOT_BOT_AFTER.match(text[match.end() :])
        ):
            continue
        return word
    return None


def _bot_handle(handle: str) -> bool:
    local = handle.lstrip("@").split("@")[0].split(".bsky.")[0]
    parts = [p for p in _HANDLE_SPLIT.split(local) if p]
    if any(p.casefold() in {"bot", "bots"} for p in parts):
        return True
    lower = local.casefold()
    return lower.endswith("bot") and len(lower) >= 6 and not lower.endswith(_BOT_LOOKALIKES)


def is_bot_profile(
    profile: str | None, name: str | None = None, handle: str | None = None
) -> str | None:
    """Why the account says it is a bot or a feed (a reason), or None."""
    if handle and _bot_handle(handle):
        return f"self-declared bot: handle {handle!r}"
    if name and (word := _bot_in(name[:MAX_LENGTH])):
        return f"self-declared bot: name says {word!r}"
    if profile and (word := _bot_in(profile[:MAX_LENGTH])):
        return f"self-declared bot: profile says {word!r}"
    return None


# --- bulk ---------------------------------------------------------------------------------


def classify_actors(session: Session, only_unclassified: bool = True) -> int:
    """Set ``Actor.kind``/``kind_rule`` for actors (all, or those not classified yet).

    Reads in id order, ``CHUNK`` at a time; writes one UPDATE per (kind, rule) and chunk of ids.
    Returns the number of actors updated.
    """
    session.flush()
    query = select(Actor.id, Actor.profile, Actor.name, Actor.handle)
    if only_unclassified:
        query = query.where(Actor.kind.is_(None))
    results: dict[tuple[str, str], list[int]] = {}
    seen: dict[tuple[str | None, str | None, str | None], tuple[str, str]] = {}
    last = 0
    while True:
        rows = session.execute(query.where(Actor.id > last).order_by(Actor.id).limit(CHUNK)).all()
        if not rows:
            break
        last = rows[-1][0]
        for actor_id, profile, name, handle in rows:
            key = (profile, name, handle)
            found = seen.get(key)
            if found is None:
                found = classify_profile(profile, name, handle)
                if len(seen) < 100_000:
                    seen[key] = found
            results.setdefault(found, []).append(actor_id)
    count = 0
    for (kind, rule), ids in results.items():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            session.execute(
                update(Actor)
                .where(Actor.id.in_(chunk))
                .values(kind=kind, kind_rule=rule)
                .execution_options(synchronize_session=False)
            )
            count += len(chunk)
    session.expire_all()  # loaded actors see the new values
    return count
