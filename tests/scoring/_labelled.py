"""Shared helpers for the labelled tables of tests/scoring/data."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

DATA = Path(__file__).parent / "data"


def read_tsv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def precision_recall(
    pairs: Iterable[tuple[str, str]], classes: Iterable[str]
) -> dict[str, tuple[float, float, int]]:
    """Per class: (precision, recall, support) of (expected, got) pairs."""
    pairs = list(pairs)
    table = {}
    for cls in classes:
        tp = sum(1 for e, g in pairs if e == cls and g == cls)
        predicted = sum(1 for _, g in pairs if g == cls)
        support = sum(1 for e, _ in pairs if e == cls)
        table[cls] = (
            tp / predicted if predicted else 1.0,
            tp / support if support else 1.0,
            support,
        )
    return table


def format_table(table: dict[str, tuple[float, float, int]]) -> str:
    lines = [f"{'class':<14}{'precision':>10}{'recall':>10}{'n':>6}"]
    for cls, (precision, recall, n) in table.items():
        lines.append(f"{cls:<14}{precision:>10.3f}{recall:>10.3f}{n:>6}")
    return "\n".join(lines)
