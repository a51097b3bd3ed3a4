"""Settings: ``ALTSCOPE_*`` environment variables, then an optional TOML file, then defaults.

The TOML file is ``altscope.toml`` in the current directory, or the path in ``ALTSCOPE_CONFIG``.
Keys in the file are the setting names in lower case (``database_url = "..."``).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_DATABASE_URL = "sqlite:///altscope.db"


def config_file() -> Path:
    """The TOML file settings are read from (it need not exist)."""
    return Path(os.environ.get("ALTSCOPE_CONFIG", "altscope.toml"))


class Settings(BaseSettings):
    """Everything altscope can be configured with."""

    model_config = SettingsConfigDict(env_prefix="ALTSCOPE_", extra="ignore")

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL of the database: a SQLite file (default) or PostgreSQL.",
    )
    jobs_database_url: str | None = Field(
        None, description="Database for the job engine's own state; defaults to database_url."
    )
    contact_email: str | None = Field(
        None,
        description="Contact address sent to Crossref, DataCite and OpenAlex (their polite pools).",
    )
    crossref_url: str = "https://api.crossref.org"
    datacite_url: str = "https://api.datacite.org"
    openalex_url: str = "https://api.openalex.org"
    http_timeout: float = Field(20.0, description="Seconds before an outside request gives up.")
    http_retries: int = Field(3, description="Retries of a failed outside request, with backoff.")
    enrich_concurrency: int = Field(4, description="Metadata requests in flight at once.")
    worker_concurrency: int = Field(4, description="Jobs one worker process runs at once.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_file())
        return (init_settings, env_settings, toml, file_secret_settings)

    @property
    def user_agent(self) -> str:
        from altscope import __version__

        contact = f" (mailto:{self.contact_email})" if self.contact_email else ""
        return f"altscope/{__version__}{contact}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
