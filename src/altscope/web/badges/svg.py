"""SVG badges: a donut, a bar or a number, small, medium or large (pure functions).

Input is one :class:`Slice` per source (its colour and its weight: the points it contributes, or
its posts when there are no points) and the display score. The output is a deterministic,
well-formed SVG document with an accessible ``<title>``; every piece of text is XML-escaped and
stripped of characters XML cannot carry. The geometry of a donut depends only on the size and
the mix of sources (fractions rounded to 0.1 %), so it is computed once per mix and cached.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from altscope.web.badges.colors import EMPTY_COLOR, OTHER_COLOR, color_for, text_color

STYLES = ("donut", "bar", "number")
SIZES = ("small", "medium", "large")

#: Donut edge length in pixels per size.
DONUT_PX = {"small": 64, "medium": 100, "large": 180}
#: Bar and number badges: (height, font size) in pixels per size.
BAR_PX = {"small": (20, 11), "medium": (26, 14), "large": (34, 18)}

LABEL = "altscope"
LABEL_BG = "#3a3a3a"
FONT = "Verdana,DejaVu Sans,Arial,sans-serif"
MAX_TITLE = 600
MAX_TITLE_IN_LABEL = 150

# Characters XML 1.0 cannot carry (C0 controls but tab/newline/return, surrogates, U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Slice:
    """One source's share of a badge."""

    key: str
    name: str
    color: str
    weight: float
    posts: int = 0


def xml_text(text: str, limit: int = MAX_TITLE) -> str:
    """``text`` made safe for SVG character data and attribute values (escaped, trimmed)."""
    text = _NOT_XML.sub("", text)
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "\u2026"
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def _num(value: float) -> str:
    """A coordinate with at most 3 decimals and no trailing zeros (deterministic)."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def slices_from_sources(sources: Mapping[str, Any]) -> tuple[Slice, ...]:
    """Slices from ``OutputScore.sources`` (``{key: {name, category, posts, score}}``) or from
    plain ``{key: count}``; weights are points, or posts when no source has points."""
    rows = []
    for key, entry in sources.items():
        if isinstance(entry, Mapping):
            posts = int(entry.get("posts") or 0)
            points = float(entry.get("score") or 0.0)
            name = str(entry.get("name") or key)
            color = color_for(key, entry.get("category"), entry.get("weight_key"))
        else:
            posts, points, name, color = int(entry or 0), 0.0, key, color_for(key)
        rows.append((str(key), name, color, max(points, 0.0), max(posts, 0)))
    use_points = any(points > 0 for *_, points, _ in rows)
    slices = [
        Slice(key, name, color, points if use_points else float(posts), posts)
        for key, name, color, points, posts in rows
    ]
    return tuple(s for s in _ordered(slices) if s.weight > 0 or s.posts > 0)


def _ordered(slices: Iterable[Slice]) -> list[Slice]:
    """Largest share first; ties by key, so equal inputs give equal pictures."""
    return sorted(slices, key=lambda s: (-s.weight, s.key))


def mix(slices: Iterable[Slice]) -> tuple[tuple[str, int], ...]:
    """The donut mix: (colour, share in tenths of a percent) per colour, summing to 1000."""
    weights: dict[str, float] = {}
    for piece in slices:
        if piece.weight > 0:
            weights[piece.color] = weights.get(piece.color, 0.0) + piece.weight
    total = sum(weights.values())
    if total <= 0:
        return ()
    ordered = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    exact = [weight * 1000 / total for _, weight in ordered]
    shares = [int(x) for x in exact]
    # largest remainders get the tenths that truncation lost
    by_remainder = sorted(range(len(exact)), key=lambda i: (shares[i] - exact[i], i))
    for i in by_remainder[: 1000 - sum(shares)]:
        shares[i] += 1
    pairs = zip((color for color, _ in ordered), shares, strict=True)
    return tuple((color, share) for color, share in pairs if share > 0)


@lru_cache(maxsize=8192)
def donut_ring(size: str, shares: tuple[tuple[str, int], ...]) -> str:
    """The ring of a donut of ``size`` for ``shares`` (from :func:`mix`), as SVG elements."""
    px = DONUT_PX[size]
    center = px / 2
    width = px * 0.19
    radius = center - width / 2 - px * 0.02
    common = (
        f'cx="{_num(center)}" cy="{_num(center)}" r="{_num(radius)}" fill="none" '
        f'stroke-width="{_num(width)}" pathLength="1000" '
        f'transform="rotate(-90 {_num(center)} {_num(center)})"'
    )
    if not shares:
        return f'<circle {common} stroke="{EMPTY_COLOR}"/>'
    if len(shares) == 1:
        return f'<circle {common} stroke="{shares[0][0]}"/>'
    parts, start = [], 0
    for color, share in shares:
        parts.append(
            f'<circle {common} stroke="{color}" '
            f'stroke-dasharray="{share} {1000 - share}" stroke-dashoffset="{-start}"/>'
        )
        start += share
    return "".join(parts)


def _score_text(score: int | None) -> str:
    return "?" if score is None else str(max(int(score), 0))


def describe(slices: Iterable[Slice], score: int | None, title: str | None = None) -> str:
    """The badge's accessible text: score, the output's title and the posts per source."""
    if score is None:
        head = "altscope: no attention tracked yet"
    else:
        head = f"altscope attention score {_score_text(score)}"
    if title:
        title = " ".join(title.split())
        if len(title) > MAX_TITLE_IN_LABEL:
            title = title[: MAX_TITLE_IN_LABEL - 1].rstrip() + "\u2026"
        head += f" for \u201c{title}\u201d"
    counts = ", ".join(f"{s.name}: {s.posts}" for s in slices if s.posts)
    return f"{head}. {counts}" if counts else head


def _open(width: float, height: float, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(width)}" height="{_num(height)}" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" role="img" aria-label="{label}">'
        f"<title>{label}</title>"
    )


def _donut(size: str, slices: tuple[Slice, ...], score: int | None, label: str, show: bool) -> str:
    px = DONUT_PX[size]
    ring = donut_ring(size, mix(slices))
    hole = f'<circle cx="{_num(px / 2)}" cy="{_num(px / 2)}" r="{_num(px * 0.31)}" fill="#ffffff"/>'
    parts = [_open(px, px, label), hole, ring]
    if show:
        text = _score_text(score)
        font = px * (0.34 if len(text) <= 2 else 0.27 if len(text) == 3 else 0.2)
        parts.append(
            f'<text x="{_num(px / 2)}" y="{_num(px / 2)}" font-family="{FONT}" '
            f'font-size="{_num(font)}" font-weight="bold" fill="#333333" text-anchor="middle" '
            f'dominant-baseline="central">{text}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _text_width(text: str, font: float) -> float:
    return len(text) * font * 0.62 + font


def _bar(
    size: str,
    slices: tuple[Slice, ...],
    score: int | None,
    label: str,
    show: bool,
    condensed: bool,
    number: bool,
) -> str:
    height, font = BAR_PX[size]
    text = _score_text(score) if show else ""
    label_w = 0.0 if condensed else _text_width(LABEL, font)
    strip_w = 0.0 if number else height * 2.5
    score_w = _text_width(text, font) if text else 0.0
    width = label_w + strip_w + score_w
    baseline = _num(height / 2)
    parts = [_open(width, height, label)]
    if label_w:
        parts.append(
            f'<rect x="0" y="0" width="{_num(label_w)}" height="{height}" fill="{LABEL_BG}"/>'
            f'<text x="{_num(label_w / 2)}" y="{baseline}" font-family="{FONT}" '
            f'font-size="{font}" fill="#ffffff" text-anchor="middle" '
            f'dominant-baseline="central">{LABEL}</text>'
        )
    if strip_w:
        shares = mix(slices) or ((EMPTY_COLOR, 1000),)
        x = label_w
        for color, share in shares:
            piece = strip_w * share / 1000
            parts.append(
                f'<rect x="{_num(x)}" y="0" width="{_num(piece)}" height="{height}" '
                f'fill="{color}"/>'
            )
            x += piece
    if score_w:
        background = "#ffffff"
        if number:
            background = slices[0].color if slices else EMPTY_COLOR
        x = label_w + strip_w
        parts.append(
            f'<rect x="{_num(x)}" y="0" width="{_num(score_w)}" height="{height}" '
            f'fill="{background}"/>'
            f'<text x="{_num(x + score_w / 2)}" y="{baseline}" font-family="{FONT}" '
            f'font-size="{font}" font-weight="bold" fill="{text_color(background)}" '
            f'text-anchor="middle" dominant-baseline="central">{text}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render(
    style: str,
    size: str,
    slices: tuple[Slice, ...],
    score: int | None,
    *,
    title: str | None = None,
    show_score: bool = True,
    condensed: bool = False,
) -> str:
    """The SVG badge. ``score`` None draws the neutral "no attention tracked" badge.

    Raises ValueError for an unknown style or size.
    """
    if style not in STYLES:
        raise ValueError(f"unknown badge style {style!r}; known: {', '.join(STYLES)}")
    if size not in SIZES:
        raise ValueError(f"unknown badge size {size!r}; known: {', '.join(SIZES)}")
    label = xml_text(describe(slices, score, title))
    if style == "donut":
        return _donut(size, slices, score, label, show_score)
    # a number badge always shows its number; a bar without score still shows its strip
    show = show_score or style == "number"
    return _bar(size, slices, score, label, show, condensed, style == "number")


__all__ = [
    "OTHER_COLOR",
    "SIZES",
    "STYLES",
    "Slice",
    "describe",
    "donut_ring",
    "mix",
    "render",
    "slices_from_sources",
    "xml_text",
]
