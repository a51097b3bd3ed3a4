"""Badge colours per source, modelled on Altmetric's donut legend (see docs/badges.md).

A source is coloured by its key, then by its weight key, then by its category; anything else is
grey. Colours are ``#rrggbb`` strings, safe to write into SVG attributes as they are.
"""

from __future__ import annotations

import re

#: Colours by source key / weight key. Where Altmetric has a legend colour for the same kind of
#: source it is modelled on that one; sources Altmetric does not track use their own brand hue.
SOURCE_COLORS: dict[str, str] = {
    "policy": "#0b1e44",
    "patent": "#e5b2ed",
    "patents": "#e5b2ed",
    "news": "#e60000",
    "blog": "#ffd140",
    "blogs": "#ffd140",
    "peer_review": "#7f3291",
    "f1000": "#cb2d2d",
    "twitter": "#2f90b9",
    "x": "#2f90b9",
    "bluesky": "#1185fe",
    "mastodon": "#6364ff",
    "facebook": "#071d70",
    "weibo": "#f4a9a8",
    "linkedin": "#00bfff",
    "reddit": "#b9ddeb",
    "hackernews": "#ff6600",
    "hypothesis": "#bd1c2b",
    "wikipedia": "#c7c7c7",
    "stackexchange": "#efefef",
    "qna": "#efefef",
    "video": "#98010a",
    "youtube": "#98010a",
    "podcast": "#6b5e9b",
    "syllabus": "#ffcc33",
    "mendeley": "#a60000",
    "zotero": "#cc2936",
    "citeulike": "#8fc6ff",
    "citations": "#8a8a8a",
    "crossref": "#8a8a8a",
    "openalex": "#8a8a8a",
    "usage": "#4cae4c",
}

#: Fallback colours by source category (PlumX-style categories of the store).
CATEGORY_COLORS: dict[str, str] = {
    "mentions": "#e60000",
    "social_media": "#2f90b9",
    "citations": "#8a8a8a",
    "captures": "#a60000",
    "usage": "#4cae4c",
}

#: Colour of a source nothing else knows, and of the empty ("no attention yet") ring.
OTHER_COLOR = "#9e9e9e"
EMPTY_COLOR = "#d9d9d9"

_HEX = re.compile(r"^#[0-9a-f]{6}$")


def color_for(key: str, category: str | None = None, weight_key: str | None = None) -> str:
    """The colour of source ``key`` (falling back to its weight key, then its category)."""
    for name in (key, weight_key):
        if name:
            color = SOURCE_COLORS.get(name.lower())
            if color:
                return color
    return CATEGORY_COLORS.get(category or "", OTHER_COLOR)


def is_color(text: str) -> bool:
    """True for a ``#rrggbb`` colour in lower case (what this module hands out)."""
    return bool(_HEX.match(text))


def text_color(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (``#rrggbb``)."""
    red, green, blue = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.299 * red + 0.587 * green + 0.114 * blue
    return "#000000" if luminance > 150 else "#ffffff"
