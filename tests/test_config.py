"""Settings come from ALTSCOPE_* variables, then altscope.toml, then defaults."""

from __future__ import annotations

import pytest

from altscope.config import DEFAULT_DATABASE_URL, Settings


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ("ALTSCOPE_DATABASE_URL", "ALTSCOPE_CONTACT_EMAIL", "ALTSCOPE_HTTP_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ALTSCOPE_CONFIG", raising=False)
    return tmp_path


def test_defaults_to_a_sqlite_file(clean_env):
    settings = Settings()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.database_url.startswith("sqlite:///")


def test_toml_file_in_current_directory(clean_env):
    (clean_env / "altscope.toml").write_text(
        'database_url = "sqlite:///from-toml.db"\ncontact_email = "lib@example.org"\n'
    )
    settings = Settings()
    assert settings.database_url == "sqlite:///from-toml.db"
    assert "mailto:lib@example.org" in settings.user_agent


def test_environment_beats_toml(clean_env, monkeypatch):
    (clean_env / "altscope.toml").write_text('database_url = "sqlite:///from-toml.db"\n')
    monkeypatch.setenv("ALTSCOPE_DATABASE_URL", "postgresql://db.example/altscope")
    assert Settings().database_url == "postgresql://db.example/altscope"


def test_config_path_from_environment(clean_env, monkeypatch):
    other = clean_env / "elsewhere.toml"
    other.write_text("http_timeout = 3.5\n")
    monkeypatch.setenv("ALTSCOPE_CONFIG", str(other))
    assert Settings().http_timeout == 3.5


def test_invalid_value_is_rejected(clean_env, monkeypatch):
    monkeypatch.setenv("ALTSCOPE_HTTP_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="http_timeout"):
        Settings()


def test_the_configuration_doc_lists_every_setting():
    from pathlib import Path

    from altscope.config import settings_table

    doc = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"
    assert settings_table() in doc.read_text("utf-8"), "regenerate the table in the doc"
