"""Plain text from the markup metadata providers put in titles and abstracts (JATS, HTML)."""

from __future__ import annotations

import html
import re

from selectolax.lexbor import LexborHTMLParser

_TAG = re.compile(r"<[^>]+>")
_LEADING_HEADING = re.compile(r"^\s*(abstract|summary)\s*[:.]?\s+", re.IGNORECASE)
_BLOCK_TAGS = re.compile(r"</?(?:jats:)?(?:p|sec|title|list-item|br)\b[^>]*>", re.IGNORECASE)


def strip_markup(text: str | None, drop_heading: bool = False) -> str | None:
    """Text without tags or entities, whitespace collapsed; ``None`` when nothing is left.

    ``drop_heading`` removes a leading "Abstract" heading (JATS abstracts start with one).
    """
    if not text:
        return None
    if "<" in text:
        spaced = _BLOCK_TAGS.sub(" ", text)
        tree = LexborHTMLParser(f"<div>{spaced}</div>")
        body = tree.body
        plain = body.text(deep=True) if body is not None else _TAG.sub(" ", spaced)
    else:
        plain = html.unescape(text) if "&" in text else text
    plain = " ".join(plain.split())
    if drop_heading:
        plain = _LEADING_HEADING.sub("", plain)
    return plain or None
