"""Content hashes and dedup keys: what makes evidence and mentions idempotent."""

from __future__ import annotations

import hashlib


def content_hash(body: bytes) -> str:
    """SHA-256 (hex) of an observation's bytes: evidence is stored once per hash."""
    return hashlib.sha256(body).hexdigest()


def mention_dedup_key(
    source_key: str, native_id: str | None, url: str | None, output_id: int
) -> str:
    """The key that makes one post about one output a single mention row.

    SHA-256 (hex) of the source key, the source's own id for the post (or, without one, its
    URL) and the output id. Merging outputs recomputes it with the survivor's id.
    """
    if native_id:
        post = f"id:{native_id}"
    elif url:
        post = f"url:{url}"
    else:
        raise ValueError("a mention needs the source's id for the post or its URL")
    return hashlib.sha256(f"{source_key}\x1f{post}\x1f{output_id}".encode()).hexdigest()
