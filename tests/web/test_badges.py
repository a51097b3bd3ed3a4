"""Badges: the SVG renderer, the badge routes, popover data, scripts and the bookmarklet."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from altscope.config import Settings
from altscope.ids import parse
from altscope.store.db import transaction
from altscope.store.merge import merge_outputs
from altscope.store.outputs import find_output, upsert_output
from altscope.web.app import create_app
from altscope.web.badges import svg
from altscope.web.badges.colors import CATEGORY_COLORS, EMPTY_COLOR, SOURCE_COLORS, color_for
from altscope.web.badges.routes import BADGE_TYPES, minify
from support.badge_data import add_output, set_score

NS = "{http://www.w3.org/2000/svg}"
DOI = "10.1038/nature.2012.9872"
HOSTILE = "Evil <script>alert('x')</script> & \"quotes\" ]]> \x00\x07\x1b\ud800 \ufffe end"
#: What a database can hold (no NUL for PostgreSQL, no lone surrogates), still hostile to XML.
STORED = "Evil <script>alert('x')</script> & \"quotes\" ]]> \x07\x1b \ufffe end"


def parse_svg(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == f"{NS}svg"
    return root


def title_of(root: ET.Element) -> str:
    title = root.find(f"{NS}title")
    assert title is not None and root[0] is title, "the <title> comes first"
    return title.text or ""


def fills(root: ET.Element) -> set[str]:
    return {e.get("stroke") or e.get("fill") for e in root.iter()} - {None, "none"}


SLICES = svg.slices_from_sources(
    {
        "news": {"name": "News", "category": "mentions", "posts": 2, "score": 16.0},
        "blog": {"name": "Blogs", "category": "mentions", "posts": 1, "score": 5.0},
        "bluesky": {"name": "Bluesky", "category": "social_media", "posts": 7, "score": 1.75},
    }
)


# --- the renderer -------------------------------------------------------------------------


@pytest.mark.parametrize("style", svg.STYLES)
@pytest.mark.parametrize("size", svg.SIZES)
def test_every_style_and_size_is_well_formed_and_deterministic(style: str, size: str) -> None:
    text = svg.render(style, size, SLICES, 23, title="A study")
    assert text == svg.render(style, size, SLICES, 23, title="A study")
    root = parse_svg(text)
    assert "altscope attention score 23" in title_of(root)
    assert "A study" in title_of(root) and "Bluesky: 7" in title_of(root)
    assert root.get("role") == "img"
    texts = [e.text for e in root.iter(f"{NS}text")]
    assert "23" in texts
    if style != "number":
        assert {SOURCE_COLORS["news"], SOURCE_COLORS["blog"], SOURCE_COLORS["bluesky"]} <= fills(
            root
        )


def test_sizes_grow() -> None:
    for style in svg.STYLES:
        widths = [float(parse_svg(svg.render(style, s, SLICES, 5)).get("width")) for s in svg.SIZES]
        heights = [
            float(parse_svg(svg.render(style, s, SLICES, 5)).get("height")) for s in svg.SIZES
        ]
        assert widths == sorted(widths) and len(set(widths)) == 3, style
        assert heights == sorted(heights) and len(set(heights)) == 3, style
    donut = parse_svg(svg.render("donut", "large", SLICES, 5))
    assert donut.get("width") == donut.get("height") == str(svg.DONUT_PX["large"])


def test_donut_segments_follow_the_points() -> None:
    shares = dict(svg.mix(SLICES))
    assert sum(shares.values()) == 1000
    total = 16.0 + 5.0 + 1.75
    assert abs(shares[SOURCE_COLORS["news"]] - 1000 * 16 / total) <= 1
    assert abs(shares[SOURCE_COLORS["bluesky"]] - 1000 * 1.75 / total) <= 1
    root = parse_svg(svg.render("donut", "small", SLICES, 23))
    dashes = {
        c.get("stroke"): int(c.get("stroke-dasharray").split()[0])
        for c in root.iter(f"{NS}circle")
        if c.get("stroke-dasharray")
    }
    assert dashes == shares
    offsets = sorted(
        -int(c.get("stroke-dashoffset"))
        for c in root.iter(f"{NS}circle")
        if c.get("stroke-dashoffset")
    )
    assert offsets == [0, shares[SOURCE_COLORS["news"]], 1000 - shares[SOURCE_COLORS["bluesky"]]]


def test_posts_weigh_when_no_source_has_points() -> None:
    slices = svg.slices_from_sources({"news": 1, "bluesky": 3})
    assert dict(svg.mix(slices)) == {SOURCE_COLORS["bluesky"]: 750, SOURCE_COLORS["news"]: 250}


def test_colours_by_key_weight_key_then_category() -> None:
    assert color_for("news") == SOURCE_COLORS["news"]
    assert color_for("my-feed", "mentions", "blog") == SOURCE_COLORS["blog"]
    assert color_for("unheard-of", "captures") == CATEGORY_COLORS["captures"]
    assert color_for("unheard-of", "nonsense") == svg.OTHER_COLOR
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in SOURCE_COLORS.values())


def test_empty_and_unknown_badges_are_neutral() -> None:
    root = parse_svg(svg.render("donut", "medium", (), None))
    assert fills(root) == {"#ffffff", EMPTY_COLOR, "#333333"}
    assert "no attention tracked" in title_of(root)
    assert [e.text for e in root.iter(f"{NS}text")] == ["?"]
    zero = parse_svg(svg.render("donut", "medium", (), 0))
    assert [e.text for e in zero.iter(f"{NS}text")] == ["0"]


def test_hidden_score_and_condensed_bar() -> None:
    root = parse_svg(svg.render("donut", "small", SLICES, 23, show_score=False))
    assert list(root.iter(f"{NS}text")) == []
    full = parse_svg(svg.render("bar", "small", SLICES, 23))
    condensed = parse_svg(svg.render("bar", "small", SLICES, 23, condensed=True))
    assert float(condensed.get("width")) < float(full.get("width"))
    assert "altscope" not in [e.text for e in condensed.iter(f"{NS}text")]


def test_hostile_titles_are_escaped() -> None:
    for style in svg.STYLES:
        text = svg.render(style, "small", SLICES, 3, title=HOSTILE)
        root = parse_svg(text)
        assert "<script>" in title_of(root)  # as text, not as markup
        assert not any(e.tag.endswith("script") for e in root.iter())
        assert "\x00" not in text and "\ud800" not in text


def test_long_titles_are_cut() -> None:
    root = parse_svg(svg.render("donut", "small", SLICES, 3, title="word " * 1000))
    assert len(title_of(root)) < 400


def test_unknown_style_or_size_raises() -> None:
    with pytest.raises(ValueError, match="style"):
        svg.render("pie", "small", SLICES, 1)
    with pytest.raises(ValueError, match="size"):
        svg.render("donut", "huge", SLICES, 1)


# --- the routes ---------------------------------------------------------------------------


def app_settings(**overrides) -> Settings:
    """No rate limits, no public base URL: nothing from the environment shapes the answers."""
    values = {"api_rate_limit_anonymous": 0, "api_rate_limit_keyed": 0, "public_base_url": None}
    return Settings(**{**values, **overrides})


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine, settings=app_settings())) as test_client:
        yield test_client


@pytest.fixture
def tracked(engine: Engine):
    return add_output(
        engine,
        [
            DOI,
            ("21771119", "pmid"),
            ("1209.4191", "arxiv"),
            ("978-0-262-03384-8", "isbn"),
            ("2022/14471", "handle"),
        ],
        title=STORED,
        posts={"news": 2, "bluesky": 5},
        points={"news": 16.0, "bluesky": 1.25},
        score=17,
    )


def test_badge_of_a_tracked_doi(client: TestClient, tracked) -> None:
    response = client.get(f"/badge/doi/{DOI}.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.headers["cache-control"].startswith("public, max-age=")
    root = parse_svg(response.text)
    assert [e.text for e in root.iter(f"{NS}text")] == ["17"]
    assert SOURCE_COLORS["news"] in fills(root) and SOURCE_COLORS["bluesky"] in fills(root)
    assert "<script>" in title_of(root)
    assert not any(e.tag.endswith("script") for e in root.iter())


@pytest.mark.parametrize(
    "path",
    [
        f"/badge/doi/{DOI.upper()}.svg",
        f"/badge/doi/https://doi.org/{DOI}.svg",
        "/badge/pmid/21771119.svg",
        "/badge/arxiv/1209.4191.svg",
        "/badge/arxiv/arXiv:1209.4191v3.svg",
        "/badge/arxiv-id/1209.4191.svg",
        "/badge/isbn/0262033844.svg",
        "/badge/isbn/978-0-262-03384-8.svg",
        "/badge/handle/2022/14471.svg",
        "/badge/any/doi:10.1038/nature.2012.9872.svg",
    ],
)
def test_every_scheme_finds_the_same_output(client: TestClient, tracked, path: str) -> None:
    expected = client.get(f"/badge/id/{tracked.output_id}.svg")
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.text == expected.text
    assert "X-Altscope-Badge" not in response.headers


@pytest.mark.parametrize("kind", sorted(BADGE_TYPES))
def test_every_badge_type(client: TestClient, tracked, kind: str) -> None:
    response = client.get(f"/badge/doi/{DOI}.svg", params={"type": kind})
    assert response.status_code == 200
    style, size = BADGE_TYPES[kind]
    root = parse_svg(response.text)
    if style == "donut":
        assert root.get("width") == str(svg.DONUT_PX[size])
    else:
        assert root.get("height") == str(svg.BAR_PX[size][0])


def test_size_and_flags_in_the_query(client: TestClient, tracked) -> None:
    large = parse_svg(client.get(f"/badge/doi/{DOI}.svg?type=donut&size=large").text)
    assert large.get("width") == str(svg.DONUT_PX["large"])
    hidden = parse_svg(client.get(f"/badge/doi/{DOI}.svg?hide_score=1").text)
    assert list(hidden.iter(f"{NS}text")) == []


def test_etag_and_304(client: TestClient, engine: Engine, tracked) -> None:
    first = client.get(f"/badge/doi/{DOI}.svg")
    etag = first.headers["etag"]
    again = client.get(f"/badge/doi/{DOI}.svg", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    other = client.get(f"/badge/doi/{DOI}.svg?type=bar", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag
    set_score(engine, tracked.output_id, {"news": 9}, 72)
    changed = client.get(f"/badge/doi/{DOI}.svg", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert [e.text for e in parse_svg(changed.text).iter(f"{NS}text")] == ["72"]


def test_unknown_identifier_gives_a_neutral_badge_cached_briefly(
    client: TestClient, tracked
) -> None:
    response = client.get("/badge/doi/10.9999/never.seen.svg")
    assert response.status_code == 200
    assert response.headers["x-altscope-badge"] == "unknown"
    unknown_age = int(response.headers["cache-control"].rsplit("=", 1)[1])
    known = client.get(f"/badge/doi/{DOI}.svg").headers["cache-control"]
    assert unknown_age <= int(known.rsplit("=", 1)[1])
    root = parse_svg(response.text)
    assert "no attention tracked" in title_of(root)
    assert fills(root) == {"#ffffff", EMPTY_COLOR, "#333333"}


def test_output_without_score_row_shows_zero(client: TestClient, engine: Engine) -> None:
    scored = add_output(engine, ["10.5555/unscored"])
    root = parse_svg(client.get(f"/badge/id/{scored.output_id}.svg").text)
    assert [e.text for e in root.iter(f"{NS}text")] == ["0"]


def test_merged_output_shows_the_survivor(client: TestClient, engine: Engine, tracked) -> None:
    alias = add_output(engine, ["10.5555/alias"], posts={"news": 1}, score=1)
    with transaction(engine) as session:
        keep = find_output(session, "doi", DOI)
        other = upsert_output(session, [parse("10.5555/other")])
        merge_outputs(session, keep, other)
        survivor = find_output(session, "doi", "10.5555/other")
        assert survivor is not None and survivor.id == tracked.output_id
    response = client.get("/badge/doi/10.5555/other.svg")
    assert [e.text for e in parse_svg(response.text).iter(f"{NS}text")] == ["17"]
    assert client.get(f"/badge/id/{alias.output_id}.svg").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/badge/doi/not-a-doi.svg",
        "/badge/doi/..%2F..%2Fetc%2Fpasswd.svg",
        "/badge/doi/%3Cscript%3Ealert(1)%3C%2Fscript%3E.svg",
        "/badge/doi/%00%01.svg",
        "/badge/doi/" + "10.1234/" + "x" * 5000 + ".svg",
        "/badge/nosuchscheme/10.1234/abc.svg",
        "/badge/id/abc.svg",
        "/badge/id/99999999999999999999999.svg",
        "/badge/id/%EF%BC%91.svg",
        "/badge/pmid/abc.svg",
    ],
)
def test_hostile_identifiers_are_refused_with_an_svg(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert "X-Altscope-Error" in response.headers
    parse_svg(response.text)


def test_unknown_output_id_is_a_neutral_badge(client: TestClient) -> None:
    response = client.get("/badge/id/123456.svg")
    assert response.status_code == 200 and response.headers["x-altscope-badge"] == "unknown"


@pytest.mark.parametrize("query", ["type=pie", "size=huge", "type=donut&size=xl"])
def test_bad_style_is_a_clear_400(client: TestClient, tracked, query: str) -> None:
    response = client.get(f"/badge/doi/{DOI}.svg?{query}")
    assert response.status_code == 400
    assert "unknown badge" in response.text


# --- popover data -------------------------------------------------------------------------


def test_badge_data_in_one_batch(client: TestClient, tracked) -> None:
    keys = [f"doi:{DOI}", "pmid:21771119", "doi:10.9999/unknown", "doi:garbage", "nocolon"]
    response = client.get("/badge/data", params={"id": keys})
    assert response.status_code == 200
    body = response.json()
    item = body["items"][f"doi:{DOI}"]
    assert item == body["items"]["pmid:21771119"]
    assert item["output_id"] == tracked.output_id and item["score"] == 17 and item["posts"] == 7
    assert item["title"] == STORED
    assert item["details_url"] == f"/details/{tracked.output_id}"
    assert [(s["key"], s["posts"], s["color"]) for s in item["sources"]] == [
        ("news", 2, SOURCE_COLORS["news"]),
        ("bluesky", 5, SOURCE_COLORS["bluesky"]),
    ]
    assert body["items"]["doi:10.9999/unknown"] is None
    assert set(body["errors"]) == {"doi:garbage", "nocolon"}
    assert "etag" in response.headers


def test_badge_data_limits(client: TestClient) -> None:
    assert client.get("/badge/data").status_code == 400
    many = [f"doi:10.1234/{i}" for i in range(51)]
    response = client.get("/badge/data", params={"id": many})
    assert response.status_code == 400 and "at most" in response.text


# --- scripts and the bookmarklet ----------------------------------------------------------


@pytest.mark.parametrize("path", ["/embed.js", "/bookmarklet.js"])
def test_scripts_are_cacheable(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert int(response.headers["cache-control"].rsplit("=", 1)[1]) >= 3600
    again = client.get(path, headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_embed_script_talks_only_to_its_origin(client: TestClient) -> None:
    source = client.get("/embed.js").text
    assert "document.cookie" not in source and "localStorage" not in source
    assert "sessionStorage" not in source
    assert not re.search(r"https?://", source), "no hard-coded hosts"
    assert 'credentials: "omit"' in source


def test_bookmarklet_page_and_href(client: TestClient) -> None:
    response = client.get("/bookmarklet")
    assert response.status_code == 200
    match = re.search(r'id="altscope-bookmarklet" href="([^"]+)"', response.text)
    assert match, response.text
    href = match.group(1).replace("&amp;", "&").replace("&#39;", "'").replace("&#34;", '"')
    assert href.startswith("javascript:")
    code = unquote(href[len("javascript:") :])
    assert 'var origin = "http://testserver";' in code and '"/details/lookup?"' in code
    assert "\n" not in code and "//" not in code.replace("http://", "")
    assert code == minify(client.get("/bookmarklet.js").text)


def test_bookmarklet_origin_follows_public_base_url(engine: Engine) -> None:
    app = create_app(
        engine, settings=app_settings(public_base_url="https://altmetrics.example.edu/")
    )
    with TestClient(app) as client:
        assert '"https://altmetrics.example.edu";' in client.get("/bookmarklet.js").text
        assert "altmetrics.example.edu" in client.get("/bookmarklet").text


def test_lookup_redirects_to_the_details_page(client: TestClient, tracked) -> None:
    for query in (
        {"doi": DOI},
        {"doi": f"https://doi.org/{DOI}"},
        {"doi": "10.9999/unknown", "pmid": "21771119"},
        {"arxiv": "1209.4191v2"},
        {"id": f"doi:{DOI}"},
        {"url": f"https://www.nature.com/articles/{DOI}"},
        {"url": "https://arxiv.org/abs/1209.4191"},
    ):
        response = client.get("/details/lookup", params=query, follow_redirects=False)
        assert response.status_code == 302, query
        assert response.headers["location"] == f"/details/{tracked.output_id}"


def test_lookup_of_an_untracked_article(client: TestClient) -> None:
    response = client.get(
        "/details/lookup",
        params={"doi": "10.9999/<b>bold</b>", "pmid": "<script>x</script>"},
        follow_redirects=False,
    )
    assert response.status_code == 404
    assert "Not tracked yet" in response.text
    assert "<b>bold" not in response.text and "&lt;b&gt;bold" in response.text
    assert "<script>x" not in response.text
    empty = client.get("/details/lookup", follow_redirects=False)
    assert empty.status_code == 400 and "No identifier" in empty.text
