"""An Atom feed (RFC 4287) of an output's newest mentions, built as escaped XML text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from altscope.store.schema import Output
from altscope.store.types import utcnow
from altscope.web.pages.links import safe_url
from altscope.web.pages.queries import MentionRow

# Characters XML 1.0 cannot carry at all (escaping does not help): dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
MAX_TEXT = 2000


def _text(value: str | None, limit: int = MAX_TEXT) -> str:
    text = _NOT_XML.sub("", value or "")
    if len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    return escape(text)


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("", value))


def _when(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _who(row: MentionRow) -> str:
    if row.actor_name and row.actor_handle:
        return f"{row.actor_name} (@{row.actor_handle.lstrip('@')})"
    return row.actor_name or row.actor_handle or "someone"


def atom_feed(output: Output, rows: Sequence[MentionRow], base_url: str) -> str:
    """The feed document: one ``<entry>`` per mention, newest first."""
    base = base_url.rstrip("/")
    page = f"{base}/details/{output.id}"
    times = [r.occurred_at or r.harvested_at for r in rows]
    updated = max(times) if times else (output.updated_at or utcnow())
    title = output.title or f"output {output.id}"
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{_text(f'altscope: new mentions of {title}', 500)}</title>",
        f"<id>{_text(page)}</id>",
        f'<link rel="alternate" type="text/html" href={_attr(page)}/>',
        f'<link rel="self" type="application/atom+xml" href={_attr(page + "/feed.atom")}/>',
        f"<updated>{_when(updated)}</updated>",
        "<author><name>altscope</name></author>",
        '<generator uri="https://github.com/altscope">altscope</generator>',
    ]
    for row, when in zip(rows, times, strict=True):
        headline = f"{_who(row)} on {row.source_name}"
        if row.title:
            headline += f": {row.title}"
        parts.append("<entry>")
        parts.append(f"<id>urn:altscope:mention:{row.id}</id>")
        parts.append(f"<title>{_text(headline, 300)}</title>")
        parts.append(f"<updated>{_when(when)}</updated>")
        if row.occurred_at:
            parts.append(f"<published>{_when(row.occurred_at)}</published>")
        parts.append(f"<author><name>{_text(_who(row), 300)}</name></author>")
        link = safe_url(row.url)
        if link:
            parts.append(f'<link rel="alternate" href={_attr(link)}/>')
        if row.evidence_id:
            evidence = f"{base}/evidence/{row.evidence_id}"
            parts.append(f'<link rel="related" title="evidence" href={_attr(evidence)}/>')
        parts.append(f"<category term={_attr(row.source_key)} label={_attr(row.source_name)}/>")
        parts.append(f'<content type="text">{_text(row.snippet)}</content>')
        parts.append("</entry>")
    parts.append("</feed>\n")
    return "".join(parts)
