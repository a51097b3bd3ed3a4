"""SVG badges, the embed script and the bookmarklet."""
