"""Schemathesis over altscope's OpenAPI schema, in process (ASGI), on a populated database:
whatever it sends to each operation, the server never answers with a server error, and answers
of the APIs have the documented content type."""

from __future__ import annotations

from collections.abc import Callable

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance

from altscope.web.app import create_app
from support.web_settings import settings as app_settings

EXAMPLES = 20


def _fuzz(operation) -> Callable[[], None]:
    """A Hypothesis test sending generated requests to ``operation``."""
    checks = [not_a_server_error]
    if operation.path.startswith(("/api/", "/v1/")):
        checks.append(content_type_conformance)  # the APIs document their JSON

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def fuzz(case) -> None:
        case.call_and_validate(checks=checks)

    return fuzz


def test_no_server_errors(app_engine):
    app = create_app(app_engine, settings=app_settings())
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    failures = []
    for operation in operations:
        try:
            _fuzz(operation)()
        except Exception as error:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert not failures, "\n\n".join(failures)
