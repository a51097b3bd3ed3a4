"""Fixtures for the metadata clients: the fake server on 127.0.0.1 with the recorded answers."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fakes.server import FakeServer


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    """A fresh fake Crossref/DataCite/OpenAlex server (404 for anything not added)."""
    with FakeServer() as server:
        yield server
