"""Altmetric Details Page API v1, compatible: ``/v1/{type}/{id}``, ``/v1/citations/{timeframe}``,
``/v1/fetch/{type}/{id}``.

Identifiers come unencoded in the path (``/v1/doi/10.1038/news.2011.490``). An output without
mentions is a 404, as with Altmetric. A ``callback`` parameter is ignored (no JSONP).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy import Text, cast, exists, func, or_, select
from starlette.types import Scope, Send

from altscope import ids
from altscope.store.schema import Mention, Output, OutputIdentifier, OutputScore, Source
from altscope.store.types import utcnow
from altscope.web.api import fetch as fetch_shape
from altscope.web.api.records import (
    DETAILS,
    HOT_BY_ID,
    HOT_BY_IDENTIFIER,
    IDENTIFIERS,
    OutputRecord,
    add_details,
    details_from_rows,
    load_by_id,
    load_by_identifier,
    record_of_row,
)
from altscope.web.api.serialize import V1_SOURCE_FIELDS, V1_WINDOWS, dumps, v1_counts
from altscope.web.badges.lookup import HotReader
from altscope.web.caching import Answer, AnswerCache, answer, cached_response, send_answer
from altscope.web.deps import base_url
from altscope.web.headers import CORS_ANSWER_HEADERS
from altscope.web.ratelimit import RateLimits

router = APIRouter(prefix="/v1", tags=["Altmetric v1 compatible"])

IdType = Literal[
    "doi", "handle", "pmid", "arxiv", "ads", "ssrn", "repec", "isbn", "id", "nct_id", "urn", "uri"
]
#: v1 identifier type → altscope scheme (None: not tracked by altscope).
SCHEMES: dict[str, str | None] = {
    "doi": "doi",
    "handle": "handle",
    "pmid": "pmid",
    "arxiv": "arxiv",
    "isbn": "isbn",
    "nct_id": "nct",
    "urn": "urn",
    "uri": "url",
    "ads": None,
    "ssrn": None,
    "repec": None,
}
Timeframe = Literal["at", "1d", "2d", "3d", "4d", "5d", "6d", "1w", "1m", "3m", "1y"]
OrderBy = Literal["score", "at_score", "readers", "first_seen", "pubdate"]
WINDOW_DAYS = {
    "1d": 1, "2d": 2, "3d": 3, "4d": 4, "5d": 5, "6d": 6, "1w": 7, "1m": 30, "3m": 91, "1y": 365,
}  # fmt: skip
#: Altmetric's ``cited_in`` names → altscope source keys.
CITED_IN: dict[str, tuple[str, ...]] = {
    "facebook": ("facebook",),
    "blogs": ("blog", "blogs"),
    "linkedin": ("linkedin",),
    "video": ("youtube", "video"),
    "pinterest": ("pinterest",),
    "gplus": ("googleplus",),
    "twitter": ("twitter", "x"),
    "reddit": ("reddit",),
    "news": ("news",),
    "f1000": ("f1000",),
    "rh": ("research_highlights",),
    "qna": ("stackexchange", "qna"),
    "forum": ("forum",),
    "peerreview": ("pubpeer", "publons", "peerreview"),
    "policy": ("policy", "policies"),
    "weibo": ("weibo",),
}
MAX_ID_LENGTH = 1000
NOT_FOUND = {404: {"description": "No details for this output (unknown, or no mentions)"}}
COMMON = {
    400: {"description": "Malformed identifier or parameter"},
    429: {"description": "Rate limited (see the X-RateLimit-* and Retry-After headers)"},
}
JSON_OBJECT = {"content": {"application/json": {"schema": {"type": "object"}}}}

assert set(WINDOW_DAYS) | {"at"} == set(V1_WINDOWS)
assert set(V1_SOURCE_FIELDS)  # the counts builder and the cited_in filter share source keys


def _bad(detail: str) -> HTTPException:
    return HTTPException(400, detail)


def _missing(detail: str = "Not Found") -> HTTPException:
    return HTTPException(404, detail)


def find_record(request: Request, id_type: str, identifier: str) -> OutputRecord:
    """The output named by a v1 identifier type and value, with details; 400/404 otherwise."""
    if len(identifier) > MAX_ID_LENGTH:
        raise _bad("identifier too long")
    version = request.app.state.rules_version
    with request.app.state.engine.connect() as connection:
        if id_type == "id":
            if not identifier.isascii() or not identifier.isdigit() or len(identifier) > 18:
                raise _bad(f"{identifier!r} is not an altmetric_id (a number)")
            record = load_by_id(connection, int(identifier), version)
        else:
            scheme = SCHEMES.get(id_type)
            if scheme is None:
                raise _missing(f"{id_type} identifiers are not tracked")
            try:
                value = ids.parse(identifier, scheme).value
            except ValueError as error:
                raise _bad(str(error)) from None
            record = load_by_identifier(connection, scheme, value, version)
        if record is None or not record.mentioned:
            raise _missing()
        return add_details(connection, record)


@router.get(
    "/citations/{timeframe}",
    summary="Outputs mentioned in a timeframe, ranked",
    responses={200: JSON_OBJECT, **NOT_FOUND, **COMMON},
)
def citations(
    request: Request,
    timeframe: Timeframe,
    page: Annotated[int, Query(description="Page number, from 1")] = 1,
    num_results: Annotated[int, Query(description="Results per page (1..99)")] = 25,
    cited_in: Annotated[str | None, Query(description="Sources: news,blogs")] = None,
    doi_prefix: Annotated[str | None, Query(description="DOI prefix: 10.1038")] = None,
    issn: Annotated[str | None, Query(description="ISSNs, commas")] = None,
    order_by: Annotated[OrderBy, Query(description="Ranking")] = "score",
) -> Any:
    """Like Altmetric's ``/v1/citations/{timeframe}``: ``{query: {total, page, num_results},
    results: [counts ...]}``. A page beyond the last, or no outputs at all, is a 404."""
    if page < 1:
        raise _bad("page starts at 1")
    if not 0 < num_results < 100:
        raise _bad("num_results must be greater than 0 and less than 100")
    version = request.app.state.rules_version
    conditions = [OutputScore.rules_version == version, OutputScore.posts > 0]
    since = None if timeframe == "at" else utcnow() - timedelta(days=WINDOW_DAYS[timeframe])
    if since is not None:
        conditions.append(OutputScore.last_mention_at >= since)
    if cited_in:
        conditions.append(_cited_in(cited_in, since))
    if doi_prefix:
        conditions.append(_doi_prefix(doi_prefix))
    if issn:
        conditions.append(_issns(issn))
    window_score = (
        OutputScore.score
        if timeframe == "at"
        else OutputScore.history[(timeframe, "score")].as_float()
    )
    order = {
        "score": window_score.desc(),
        "at_score": OutputScore.score.desc(),
        "readers": OutputScore.categories["captures"].as_integer().desc(),
        "first_seen": OutputScore.first_seen_at.desc(),
        "pubdate": Output.published.desc(),
    }[order_by]
    query = (
        select(OutputScore.output_id)
        .join(Output, Output.id == OutputScore.output_id)
        .where(Output.merged_into.is_(None), *conditions)
    )
    with request.app.state.engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        if total == 0:
            raise _missing("no outputs match")
        if (page - 1) * num_results >= total:
            raise _missing("beyond the last page")
        chosen = connection.execute(
            query.order_by(order.nulls_last(), OutputScore.output_id)
            .limit(num_results)
            .offset((page - 1) * num_results)
        ).scalars()
        base = base_url(request)
        results = []
        for output_id in chosen:
            record = load_by_id(connection, output_id, version)
            if record is not None and record.score is not None:
                results.append(v1_counts(add_details(connection, record), base))
    body = {
        "query": {
            "total": total,
            "page": page,
            "num_results": num_results,
            "timeframe": timeframe,
            "order_by": order_by,
        },
        "results": results,
    }
    return cached_response(request, dumps(body), "application/json")


def _cited_in(text: str, since: Any) -> Any:
    keys: set[str] = set()
    for name in filter(None, (part.strip().lower() for part in text.split(","))):
        keys.update(CITED_IN.get(name, (name,)))
    mentioned = (
        select(Mention.id)
        .join(Source, Source.id == Mention.source_id)
        .where(
            Mention.output_id == OutputScore.output_id,
            Mention.removed_at.is_(None),
            Source.key.in_(sorted(keys)),
        )
    )
    if since is not None:
        mentioned = mentioned.where(Mention.occurred_at >= since)
    return exists(mentioned)


def _doi_prefix(text: str) -> Any:
    prefix = text.strip().lower().rstrip("/")
    if not prefix.startswith("10.") or "/" in prefix or len(prefix) > 100:
        raise _bad("doi_prefix must look like 10.1038")
    return exists(
        select(OutputIdentifier.id).where(
            OutputIdentifier.output_id == OutputScore.output_id,
            OutputIdentifier.scheme == "doi",
            OutputIdentifier.value.startswith(prefix + "/", autoescape=True),
        )
    )


def _issns(text: str) -> Any:
    values = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        try:
            values.append(ids.parse(part, "issn").value)
        except ValueError:
            raise _bad(f"{part!r} is not an ISSN") from None
    if not values:
        raise _bad("issn is empty")
    issns = cast(Output.issns, Text)
    return or_(*(issns.contains(f'"{value}"', autoescape=True) for value in values))


@router.get(
    "/fetch/{id_type}/{identifier:path}",
    summary="Full details of an output (needs an API key)",
    responses={200: JSON_OBJECT, 403: {"description": "No API key"}, **NOT_FOUND, **COMMON},
)
def fetch(request: Request, id_type: IdType, identifier: str) -> Any:
    """Altmetric's fetch shape: counts per source, citation, score with history and context,
    demographics and a sample of posts. Needs a key (``key`` parameter or ``X-API-Key``)."""
    if request.scope.get("state", {}).get("api_key") is None:
        raise HTTPException(403, "the fetch endpoint needs an API key")
    record = find_record(request, id_type, identifier)
    body = fetch_shape.fetch_body(request.app.state.engine, record, base_url(request))
    return cached_response(request, dumps(body), "application/json")


@router.get(
    "/{id_type}/{identifier:path}",
    summary="Counts and score of one output",
    responses={200: JSON_OBJECT, **NOT_FOUND, **COMMON},
)
async def counts(request: Request, id_type: IdType, identifier: str) -> Any:
    """Altmetric's counts answer for a DOI, PMID, arXiv id, ISBN, Handle, ... or altmetric_id
    (``/v1/id/{id}``, altscope's output id)."""
    # The hot path runs on the event loop: three short indexed queries cost less than the
    # hand-over to a worker thread and back (see docs/api.md, performance).
    record = find_record(request, id_type, identifier)
    body = dumps(v1_counts(record, base_url(request)))
    return cached_response(request, body, "application/json")


class CountsHotPath:
    """``GET /v1/{type}/{id}`` answered before the framework (see
    :class:`altscope.web.app.HotPaths`): rate limit, one indexed query on a kept connection,
    and the JSON reused while that query returns the same row (output, score, and a fingerprint
    of identifiers, authors and metrics). Errors (400, 404), merged outputs and the other
    ``/v1/`` routes are left to the app."""

    def __init__(
        self,
        reader: HotReader,
        version: str,
        max_age: int,
        cache: AnswerCache,
        limits: RateLimits,
        public_base_url: str | None,
    ) -> None:
        self.reader = reader
        self.version = version
        self.max_age = max_age
        self.cache = cache
        self.limits = limits
        self.public_base_url = public_base_url

    async def __call__(self, scope: Scope, send: Send) -> bool:
        """Answer the request and return True, or return False to leave it to the app."""
        if scope["method"] != "GET":
            return False  # the app's route answers GET only
        id_type, sep, identifier = scope["path"][len("/v1/") :].partition("/")
        if not sep or (id_type != "id" and SCHEMES.get(id_type) is None):
            return False
        rate_headers = await self.limits.admit(scope, send, CORS_ANSWER_HEADERS)
        if rate_headers is None:
            return True  # refused (403 or 429): answered
        base = self.public_base_url
        key = ("v1", scope["path"], scope["query_string"], base or _origin_of(scope))
        entry = self.cache.get(key)
        seen = self.reader.version()
        if entry is not None:
            if seen is None or seen != entry.seen:
                which, value = entry.lookup
                row = self._row(which, value)
                if row != entry.check:
                    entry = self._answer(row, which, value, scope)
                    if entry is None:
                        return False
                    self.cache.put(key, entry)
                entry.seen = seen
        else:
            lookup = _lookup_of(id_type, identifier)
            if lookup is None:
                return False
            row = self._row(*lookup)
            entry = self._answer(row, *lookup, scope)
            if entry is None:
                return False
            entry.seen = seen
            self.cache.put(key, entry)
        await send_answer(scope, send, entry, rate_headers)
        return True

    def _row(self, which: str, value: Any) -> tuple | None:
        if which == "id":
            rows = self.reader.rows(HOT_BY_ID, {"id": value, "version": self.version})
        else:
            values = {"scheme": which, "value": value, "version": self.version}
            rows = self.reader.rows(HOT_BY_IDENTIFIER, values)
        return tuple(rows[0]) if rows else None

    def _answer(self, row: tuple | None, which: str, value: Any, scope: Scope) -> Answer | None:
        if row is None or row[1] is not None:
            return None  # unknown (404) or merged: the app answers
        record = record_of_row(row)
        if not record.mentioned:
            return None
        record.identifiers = [(s, v) for s, v in self.reader.rows(IDENTIFIERS, {"id": record.id})]
        details_from_rows(record, self.reader.rows(DETAILS, {"id": record.id}))
        base = self.public_base_url or str(Request(scope).base_url)
        body = dumps(v1_counts(record, base.rstrip("/")))
        return answer(
            body, b"application/json", self.max_age, row, (which, value), CORS_ANSWER_HEADERS
        )


def _lookup_of(id_type: str, identifier: str) -> tuple[str, Any] | None:
    """(scheme or ``id``, normalised value) of a v1 identifier; None if it is malformed."""
    if len(identifier) > MAX_ID_LENGTH:
        return None
    if id_type == "id":
        if not identifier.isascii() or not identifier.isdigit() or len(identifier) > 18:
            return None
        return "id", int(identifier)
    scheme = SCHEMES[id_type]
    assert scheme is not None
    try:
        return scheme, ids.parse(identifier, scheme).value
    except ValueError:
        return None


def _origin_of(scope: Scope) -> tuple:
    """What a request's base URL is made of (scheme, Host header or server, root path)."""
    host = next((v for k, v in scope["headers"] if k == b"host"), None)
    return scope.get("scheme"), host or scope.get("server"), scope.get("root_path", "")
