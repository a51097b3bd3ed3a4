"""API keys: ``as_<prefix>_<secret>``, shown once; only the SHA-256 of the whole key is stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from altscope.store.schema import ApiKey
from altscope.store.types import utcnow

KEY_PREFIX = "as_"
PREFIX_BYTES = 4  # 8 hex characters
SECRET_BYTES = 24


@dataclass(frozen=True, slots=True)
class KeyIdentity:
    """What a verified key grants: who it is and its rate limit (None: the server default)."""

    id: int
    name: str
    prefix: str
    rate_limit: int | None


def hash_key(key: str) -> str:
    """The stored form of ``key``: SHA-256, hex."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def create_key(session: Session, name: str, rate_limit: int | None = None) -> tuple[ApiKey, str]:
    """A new key named ``name``: the row and the key itself (which is not stored anywhere)."""
    if not name.strip():
        raise ValueError("a key needs a name")
    if rate_limit is not None and rate_limit < 0:
        raise ValueError("the rate limit is a number of requests per minute (0: unlimited)")
    prefix = secrets.token_hex(PREFIX_BYTES)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    row = ApiKey(name=name, prefix=prefix, key_hash=hash_key(key), rate_limit=rate_limit)
    session.add(row)
    session.flush()
    return row, key


def looks_like_key(key: str) -> bool:
    return key.startswith(KEY_PREFIX) and 0 < len(key) <= 200


def verify_key(session: Session, key: str) -> KeyIdentity | None:
    """The identity of an active key, or ``None`` for an unknown or revoked one."""
    if not looks_like_key(key):
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key)))
    if row is None or row.revoked_at is not None:
        return None
    # Compare again in constant time (the lookup was by hash, this is belt and braces).
    if not secrets.compare_digest(row.key_hash, hash_key(key)):
        return None
    return KeyIdentity(row.id, row.name, row.prefix, row.rate_limit)


def touch_key(session: Session, key_id: int) -> None:
    """Record that key ``key_id`` was just used."""
    row = session.get(ApiKey, key_id)
    if row is not None:
        row.last_used_at = utcnow()


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))


def revoke_key(session: Session, prefix: str) -> ApiKey:
    """Revoke the key whose prefix is ``prefix``; LookupError if there is none."""
    prefix = prefix.removeprefix(KEY_PREFIX).split("_", 1)[0]
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if row is None:
        raise LookupError(f"no key with prefix {prefix!r}")
    row.revoked_at = row.revoked_at or utcnow()
    session.flush()
    return row
