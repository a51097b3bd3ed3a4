"""A world choropleth drawn as inline SVG, with no request to any other host.

Country shapes come from the ``pygal_maps_world`` package (LGPL-3.0+, by Kozea), which ships
``worldmap.svg``: one ``<g class="<iso2> country">`` of paths per ISO 3166-1 country. The file
is read once, lazily, without importing pygal; each outline is reduced to a polyline of integer
points at :data:`SCALE` (Bézier control points dropped, points closer than one unit merged),
which keeps the drawing a tenth of the original size and accurate to well under a pixel at the
sizes a page shows it.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path

from markupsafe import Markup

#: The package that ships the shapes, and its files.
PACKAGE = "pygal_maps_world"
#: Map coordinates are multiplied by this before rounding (the source viewBox is 2475 × 1388).
SCALE = 0.4
#: Fill colours from light to dark, for counts binned by :func:`bins`.
PALETTE = ("#d4e6f4", "#9cc4e4", "#5b9bd0", "#2f72b3", "#154a86")
EMPTY_FILL = "#e6e6e6"

_GROUP_RE = re.compile(r'<g class="([a-z]{2}) country[^"]*">(.*?)</g>', re.S)
_PATH_RE = re.compile(r'\sd="([^"]*)"')
_VIEWBOX_RE = re.compile(r'viewBox="([\d.\s-]+)"')
_TOKEN_RE = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARITY = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2, "z": 0}


class MapDataMissing(RuntimeError):
    """The package with the country shapes is not installed."""


@dataclass(frozen=True, slots=True)
class WorldShapes:
    """Simplified country outlines: ``paths[cc]`` is an SVG path ``d``; ``names[cc]`` a name."""

    width: int
    height: int
    paths: dict[str, str]
    names: dict[str, str]


def _package_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)  # locates the package without running it
    if spec is None or not spec.submodule_search_locations:
        raise MapDataMissing(f"install {PACKAGE} for the world map")
    return Path(next(iter(spec.submodule_search_locations)))


def _points(d: str) -> Iterator[list[tuple[float, float]]]:
    """The absolute end points of each subpath of path data ``d`` (curves become chords)."""
    tokens = _TOKEN_RE.findall(d)
    x = y = 0.0
    start = (0.0, 0.0)
    command = ""
    current: list[tuple[float, float]] = []
    i = 0
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
            if command in "zZ":
                x, y = start
                continue
        lower = command.lower()
        arity = _ARITY.get(lower)
        if arity is None or i + arity > len(tokens):
            break  # unknown command or truncated data: keep what was read
        args = [float(t) for t in tokens[i : i + arity]]
        i += arity
        relative = command.islower()
        if lower == "h":
            x = x + args[0] if relative else args[0]
        elif lower == "v":
            y = y + args[0] if relative else args[0]
        else:
            dx, dy = args[-2], args[-1]
            x, y = (x + dx, y + dy) if relative else (dx, dy)
        if lower == "m":
            if current:
                yield current
            current = [(x, y)]
            start = (x, y)
            command = "l" if relative else "L"  # implicit repeats after a moveto are linetos
        else:
            current.append((x, y))
    if current:
        yield current


def _simplify(d: str, scale: float) -> str:
    """``d`` as integer polylines at ``scale`` (relative steps, subpaths closed)."""
    parts: list[str] = []
    for subpath in _points(d):
        pts: list[tuple[int, int]] = []
        for px, py in subpath:
            point = (round(px * scale), round(py * scale))
            if not pts or point != pts[-1]:
                pts.append(point)
        if len(pts) < 3:
            continue  # smaller than a unit at this scale
        (x0, y0), rest = pts[0], pts[1:]
        steps = []
        px, py = x0, y0
        for qx, qy in rest:
            steps.append(f"{qx - px} {qy - py}")
            px, py = qx, qy
        parts.append(f"M{x0} {y0}l" + " ".join(steps) + "z")
    return "".join(parts)


def _names(directory: Path) -> dict[str, str]:
    """``COUNTRIES`` from the package's i18n module, read as a literal (pygal is not imported)."""
    tree = ast.parse((directory / "i18n.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "COUNTRIES" for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            return {str(k).lower(): str(v) for k, v in value.items()}
    return {}


@lru_cache(maxsize=1)
def world_shapes(scale: float = SCALE) -> WorldShapes:
    """The simplified country outlines (read and simplified once per process)."""
    directory = _package_dir()
    svg = (directory / "worldmap.svg").read_text(encoding="utf-8")
    box = _VIEWBOX_RE.search(svg)
    _, _, width, height = (float(v) for v in box.group(1).split()) if box else (0, 0, 2475, 1388)
    paths = {}
    for code, body in _GROUP_RE.findall(svg):
        d = "".join(_simplify(p, scale) for p in _PATH_RE.findall(body))
        if d:
            paths[code] = d
    return WorldShapes(round(width * scale), round(height * scale), paths, _names(directory))


def bins(value: int, top: int) -> int:
    """The palette index (0..len(PALETTE)-1) of ``value`` on a square-root scale up to ``top``."""
    if value <= 0 or top <= 0:
        return 0
    share = (value / top) ** 0.5
    return min(len(PALETTE) - 1, int(share * len(PALETTE) - 1e-9))


def country_name(code: str) -> str:
    """The English name of an ISO 3166-1 alpha-2 code (the code itself when unknown)."""
    try:
        return world_shapes().names.get(code.lower(), code.upper())
    except MapDataMissing:
        return code.upper()


def render_world_map(counts: Mapping[str, int], *, label: str = "accounts") -> Markup:
    """An inline SVG choropleth of ``counts`` (ISO alpha-2 code → number), every text escaped.

    Countries without a count are grey; each shape has a ``<title>`` tooltip. Codes the map has
    no shape for are ignored here (the page lists every country as a table too).
    """
    shapes = world_shapes()
    normal = {str(k).lower(): int(v) for k, v in counts.items() if v}
    top = max(normal.values(), default=0)
    out = [
        f'<svg class="worldmap" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {shapes.width} {shapes.height}" aria-label="Map of {escape(label)} '
        f'by country">'
    ]
    for code, d in shapes.paths.items():
        name = escape(shapes.names.get(code, code.upper()))
        value = normal.get(code)
        if value:
            fill = PALETTE[bins(value, top)]
            title = f"{name}: {value} {escape(label)}"
            out.append(
                f'<path class="country has-data" data-cc="{code}" fill="{fill}" d="{d}">'
                f"<title>{title}</title></path>"
            )
        else:
            out.append(
                f'<path class="country" data-cc="{code}" fill="{EMPTY_FILL}" d="{d}">'
                f"<title>{name}</title></path>"
            )
    out.append("</svg>")
    return Markup("".join(out))
