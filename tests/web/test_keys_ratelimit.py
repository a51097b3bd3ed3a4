"""API keys (hashed at rest) and per-key / per-address rate limits with the usual headers."""

from __future__ import annotations

import hashlib

import pytest
import typer
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from altscope.commands import keys as keys_command
from altscope.store.db import transaction
from altscope.store.schema import ApiKey
from altscope.web.app import create_app
from altscope.web.keys import create_key, revoke_key, verify_key
from altscope.web.ratelimit import FixedWindow
from support import web_sample as sample
from support.web_settings import settings

PATH = f"/v1/doi/{sample.SPECIES_DOI}"


def test_keys_are_stored_hashed(engine):
    with transaction(engine) as session:
        row, key = create_key(session, "library", rate_limit=10)
    assert key.startswith(f"as_{row.prefix}_") and len(key) > 30
    with Session(engine) as session:
        stored = session.scalars(select(ApiKey)).one()
        assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
        assert key not in (stored.key_hash, stored.prefix, stored.name)
        identity = verify_key(session, key)
        assert identity is not None and identity.rate_limit == 10 and identity.name == "library"
        assert verify_key(session, key + "x") is None
        assert verify_key(session, "not-a-key") is None


def test_revoked_keys_stop_verifying(engine):
    with transaction(engine) as session:
        row, key = create_key(session, "temp")
    with transaction(engine) as session:
        revoke_key(session, row.prefix)
    with Session(engine) as session:
        assert verify_key(session, key) is None
    with transaction(engine) as session, pytest.raises(LookupError):
        revoke_key(session, "nope")


def test_fixed_window_counts_and_resets():
    now = [1000.0]
    window = FixedWindow(60, clock=lambda: now[0])
    assert window.hit("a", 2) == (True, 1, 1020)
    assert window.hit("a", 2) == (True, 0, 1020)
    assert window.hit("a", 2)[0] is False
    assert window.hit("b", 2)[0] is True  # buckets are separate
    now[0] = 1020.0
    assert window.hit("a", 2) == (True, 1, 1080)


def _app(app_engine, **overrides):
    return TestClient(create_app(app_engine, settings=settings(**overrides)))


def test_anonymous_limit_headers_and_429(app_engine, sample_ids):
    client = _app(app_engine, api_rate_limit_anonymous=3)
    answers = [client.get(PATH) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["x-ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert all(a.headers["x-ratelimit-limit"] == "3" for a in answers)
    refused = answers[-1]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert int(refused.headers["x-ratelimit-reset"]) > 0
    assert refused.json()["detail"].startswith("rate limit")
    assert refused.headers["access-control-allow-origin"] == "*"  # browsers can read the 429
    # Pages and badges are not counted.
    assert "x-ratelimit-limit" not in client.get("/docs").headers


def test_exempt_addresses_are_not_limited(app_engine, sample_ids):
    client = _app(app_engine, api_rate_limit_anonymous=1, api_rate_limit_exempt=["testclient"])
    assert all(client.get(PATH).status_code == 200 for _ in range(3))


@pytest.mark.parametrize("how", ["header", "query"])
def test_key_gets_its_own_limit(app_engine, sample_ids, how):
    with transaction(app_engine) as session:
        _, key = create_key(session, "robot", rate_limit=2)
    client = _app(app_engine, api_rate_limit_anonymous=100)

    def get():
        if how == "header":
            return client.get(PATH, headers={"X-API-Key": key})
        return client.get(PATH, params={"key": key})

    answers = [get() for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[0].headers["x-ratelimit-limit"] == "2"
    # Anonymous requests have their own, separate bucket.
    assert client.get(PATH).headers["x-ratelimit-limit"] == "100"
    with Session(app_engine) as session:
        assert session.scalars(select(ApiKey)).one().last_used_at is not None


def test_keyed_default_limit(app_engine, sample_ids):
    with transaction(app_engine) as session:
        _, key = create_key(session, "robot")
    client = _app(app_engine, api_rate_limit_keyed=5)
    assert client.get(PATH, headers={"X-API-Key": key}).headers["x-ratelimit-limit"] == "5"


def test_unknown_or_revoked_key_is_refused(app_engine, sample_ids):
    with transaction(app_engine) as session:
        row, key = create_key(session, "old")
        revoke_key(session, row.prefix)
    client = _app(app_engine)
    assert client.get(PATH, params={"key": key}).status_code == 403
    assert client.get(PATH, headers={"X-API-Key": "as_nothing_here"}).status_code == 403


def test_keys_cli(engine):
    app = typer.Typer()
    keys_command.register(app)
    app.command("noop")(lambda: None)  # a group needs company to keep its name
    runner = CliRunner()
    url = engine.url.render_as_string(hide_password=False)
    created = runner.invoke(app, ["keys", "create", "repository", "--rate-limit", "30",
                                  "--database-url", url])  # fmt: skip
    assert created.exit_code == 0, created.output
    key = created.output.strip().splitlines()[-1]
    assert key.startswith("as_")
    listed = runner.invoke(app, ["keys", "list", "--database-url", url])
    assert "repository" in listed.output and key not in listed.output
    prefix = key.split("_")[1]
    assert prefix in listed.output
    revoked = runner.invoke(app, ["keys", "revoke", prefix, "--database-url", url])
    assert revoked.exit_code == 0 and "Revoked" in revoked.output
    missing = runner.invoke(app, ["keys", "revoke", "ffffffff", "--database-url", url])
    assert missing.exit_code == 1
    with Session(engine) as session:
        assert verify_key(session, key) is None
