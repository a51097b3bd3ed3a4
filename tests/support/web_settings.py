"""Settings for a test app: no rate limit unless asked, no config file or env influence."""

from __future__ import annotations

from altscope.config import Settings


def settings(**overrides) -> Settings:
    """Test-app settings; ``overrides`` replace the defaults below."""
    values = {
        "api_rate_limit_anonymous": 0,
        "api_rate_limit_keyed": 0,
        "api_rate_limit_exempt": [],
        "public_base_url": None,
        **overrides,
    }
    return Settings(**values)
