"""Native API: look up to 1,000 identifiers in one request."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy import Connection, select, tuple_

from altscope import ids
from altscope.store.schema import Output, OutputIdentifier, OutputScore
from altscope.web.api.models import LookupIn, LookupOut
from altscope.web.api.serialize import JSONBytes, details_url
from altscope.web.deps import base_url

router = APIRouter(prefix="/api", tags=["lookup"], default_response_class=JSONBytes)

MAX_IDENTIFIERS = 1000
MAX_LENGTH = 1000
CHUNK = 250


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _owners(connection: Connection, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    owners: dict[tuple[str, str], int] = {}
    for chunk in _chunks(keys):
        rows = connection.execute(
            select(
                OutputIdentifier.scheme, OutputIdentifier.value, OutputIdentifier.output_id
            ).where(tuple_(OutputIdentifier.scheme, OutputIdentifier.value).in_(chunk))
        )
        owners.update({(s, v): o for s, v, o in rows})
    return owners


def _canonical(connection: Connection, output_ids: set[int]) -> dict[int, int]:
    """Each id → the id of the output it is merged into, in the end (itself if not merged)."""
    final = {i: i for i in output_ids}
    pending = set(output_ids)
    for _ in range(16):
        if not pending:
            break
        merged: dict[int, int] = {}
        for chunk in _chunks(sorted(pending)):
            merged.update(
                connection.execute(
                    select(Output.id, Output.merged_into).where(
                        Output.id.in_(chunk), Output.merged_into.is_not(None)
                    )
                ).all()
            )
        for origin, current in final.items():
            if current in merged:
                final[origin] = merged[current]
        pending = set(merged.values())
    return final


def _scores(connection: Connection, output_ids: set[int], version: str) -> dict[int, Any]:
    scores: dict[int, Any] = {}
    for chunk in _chunks(sorted(output_ids)):
        rows = connection.execute(
            select(
                OutputScore.output_id,
                OutputScore.score,
                OutputScore.display_score,
                OutputScore.posts,
            ).where(OutputScore.output_id.in_(chunk), OutputScore.rules_version == version)
        )
        scores.update({row.output_id: row for row in rows})
    return scores


@router.post(
    "/lookup",
    response_model=LookupOut,
    summary="Look up many identifiers at once (up to 1,000)",
    responses={
        413: {"description": "More than 1,000 identifiers"},
        422: {"description": "Not a JSON object with a list of strings"},
        429: {"description": "Rate limited"},
    },
)
def lookup(body: LookupIn, request: Request) -> Any:
    """Each identifier found or not (or invalid), with the output's score; and a summary."""
    if len(body.identifiers) > MAX_IDENTIFIERS:
        raise HTTPException(413, f"at most {MAX_IDENTIFIERS} identifiers per request")
    parsed: list[tuple[str, tuple[str, str] | None, str | None]] = []
    for text in body.identifiers:
        try:
            if len(text) > MAX_LENGTH:
                raise ValueError("identifier too long")
            identifier = ids.parse(text.strip())
            parsed.append((text, (identifier.scheme, identifier.value), None))
        except ValueError as error:
            parsed.append((text, None, str(error)))
    keys = sorted({key for _, key, _ in parsed if key is not None})
    version = request.app.state.rules_version
    with request.app.state.engine.connect() as connection:
        owners = _owners(connection, keys)
        final = _canonical(connection, set(owners.values()))
        scores = _scores(connection, set(final.values()), version)
    base = base_url(request)
    results = []
    found = invalid = 0
    for text, key, error in parsed:
        if key is None:
            invalid += 1
            results.append({"input": text, "found": False, "error": error})
            continue
        output_id = final.get(owners[key]) if key in owners else None
        result: dict[str, Any] = {
            "input": text,
            "found": output_id is not None,
            "scheme": key[0],
            "value": key[1],
        }
        if output_id is not None:
            found += 1
            score = scores.get(output_id)
            result.update(
                output_id=output_id,
                score=None if score is None else score.score,
                display_score=None if score is None else score.display_score,
                posts=0 if score is None else score.posts,
                details_url=details_url(base, output_id),
            )
        results.append(result)
    summary = {
        "requested": len(parsed),
        "found": found,
        "not_found": len(parsed) - found - invalid,
        "invalid": invalid,
    }
    return {"results": results, "summary": summary}
