"""Recorded answers: the Crossref cassettes of the shared conformance data, replayed as recorded
(status, headers, gzip bodies; read in place, never copied), and the hand-written DataCite,
OpenAlex and Crossref documents in ``responses/``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import yaml
from yarl import URL

from fakes.server import CROSSREF, Reply

ROOT = Path(__file__).resolve().parents[2]
RESPONSES = Path(__file__).resolve().parent / "responses"
_HOP_BY_HOP = {"connection", "transfer-encoding", "content-length", "keep-alive", "date"}


def conformance_dir() -> Path:
    return Path(os.environ.get("ALTSCOPE_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance"))


def source_responses_dir() -> Path | None:
    """``source_responses/`` of the conformance data, or ``None`` when it is not there."""
    folder = conformance_dir() / "source_responses"
    return folder if (folder / "manifest.json").is_file() else None


@dataclass(frozen=True)
class Interaction:
    """One recorded request and answer of a Crossref cassette, with the manifest's expectations."""

    case_id: str
    uri: str
    expected: dict[str, Any]
    reply: Reply

    @property
    def route(self) -> str:
        """The fake server route: the request path under the Crossref prefix."""
        return CROSSREF + URL(self.uri).path

    @property
    def doi(self) -> str:
        return self.expected.get("doi") or URL(self.uri).path.removeprefix("/works/")


def crossref_cases(kind: str = "crossref_rest_cassette") -> list[dict[str, Any]]:
    folder = source_responses_dir()
    if folder is None:
        return []
    manifest = orjson.loads((folder / "manifest.json").read_bytes())
    return [case for case in manifest if case["kind"] == kind]


def _cassette_replies(path: Path) -> dict[str, Reply]:
    """uri → the recorded reply, exactly as the cassette holds it."""
    cassette = yaml.safe_load(path.read_text("utf-8"))
    replies: dict[str, Reply] = {}
    for item in cassette["interactions"]:
        response = item["response"]
        body = response["body"]["string"]
        headers = {
            name: values[-1] if isinstance(values, list) else str(values)
            for name, values in (response.get("headers") or {}).items()
            if name.lower() not in _HOP_BY_HOP
        }
        content_type = headers.pop("content-type", None) or headers.pop("Content-Type", None)
        replies[item["request"]["uri"]] = Reply(
            status=response["status"]["code"],
            body=body if isinstance(body, bytes) else str(body).encode("utf-8"),
            headers=headers,
            content_type=content_type,
        )
    return replies


def crossref_interactions() -> list[Interaction]:
    """Every ``https://api.crossref.org/works/...`` lookup of the cassettes (no transforms)."""
    folder = source_responses_dir()
    found: list[Interaction] = []
    if folder is None:
        return found
    for case in crossref_cases():
        replies = _cassette_replies(folder / case["input_file"])
        for item in case["expected"]["interactions"]:
            url = URL(item["uri"])
            if url.scheme != "https" or "/transform/" in url.path:
                continue
            found.append(Interaction(case["id"], item["uri"], item, replies[item["uri"]]))
    return found


def load_response(name: str) -> Any:
    """A hand-written document from ``responses/`` (``name`` without ``.json``)."""
    return orjson.loads((RESPONSES / f"{name}.json").read_bytes())
