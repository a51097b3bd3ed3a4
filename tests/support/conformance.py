"""The shared conformance data (../shared/conformance, or $ALTSCOPE_CONFORMANCE_DIR).

Test modules call :func:`folder` at import time: it skips the whole module cleanly when the data
is absent. :func:`params` turns a manifest's cases of one kind into pytest params named by case
id, tallied per kind by tests/conformance/conftest.py, with strict xfails for the cases altscope
deliberately answers differently.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = Path(
    os.environ.get("ALTSCOPE_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance")
)


def folder(name: str) -> Path:
    """The conformance folder ``name``; skips the calling module when it is absent."""
    path = CONFORMANCE / name
    if not (path / "manifest.json").is_file():
        pytest.skip(f"conformance data not found at {path}", allow_module_level=True)
    return path


def manifest(name: str) -> list[dict[str, Any]]:
    return json.loads((folder(name) / "manifest.json").read_text("utf-8"))


def params(
    cases: list[dict[str, Any]],
    kind: str,
    tally: str,
    disagreements: Mapping[str, str] | None = None,
) -> list[Any]:
    """The cases of ``kind`` as params, tallied under ``tally``; disagreements xfail strictly."""
    disagreements = disagreements or {}
    selected = []
    for case in cases:
        if case["kind"] != kind:
            continue
        marks = [pytest.mark.conformance_kind(tally)]
        if case["id"] in disagreements:
            marks.append(pytest.mark.xfail(strict=True, reason=disagreements[case["id"]]))
        selected.append(pytest.param(case, id=case["id"], marks=marks))
    assert selected, f"no {kind} cases in the manifest"
    return selected
