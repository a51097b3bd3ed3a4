"""Conformance tests read /work/shared/conformance (or $ALTSCOPE_CONFORMANCE_DIR) and skip cleanly
when it is absent. Tests marked ``conformance_kind("<folder>/<kind>")`` are tallied per kind and
the pass rates printed at the end of the run (and written to test-artifacts/conformance.json)."""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = Path(
    os.environ.get("ALTSCOPE_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance")
)

_KIND_OF: dict[str, str] = {}
_TALLY: dict[str, Counter[str]] = defaultdict(Counter)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "conformance_kind(name): the conformance case set a test belongs to"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        marker = item.get_closest_marker("conformance_kind")
        if marker:
            _KIND_OF[item.nodeid] = marker.args[0]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    kind = _KIND_OF.get(report.nodeid)
    if kind is None:
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        if hasattr(report, "wasxfail"):
            outcome = "xfailed" if report.skipped else "xpassed"
        else:
            outcome = report.outcome
        _TALLY[kind][outcome] += 1


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if not _TALLY:
        return
    write = terminalreporter.write_line
    terminalreporter.section("conformance pass rates")
    write(f"{'case set':58} {'pass':>5} {'xfail':>6} {'fail':>5} {'skip':>5} {'rate':>7}")
    summary = {}
    for kind in sorted(_TALLY):
        tally = _TALLY[kind]
        total = sum(tally.values())
        rate = tally["passed"] / total if total else 0.0
        summary[kind] = dict(tally) | {"total": total, "pass_rate": round(rate, 4)}
        write(
            f"{kind:58} {tally['passed']:5} {tally['xfailed']:6} {tally['failed']:5}"
            f" {tally['skipped']:5} {rate:7.1%}"
        )
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    path = out / "conformance.json"
    previous = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    path.write_text(json.dumps(previous | summary, indent=2, sort_keys=True), "utf-8")
