"""Rules files: the shipped default, validation, versions and the user's own file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from altscope.config import get_settings
from altscope.scoring import rules as rules_module
from altscope.scoring.rules import (
    DEFAULT_VERSION,
    RulesError,
    get_rules,
    parse_rules,
    shipped_versions,
    stored_versions,
)

DEFAULT_TEXT = shipped_versions()[DEFAULT_VERSION].read_text("utf-8")


def test_the_default_rules_carry_the_published_weights():
    rules = parse_rules(DEFAULT_TEXT)
    assert rules.version == DEFAULT_VERSION
    w = rules.weights
    assert (w["news"].weight, w["news"].tiered) == (8, True)
    assert w["blog"].weight == 5
    assert (w["policy"].weight, w["policy"].counting) == (3, "per_distinct")
    assert (w["patent"].weight, w["patent"].counting) == (3, "per_distinct")
    assert (w["wikipedia"].weight, w["wikipedia"].counting) == (3, "once")
    assert w["peer_review"].weight == w["f1000"].weight == 1
    assert (w["syllabus"].weight, w["syllabus"].counting) == (1, "once")
    for key in ("twitter", "bluesky", "mastodon", "facebook", "reddit", "youtube", "qna"):
        assert w[key].weight == 0.25, key
    assert w["mendeley"].weight == w["citations"].weight == 0
    assert rules.tier_factor(1) == 1.0 and rules.tier_factor(None) == 0.5
    assert rules.exclude_flagged and rules.one_per_account
    assert rules.promiscuous.params == {"max_outputs": 20, "window_hours": 24}
    assert rules.single_publisher.params == {"min_outputs": 10, "share": 0.95}


def with_version(text: str, name: str) -> str:
    return text.replace(f'version = "{DEFAULT_VERSION}"', f'version = "{name}"', 1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('version = "altscope-2026.11"', ""), "version"),
        (("weight = 8", "weight = -8"), "weights.news.weight"),
        (('counting = "once"', 'counting = "twice"'), "counting"),
        (("tiered = true", 'tiered = "yes"'), "tiered"),
        (("factor = 0.5", "factor = 2"), "factor"),
        (("[weights.blog]", "[weights.blog]\ncolour = 1"), "unknown key"),
        (("exclude_flagged = true", "exclude_flagged = 1"), "exclude_flagged"),
        (("deprecated = []", "deprecated = 3"), "deprecated"),
        (("window_hours = 24", "window_hours = 0"), "window_hours"),
        (("[news_tiers]\ntier1", "[news_tiers]\ntier9 = 1\ntier1"), "news_tiers"),
        (("[anomalies]", "[anomalies"), "not valid TOML"),
    ],
)
def test_invalid_rules_are_refused_with_the_place_named(change, message):
    old, new = change
    assert old in DEFAULT_TEXT
    with pytest.raises(RulesError, match=message):
        parse_rules(DEFAULT_TEXT.replace(old, new, 1))


def test_a_version_is_stored_once_and_a_changed_text_needs_a_new_name(
    db_session, tmp_path, monkeypatch
):
    rules = get_rules(db_session)
    assert rules.stored_at is not None
    assert [r.version for r in stored_versions(db_session)] == [DEFAULT_VERSION]
    changed = tmp_path / "mine.toml"
    changed.write_text(DEFAULT_TEXT.replace("weight = 5", "weight = 6", 1), "utf-8")
    monkeypatch.setenv("ALTSCOPE_SCORING_RULES", str(changed))
    get_settings.cache_clear()
    db_session.info.clear()
    try:
        with pytest.raises(RulesError, match="new version name"):
            get_rules(db_session, DEFAULT_VERSION)
        changed.write_text(with_version(changed.read_text("utf-8"), "mine-1"), "utf-8")
        mine = get_rules(db_session)  # the user's file names the default version now
        assert mine.version == "mine-1" and mine.weights["blog"].weight == 6
        # The file goes away: the stored text keeps the version computable.
        changed.unlink()
        monkeypatch.delenv("ALTSCOPE_SCORING_RULES")
        get_settings.cache_clear()
        db_session.info.clear()
        assert get_rules(db_session, "mine-1").weights["blog"].weight == 6
        with pytest.raises(RulesError, match="unknown rules version 'nope'"):
            get_rules(db_session, "nope")
    finally:
        get_settings.cache_clear()


def test_deprecation_applies_to_versions_stored_after_it():
    stored = datetime(2026, 1, 1, tzinfo=UTC)
    rules = parse_rules(DEFAULT_TEXT, stored_at=stored)
    assert not rules.source_deprecated("bluesky", None)
    assert rules.source_deprecated("bluesky", stored - timedelta(days=1))
    assert not rules.source_deprecated("bluesky", stored + timedelta(days=1))
    listed = parse_rules(DEFAULT_TEXT.replace("deprecated = []", 'deprecated = ["bluesky"]'))
    assert listed.source_deprecated("bluesky", None)


def test_parsing_is_cached_but_each_text_is_its_own():
    a = parse_rules(DEFAULT_TEXT)
    assert parse_rules(DEFAULT_TEXT) is a
    b = parse_rules(with_version(DEFAULT_TEXT, "other"))
    assert b.version == "other" and b.sha256 != a.sha256
    assert rules_module.RULES_DIR.is_dir()
