"""What the pages read from :mod:`altscope.scoring`: one place, so the pages stay thin."""

from __future__ import annotations

from altscope.scoring import DEFAULT_VERSION, daily_series, demographics, explain, get_score

__all__ = ["DEFAULT_VERSION", "daily_series", "demographics", "explain", "get_score"]
