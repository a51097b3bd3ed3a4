"""Server-side SVG charts for the pages: a stacked timeline, bars and percentile gauges.

Pure functions from numbers to inline SVG (:class:`markupsafe.Markup`). Every text that comes
from data is escaped; colours are ``#rrggbb`` values from :mod:`altscope.web.badges.colors`.
No script, no style element, no external reference: the CSP of the pages holds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from typing import Any

from markupsafe import Markup

from altscope.web.badges.colors import color_for

#: Timeline size in SVG units (the page scales it to its width).
WIDTH, HEIGHT = 720, 220
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 40, 10, 10, 40
BAR_COLOR = "#2f72b3"


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True, slots=True)
class Bucket:
    """One bar of the timeline: its first day, its label and posts per source."""

    start: date
    label: str
    posts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.posts.values())


def _bucket_start(day: date, unit: str) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def _next(start: date, unit: str) -> date:
    if unit == "week":
        return start + timedelta(days=7)
    if unit == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


def choose_unit(first: date, last: date) -> str:
    """Days for up to ~4 months, weeks up to ~3 years, months beyond."""
    span = (last - first).days
    return "day" if span <= 120 else "week" if span <= 3 * 365 else "month"


def buckets(series: Iterable[Mapping[str, Any]], unit: str | None = None) -> list[Bucket]:
    """Rows ``{day, source, posts}`` (``scoring.daily_series``) grouped into contiguous bars."""
    per_day: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in series:
        day = row["day"]
        if not isinstance(day, date):
            day = date.fromisoformat(str(day)[:10])
        per_day[day][str(row["source"])] += int(row.get("posts") or 0)
    if not per_day:
        return []
    first, last = min(per_day), max(per_day)
    unit = unit or choose_unit(first, last)
    grouped: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for day, posts in per_day.items():
        target = grouped[_bucket_start(day, unit)]
        for source, count in posts.items():
            target[source] += count
    out, start = [], _bucket_start(first, unit)
    while start <= last:
        label = start.strftime("%Y-%m") if unit == "month" else start.isoformat()
        if unit == "week":
            label = f"week of {label}"
        out.append(Bucket(start, label, dict(grouped.get(start, {}))))
        start = _next(start, unit)
    return out


def timeline(
    series: Iterable[Mapping[str, Any]],
    sources: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    unit: str | None = None,
) -> Markup:
    """Posts per day (or week, or month) stacked by source, as inline SVG.

    ``sources`` maps a source key to ``{"name", "category"}`` (names and colours for the legend).
    """
    sources = sources or {}
    bars = buckets(series, unit)
    if not bars:
        return Markup(
            f'<svg class="chart timeline" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {WIDTH} 40" role="img" aria-label="No dated mentions yet">'
            f'<text x="{WIDTH // 2}" y="24" text-anchor="middle" fill="#666666" '
            f'font-size="14">No dated mentions yet</text></svg>'
        )
    top = max(b.total for b in bars) or 1
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    step = plot_w / len(bars)
    gap = min(2.0, step * 0.2)
    order = sorted({s for b in bars for s in b.posts}, key=lambda s: s)
    colors = {s: _color(s, sources.get(s)) for s in order}
    names = {s: str((sources.get(s) or {}).get("name") or s) for s in order}
    total = sum(b.total for b in bars)
    out = [
        f'<svg class="chart timeline" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="Timeline: {total} mentions from {escape(bars[0].label)} to '
        f'{escape(bars[-1].label)}">',
        f'<line x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" x2="{WIDTH - PAD_RIGHT}" '
        f'y2="{PAD_TOP + plot_h}" stroke="#999999"/>',
        f'<text x="{PAD_LEFT - 4}" y="{PAD_TOP + 10}" text-anchor="end" font-size="11" '
        f'fill="#555555">{top}</text>',
        f'<text x="{PAD_LEFT - 4}" y="{PAD_TOP + plot_h}" text-anchor="end" font-size="11" '
        f'fill="#555555">0</text>',
    ]
    for i, bar in enumerate(bars):
        if not bar.total:
            continue
        x = PAD_LEFT + i * step
        y = PAD_TOP + plot_h
        detail = ", ".join(f"{names[s]}: {n}" for s, n in sorted(bar.posts.items()) if n)
        out.append(f"<g><title>{escape(bar.label)}: {bar.total} ({escape(detail)})</title>")
        for source in order:
            count = bar.posts.get(source, 0)
            if not count:
                continue
            height = plot_h * count / top
            y -= height
            out.append(
                f'<rect x="{_num(x + gap / 2)}" y="{_num(y)}" width="{_num(step - gap)}" '
                f'height="{_num(height)}" fill="{colors[source]}"/>'
            )
        out.append("</g>")
    base = PAD_TOP + plot_h + 14
    out.append(
        f'<text x="{PAD_LEFT}" y="{base}" font-size="11" fill="#555555">'
        f"{escape(bars[0].label)}</text>"
        f'<text x="{WIDTH - PAD_RIGHT}" y="{base}" font-size="11" fill="#555555" '
        f'text-anchor="end">{escape(bars[-1].label)}</text>'
    )
    x = PAD_LEFT
    for source in order:
        label = escape(names[source][:40])
        out.append(
            f'<rect x="{x}" y="{base + 10}" width="10" height="10" fill="{colors[source]}"/>'
            f'<text x="{x + 14}" y="{base + 19}" font-size="11" fill="#333333">{label}</text>'
        )
        x += 24 + 7 * len(names[source][:40])
        if x > WIDTH - 60:
            break
    out.append("</svg>")
    return Markup("".join(out))


def _color(key: str, info: Mapping[str, Any] | None) -> str:
    info = info or {}
    return color_for(key, info.get("category"), info.get("weight_key"))


def bars(items: Sequence[tuple[str, int, str]], *, label: str, unit: str = "") -> Markup:
    """Horizontal bars: ``(name, value, colour)`` per row, as inline SVG."""
    rows = [(name, int(value), color) for name, value, color in items]
    if not rows:
        return Markup("")
    top = max(v for _, v, _ in rows) or 1
    row_h, label_w, width = 22, 170, 520
    height = row_h * len(rows) + 4
    out = [
        f'<svg class="chart bars" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">'
    ]
    for i, (name, value, color) in enumerate(rows):
        y = 2 + i * row_h
        length = (width - label_w - 60) * value / top
        text = escape(name[:28])
        out.append(
            f"<g><title>{escape(name)}: {value}{escape(unit)}</title>"
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12" '
            f'fill="#333333">{text}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{_num(max(length, 1))}" height="{row_h - 6}" '
            f'fill="{color}"/>'
            f'<text x="{_num(label_w + length + 6)}" y="{y + 15}" font-size="12" '
            f'fill="#333333">{value}</text></g>'
        )
    out.append("</svg>")
    return Markup("".join(out))


def gauge(pct: int | float, *, label: str) -> Markup:
    """A percentile gauge (0..100): a bar with a marker where this output stands."""
    pct = max(0.0, min(100.0, float(pct)))
    width, height = 300, 26
    x = 4 + (width - 8) * pct / 100
    return Markup(
        f'<svg class="chart gauge" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title>"
        f'<rect x="4" y="9" width="{width - 8}" height="8" rx="4" fill="#e3e3e3"/>'
        f'<rect x="4" y="9" width="{_num(x - 4)}" height="8" rx="4" fill="{BAR_COLOR}"/>'
        f'<circle cx="{_num(x)}" cy="13" r="7" fill="#ffffff" stroke="{BAR_COLOR}" '
        f'stroke-width="3"/></svg>'
    )
