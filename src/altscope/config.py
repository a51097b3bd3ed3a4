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
    crossref_url: str = Field("https://api.crossref.org", description="Crossref REST API.")
    datacite_url: str = Field("https://api.datacite.org", description="DataCite REST API.")
    openalex_url: str = Field("https://api.openalex.org", description="OpenAlex API.")
    http_timeout: float = Field(20.0, description="Seconds before an outside request gives up.")
    http_retries: int = Field(3, description="Retries of a failed outside request, with backoff.")
    enrich_concurrency: int = Field(4, description="Metadata requests in flight at once.")
    worker_concurrency: int = Field(4, description="Jobs one worker process runs at once.")

    # The safe fetcher (altscope.percolate.fetch): every URL found in the wild goes through it.
    fetch_allow_hosts: list[str] = Field(
        default_factory=list,
        description=(
            "Addresses, networks (CIDR) or host names the fetcher may reach although the SSRF "
            'guard refuses them (loopback, private, ...), e.g. ["127.0.0.1"] in tests or '
            '["10.1.0.0/16"] for an intranet repository. Env var: a JSON list.'
        ),
    )
    fetch_timeout: float = Field(
        30.0, description="Seconds one fetch may spend on the network, redirects included."
    )
    fetch_connect_timeout: float = Field(10.0, description="Seconds to open one connection.")
    fetch_read_timeout: float = Field(
        10.0, description="Seconds the fetcher waits for the next bytes of an answer."
    )
    fetch_max_bytes: int = Field(
        5_000_000, description="Largest body accepted, in bytes as received (compressed)."
    )
    fetch_max_decompressed_bytes: int = Field(
        10_000_000, description="Largest body accepted once decompressed (gzip/deflate/br bombs)."
    )
    fetch_max_redirects: int = Field(10, description="Redirects followed before giving up.")
    fetch_concurrency: int = Field(32, description="Connections the fetcher opens at once.")
    fetch_per_host_concurrency: int = Field(
        2, description="Requests in flight at once to one host."
    )
    fetch_host_delay: float = Field(
        1.0, description="Seconds between the starts of two requests to one host (politeness)."
    )
    fetch_queue_timeout: float = Field(
        120.0, description="Seconds a fetch waits for its turn at a busy host before giving up."
    )
    fetch_max_retry_wait: float = Field(
        10.0,
        description="Longest Retry-After (429/503) waited out and retried; longer ones fail.",
    )
    fetch_obey_robots: bool = Field(True, description="Obey robots.txt (cached per host).")
    fetch_robots_ttl: float = Field(86_400.0, description="Seconds a robots.txt is remembered.")
    fetch_cache_ttl: float = Field(
        7 * 86_400.0, description="Seconds a successful fetch result is remembered."
    )
    fetch_failure_ttl: float = Field(
        3_600.0, description="Seconds a failed fetch (error, 404, ...) is remembered."
    )
    doi_resolver_url: str = Field(
        "https://doi.org", description="DOI resolver used to check that DOIs exist."
    )
    scoring_rules: Path | None = Field(
        None,
        description=(
            "A scoring rules TOML file of your own (copy of the shipped default with a new "
            "version name, see docs/scoring.md); its version becomes the default one."
        ),
    )
    scoring_version: str | None = Field(
        None,
        description=(
            "Rules version scores are computed and shown under; defaults to the version of "
            "scoring_rules, else the shipped default (altscope-2026.11)."
        ),
    )

    # Serving (altscope.web): see docs/api.md.
    public_base_url: str | None = Field(
        None,
        description=(
            "Public address of the server (https://altmetrics.example.edu), used for the "
            "details_url and image links of API answers; default: the address a request came to."
        ),
    )
    api_rate_limit_anonymous: int = Field(
        600,
        description="Requests per minute to /api and /v1 from one address without a key "
        "(0: unlimited).",
    )
    api_rate_limit_keyed: int = Field(
        6000,
        description="Requests per minute with an API key that has no limit of its own "
        "(0: unlimited).",
    )
    api_rate_limit_exempt: list[str] = Field(
        default_factory=lambda: ["127.0.0.1", "::1"],
        description="Client addresses never rate limited (the server itself, local tools). "
        "Env var: a JSON list.",
    )
    api_cache_max_age: int = Field(
        300, description="Seconds browsers and proxies may cache API answers and badges."
    )

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


def settings_table() -> str:
    """Every setting as a Markdown table (docs/configuration.md holds it; a test keeps it true)."""
    lines = [
        "| setting | environment variable | default | meaning |",
        "|---|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        meaning = (field.description or "").replace("|", "\\|")
        lines.append(f"| `{name}` | `ALTSCOPE_{name.upper()}` | `{default!r}` | {meaning} |")
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
