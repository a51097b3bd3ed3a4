"""Scoring rules: load and validate a rules TOML, name its version, keep every version computable.

A rules version is a TOML text with ``version = "name"``. The shipped versions live in
``altscope/scoring/rules/<version>.toml``; a user's own file comes from the ``scoring_rules``
setting. The first time a version is used its text is stored in ``score_rules`` with its
SHA-256; the same name with another text is refused (pick a new version name), so a stored
version, and every score computed under it, can always be recomputed.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from altscope.store.schema import ScoreRules
from altscope.store.types import utcnow

#: The version used when nothing else is configured.
DEFAULT_VERSION = "altscope-2026.11"
#: Where the shipped versions live.
RULES_DIR = Path(__file__).resolve().parent / "rules"
#: How a source's mentions are counted (see the rules file).
COUNTING = ("per_mention", "per_distinct", "once")
TIERS = ("tier1", "tier2", "tier3", "unknown")


class RulesError(ValueError):
    """A rules file is invalid, unknown, or clashes with a stored version."""


@dataclass(frozen=True, slots=True)
class SourceRule:
    """How mentions of one weight key score."""

    weight: float
    counting: str = "per_mention"
    tiered: bool = False


@dataclass(frozen=True, slots=True)
class Modifier:
    """A factor applied to some weight keys' mentions when the modifier's condition holds."""

    enabled: bool
    factor: float
    applies_to: frozenset[str]
    params: Mapping[str, float]


@dataclass(frozen=True)
class Rules:
    """One validated rules version."""

    version: str
    text: str
    sha256: str
    description: str
    weights: Mapping[str, SourceRule]
    news_tiers: Mapping[str, float]
    one_per_account: bool
    promiscuous: Modifier
    single_publisher: Modifier
    deprecated: frozenset[str]
    exclude_flagged: bool
    anomalies: Mapping[str, Any]
    #: When the version was first stored (sources deprecated before it score 0 under it).
    stored_at: datetime | None = field(default=None, compare=False)

    def tier_factor(self, tier: int | None) -> float:
        """The news multiplier of an outlet tier (``None``: unknown outlet)."""
        return self.news_tiers.get(f"tier{tier}", self.news_tiers["unknown"])

    def source_deprecated(self, key: str, deprecated_at: datetime | None) -> bool:
        """Whether source ``key`` scores 0 under this version."""
        if key in self.deprecated:
            return True
        if deprecated_at is None:
            return False
        return self.stored_at is not None and deprecated_at <= self.stored_at


def _number(value: Any, where: str, *, low: float = 0.0, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RulesError(f"{where}: expected a number, got {value!r}")
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise RulesError(f"{where}: {value} is not {bound}")
    return float(value)


def _only(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        raise RulesError(f"{where}: unknown key(s) {', '.join(extra)}")


def _table(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise RulesError(f"{where}{key}: expected a table")
    return value


def _weights(data: Mapping[str, Any]) -> dict[str, SourceRule]:
    weights: dict[str, SourceRule] = {}
    for key, spec in _table(data, "weights", "").items():
        where = f"weights.{key}"
        if not isinstance(spec, Mapping):
            raise RulesError(f"{where}: expected a table with weight = ...")
        _only(spec, {"weight", "counting", "tiered"}, where)
        if "weight" not in spec:
            raise RulesError(f"{where}: missing weight")
        counting = spec.get("counting", "per_mention")
        if counting not in COUNTING:
            raise RulesError(f"{where}.counting: {counting!r} is not one of {', '.join(COUNTING)}")
        tiered = spec.get("tiered", False)
        if not isinstance(tiered, bool):
            raise RulesError(f"{where}.tiered: expected true or false")
        weights[key] = SourceRule(_number(spec["weight"], f"{where}.weight"), counting, tiered)
    return weights


def _modifier(data: Mapping[str, Any], name: str, params: Mapping[str, float]) -> Modifier:
    where = f"modifiers.{name}"
    spec = _table(_table(data, "modifiers", ""), name, "modifiers.")
    _only(spec, {"enabled", "factor", "applies_to", *params}, where)
    enabled = spec.get("enabled", False)
    if not isinstance(enabled, bool):
        raise RulesError(f"{where}.enabled: expected true or false")
    applies = spec.get("applies_to", [])
    if not isinstance(applies, list) or not all(isinstance(a, str) for a in applies):
        raise RulesError(f"{where}.applies_to: expected a list of weight keys")
    values = {
        key: _number(spec.get(key, default), f"{where}.{key}") for key, default in params.items()
    }
    factor = _number(spec.get("factor", 1.0), f"{where}.factor", high=1.0)
    return Modifier(enabled, factor, frozenset(applies), values)


def parse_rules(text: str, *, stored_at: datetime | None = None) -> Rules:
    """Validate a rules TOML text; :class:`RulesError` says what is wrong."""
    key = (text, stored_at)
    rules = _PARSED.get(key)
    if rules is None:
        rules = _parse(text, stored_at)
        if len(_PARSED) > 64:
            _PARSED.clear()
        _PARSED[key] = rules
    return rules


_PARSED: dict[tuple[str, datetime | None], Rules] = {}


def _parse(text: str, stored_at: datetime | None) -> Rules:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulesError(f"not valid TOML: {error}") from None
    allowed = {
        "version",
        "description",
        "exclude_flagged",
        "deprecated",
        "weights",
        "news_tiers",
        "modifiers",
        "anomalies",
    }
    _only(data, allowed, "rules")
    version = data.get("version")
    if not isinstance(version, str) or not version.strip() or len(version) > 64:
        raise RulesError('rules: version = "name" (up to 64 characters) is required')
    tiers_in = _table(data, "news_tiers", "")
    _only(tiers_in, set(TIERS), "news_tiers")
    tiers = {t: _number(tiers_in.get(t, 1.0), f"news_tiers.{t}") for t in TIERS}
    modifiers = _table(data, "modifiers", "")
    _only(modifiers, {"one_per_account", "promiscuous", "single_publisher"}, "modifiers")
    one = _table(modifiers, "one_per_account", "modifiers.")
    _only(one, {"enabled"}, "modifiers.one_per_account")
    if not isinstance(one.get("enabled", True), bool):
        raise RulesError("modifiers.one_per_account.enabled: expected true or false")
    promiscuous = _modifier(data, "promiscuous", {"max_outputs": 20.0, "window_hours": 24.0})
    if promiscuous.params["window_hours"] <= 0:
        raise RulesError("modifiers.promiscuous.window_hours: must be > 0")
    single = _modifier(data, "single_publisher", {"min_outputs": 10.0, "share": 0.95})
    if single.params["share"] > 1:
        raise RulesError("modifiers.single_publisher.share: must be between 0 and 1")
    deprecated = data.get("deprecated", [])
    if not isinstance(deprecated, list) or not all(isinstance(d, str) for d in deprecated):
        raise RulesError("deprecated: expected a list of source keys")
    exclude = data.get("exclude_flagged", True)
    if not isinstance(exclude, bool):
        raise RulesError("exclude_flagged: expected true or false")
    return Rules(
        version=version.strip(),
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        description=str(data.get("description", "")),
        weights=_weights(data),
        news_tiers=tiers,
        one_per_account=one.get("enabled", True),
        promiscuous=promiscuous,
        single_publisher=single,
        deprecated=frozenset(deprecated),
        exclude_flagged=exclude,
        anomalies=dict(_table(data, "anomalies", "")),
        stored_at=stored_at,
    )


def load_rules_file(path: Path) -> Rules:
    """Parse a rules file; the error names the file."""
    try:
        text = path.read_text("utf-8")
    except OSError as error:
        raise RulesError(f"cannot read rules file {path}: {error.strerror}") from None
    try:
        return parse_rules(text)
    except RulesError as error:
        raise RulesError(f"{path}: {error}") from None


def shipped_versions() -> dict[str, Path]:
    """The rules files that come with altscope, by version name."""
    return {path.stem: path for path in sorted(RULES_DIR.glob("*.toml"))}


def _configured_file() -> Path | None:
    from altscope.config import get_settings

    return get_settings().scoring_rules


def default_version() -> str:
    """The configured version: ``scoring_version``, else the user file's, else the default."""
    from altscope.config import get_settings

    settings = get_settings()
    if settings.scoring_version:
        return settings.scoring_version
    if settings.scoring_rules is not None:
        return load_rules_file(settings.scoring_rules).version
    return DEFAULT_VERSION


def _file_text(version: str) -> str | None:
    """The text of ``version`` from the user's file or the shipped ones (None: no file)."""
    user = _configured_file()
    if user is not None:
        rules = load_rules_file(user)
        if rules.version == version:
            return rules.text
    path = shipped_versions().get(version)
    if path is None:
        return None
    text = _read(path, path.stat().st_mtime_ns)
    if parse_rules(text).version != version:
        raise RulesError(f"{path}: its version does not match its file name")
    return text


@lru_cache(maxsize=32)
def _read(path: Path, mtime: int) -> str:
    return path.read_text("utf-8")


def stored_versions(session: Session) -> list[ScoreRules]:
    """The versions stored in the database, oldest first."""
    return list(session.scalars(select(ScoreRules).order_by(ScoreRules.created_at)))


def store_rules(session: Session, rules: Rules) -> Rules:
    """Store ``rules`` (once per version name); returns it with ``stored_at`` set.

    :class:`RulesError` when the name is stored with a different text.
    """
    row = session.scalar(select(ScoreRules).where(ScoreRules.version == rules.version))
    if row is None:
        row = ScoreRules(
            version=rules.version, sha256=rules.sha256, text=rules.text, created_at=utcnow()
        )
        session.add(row)
        session.flush()
    elif row.sha256 != rules.sha256:
        raise RulesError(
            f"rules version {rules.version!r} is already stored with a different text: "
            "give your changed rules a new version name"
        )
    return parse_rules(row.text, stored_at=row.created_at)


def get_rules(session: Session, version: str | None = None, *, store: bool = True) -> Rules:
    """The rules of ``version`` (default: :func:`default_version`), stored on first use.

    A version is found in the user's rules file, the shipped files or the database (an old
    version whose file is gone stays computable from its stored text).
    """
    version = version or default_version()
    cache: dict[str, Rules] = session.info.setdefault("altscope.rules", {})
    if version in cache:
        return cache[version]
    text = _file_text(version)
    if text is None:
        row = session.scalar(select(ScoreRules).where(ScoreRules.version == version))
        if row is None:
            known = sorted(set(shipped_versions()) | {r.version for r in stored_versions(session)})
            raise RulesError(f"unknown rules version {version!r} (known: {', '.join(known)})")
        rules = parse_rules(row.text, stored_at=row.created_at)
    else:
        rules = parse_rules(text)
        if store:
            rules = store_rules(session, rules)
        else:
            row = session.scalar(select(ScoreRules).where(ScoreRules.version == version))
            if row is not None and row.sha256 != rules.sha256:
                raise RulesError(
                    f"rules version {version!r} is stored with a different text: "
                    "give your changed rules a new version name"
                )
            rules = parse_rules(text, stored_at=row.created_at if row else None)
    cache[version] = rules
    return rules
