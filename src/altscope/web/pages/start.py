"""The start page: what altscope is, and what to look at (the demo's tour, else the top outputs)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from altscope.store.schema import Mention, Output
from altscope.web.pages import queries
from altscope.web.pages.links import safe_url
from altscope.web.pages.scoring_view import DEFAULT_VERSION

log = logging.getLogger(__name__)


def _href(value: Any) -> str | None:
    """A link target from the tour: a path on this site, or an http(s) URL."""
    if not isinstance(value, str) or not value:
        return None
    if value.startswith("/") and not value.startswith("//"):
        return value
    return safe_url(value)


def _first(entry: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    return next((entry[k] for k in keys if entry.get(k)), None)


def _item(entry: Any) -> dict[str, Any]:
    """One tour entry as ``{label, href, note}`` (strings are shown escaped)."""
    if isinstance(entry, Mapping):
        label = next((entry[k] for k in ("label", "title", "name", "what") if entry.get(k)), None)
        href = next(
            (_href(entry[k]) for k in ("url", "href", "path", "link") if entry.get(k)), None
        )
        note = next(
            (entry[k] for k in ("why", "note", "description", "text") if entry.get(k)), None
        )
        if label is None:
            label = href or ", ".join(f"{k}: {v}" for k, v in entry.items())
        return {"label": str(label), "href": href, "note": None if note is None else str(note)}
    href = _href(entry)
    return {"label": str(entry), "href": href, "note": None}


def tour_sections(session: Session) -> list[dict[str, Any]]:
    """The demo tour as sections of items; [] when there is no tour (not a demo database)."""
    try:
        from altscope.demo.tour import tour
    except ImportError:
        return []
    try:
        data = tour(session)
    except Exception:  # a tour is a nicety: the start page must render without it
        log.exception("the demo tour failed")
        return []
    sections = []
    for key, value in (data or {}).items():
        heading = str(key).replace("_", " ").capitalize()
        if isinstance(value, (list, tuple)):
            items = [_item(v) for v in value]
        elif isinstance(value, Mapping) and not any(
            k in value for k in ("label", "title", "url", "href", "path")
        ):
            items = [_item({"label": f"{k}: {v}" if not _href(v) else k, "href": _href(v)})
                     for k, v in value.items()]  # fmt: skip
        else:
            items = [_item(value)]
        sections.append({"heading": heading, "items": items})
    return sections


def start_context(session: Session, version: str = DEFAULT_VERSION) -> dict[str, Any]:
    """What the start page shows (the top outputs under rules ``version``)."""
    top = queries.top_outputs(session, version)
    outputs = session.scalar(select(func.count(Output.id)).where(Output.merged_into.is_(None)))
    mentions = session.scalar(select(func.count(Mention.id)).where(Mention.removed_at.is_(None)))
    example = top[0][0].id if top else None
    return {
        "tour": tour_sections(session),
        "top": top,
        "outputs": outputs or 0,
        "mentions": mentions or 0,
        "example": example,
    }
