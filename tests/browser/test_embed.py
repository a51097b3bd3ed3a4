"""The embed script in Chromium, on a host page of another origin."""

from __future__ import annotations

import math

from browser_helpers import Requests, all_images_loaded, host_page, wait_for_badges
from sqlalchemy import Engine

from altscope.web.badges.colors import SOURCE_COLORS
from support.badge_data import add_output

DOI = "10.1038/nature.2012.9872"
TITLE = 'Cats <b>and</b> "dogs" & <img src=x onerror=alert(1)>'


def tracked(engine: Engine):
    return add_output(
        engine,
        [DOI, ("21771119", "pmid")],
        title=TITLE,
        posts={"news": 2, "bluesky": 5},
        points={"news": 16.0, "bluesky": 1.25},
        score=17,
    )


def test_one_badge_with_popover(page, server: str, host, engine: Engine) -> None:
    output = tracked(engine)
    requests = Requests(page)
    url = host.put(
        "/article.html",
        host_page(
            server,
            f'<p>Article</p><div id="b" class="altscope-embed" data-doi="{DOI}" '
            'data-badge-type="donut" data-badge-popover="right"></div>',
        ),
    )
    page.goto(url)
    wait_for_badges(page, 1)
    badge = page.locator("#b")
    assert badge.get_attribute("data-altscope-state") == "shown"
    image = badge.locator("img")
    assert image.get_attribute("src") == f"{server}/badge/id/{output.output_id}.svg?type=donut"
    assert image.get_attribute("alt") == "altscope attention score 17"
    page.wait_for_function("() => document.querySelector('#b img').naturalWidth === 64")
    link = badge.locator("a").first
    assert link.get_attribute("href") == f"{server}/details/{output.output_id}"

    popover = badge.locator(".altscope-popover")
    assert popover.is_hidden()
    image.hover()
    assert popover.is_visible()
    text = popover.inner_text()
    assert "Attention score: 17" in text and "News: 2" in text and "Bluesky: 5" in text
    assert TITLE in text  # shown as text ...
    assert popover.locator("b, img").count() == 0  # ... never as markup
    swatches = popover.locator("li span").first.evaluate("e => getComputedStyle(e).backgroundColor")
    red = tuple(int(SOURCE_COLORS["news"][i : i + 2], 16) for i in (1, 3, 5))
    assert swatches == f"rgb({red[0]}, {red[1]}, {red[2]})"
    details = popover.locator("a.altscope-details-link")
    assert details.get_attribute("href") == f"{server}/details/{output.output_id}"
    # right of the badge
    assert popover.bounding_box()["x"] >= image.bounding_box()["x"] + 64

    page.mouse.move(500, 500)
    assert popover.is_hidden()
    assert page.evaluate("() => window.__events.map(e => e.name)") == [
        "altscope:show",
        "altmetric:show",
    ]
    assert requests.hosts() == {"127.0.0.1"}
    assert page.context.cookies() == []


def test_popover_is_keyboard_accessible(page, server: str, host, engine: Engine) -> None:
    output = tracked(engine)
    url = host.put(
        "/keys.html",
        host_page(
            server,
            '<a href="#" id="before">before</a><div id="b" class="altmetric-embed" '
            'data-pmid="21771119" data-badge-popover="bottom"></div>',
        ),
    )
    page.goto(url)
    wait_for_badges(page, 1)
    popover = page.locator("#b .altscope-popover")
    page.focus("#before")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('#b') !== null")
    assert popover.is_visible()
    assert page.locator("#b a").first.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Tab")  # into the popover's details link: it stays open
    assert page.evaluate("() => document.activeElement.className") == "altscope-details-link"
    assert popover.is_visible()
    page.keyboard.press("Escape")
    assert popover.is_hidden()
    assert popover.locator("a").get_attribute("href").endswith(f"/details/{output.output_id}")


def test_hundred_badges(page, server: str, host, engine: Engine) -> None:
    outputs = [
        add_output(engine, [f"10.5555/many.{i}"], posts={"news": i % 3, "blog": 1}, score=i)
        for i in range(100)
    ]
    body = "".join(
        f'<div class="altscope-embed" id="b{i}" data-doi="10.5555/many.{i}" '
        f'data-badge-type="{"bar" if i % 2 else "donut"}" data-badge-popover="left"></div>'
        for i in range(100)
    )
    requests = Requests(page)
    page.goto(host.put("/many.html", host_page(server, body)))
    wait_for_badges(page, 100)
    assert page.locator("[data-altscope-state=shown]").count() == 100
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.altscope-badge img'))"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    assert all_images_loaded(page)
    sources = page.evaluate(
        "() => Array.from(document.querySelectorAll('.altscope-badge img')).map(i => i.src)"
    )
    expected = {
        f"{server}/badge/id/{o.output_id}.svg?type={'bar' if i % 2 else 'donut'}"
        for i, o in enumerate(outputs)
    }
    assert set(sources) == expected
    data_requests = requests.to(server, "/badge/data")
    assert len(data_requests) == math.ceil(100 / 25)
    assert len(requests.to(server, "/badge/id/")) == 100
    assert len(requests.to(server, "/embed.js")) == 1
    assert len(requests.urls) == 1 + 1 + len(data_requests) + 100  # page, script, data, images
    assert requests.hosts() == {"127.0.0.1"}
    assert page.context.cookies() == []
    assert page.evaluate("() => document.cookie") == ""
    assert page.evaluate("() => window.__events.length") == 200  # altscope: + altmetric:


def test_meta_tag_fallback(page, server: str, host, engine: Engine) -> None:
    output = tracked(engine)
    other = add_output(engine, ["10.5555/dc"], posts={"blog": 1}, score=3)
    page.goto(
        host.put(
            "/meta.html",
            host_page(
                server,
                '<div id="b" class="altscope-embed" data-badge-type="medium-donut"></div>',
                head=f'<meta name="citation_doi" content="{DOI}">'
                '<meta name="dc.identifier" content="doi:10.5555/dc">',
            ),
        )
    )
    wait_for_badges(page, 1)
    src = page.locator("#b img").get_attribute("src")
    assert src == f"{server}/badge/id/{output.output_id}.svg?type=medium-donut"

    page.goto(
        host.put(
            "/dc.html",
            host_page(
                server,
                '<div id="b" class="altscope-embed"></div>',
                head='<meta name="DC.identifier" content="https://doi.org/10.5555/dc">',
            ),
        )
    )
    wait_for_badges(page, 1)
    assert f"/badge/id/{other.output_id}.svg" in page.locator("#b img").get_attribute("src")


def test_hide_no_mentions_and_unknown_identifiers(page, server: str, host, engine: Engine) -> None:
    output = tracked(engine)
    quiet = add_output(engine, ["10.5555/quiet"], posts={}, score=0)
    body = (
        f'<div id="known" class="altscope-embed" data-doi="{DOI}" '
        'data-hide-no-mentions="true"></div>'
        '<div id="unknown" class="altscope-embed" data-doi="10.9999/untracked" '
        'data-hide-no-mentions="true"></div>'
        '<div id="quiet" class="altscope-embed" data-doi="10.5555/quiet" '
        'data-hide-no-mentions="true"></div>'
        '<div id="neutral" class="altscope-embed" data-doi="10.9999/untracked"></div>'
        '<div id="invalid" class="altscope-embed" data-doi="not a doi"></div>'
    )
    page.goto(host.put("/hide.html", host_page(server, body)))
    wait_for_badges(page, 5)
    states = page.evaluate(
        "() => Object.fromEntries(Array.from(document.querySelectorAll('.altscope-embed'))"
        ".map(e => [e.id, e.getAttribute('data-altscope-state')]))"
    )
    assert states == {
        "known": "shown",
        "unknown": "hidden",
        "quiet": "hidden",
        "neutral": "shown",
        "invalid": "hidden",
    }
    assert page.locator("#unknown img, #quiet img, #invalid img").count() == 0
    assert f"/details/{output.output_id}" in page.locator("#known a").get_attribute("href")
    assert quiet.output_id != output.output_id
    # an untracked article still gets a neutral badge linking to the lookup page
    neutral = page.locator("#neutral img")
    assert neutral.get_attribute("src") == f"{server}/badge/doi/10.9999/untracked.svg?type=donut"
    page.wait_for_function("() => document.querySelector('#neutral img').naturalWidth > 0")
    assert page.locator("#neutral a").get_attribute("href") == (
        f"{server}/details/lookup?doi=10.9999%2Funtracked"
    )
    events = page.evaluate("() => window.__events")
    hidden = {e["id"] for e in events if e["name"] == "altscope:hide"}
    assert hidden == {"unknown", "quiet", "invalid"}
    assert {e["id"] for e in events if e["name"] == "altmetric:hide"} == hidden
    assert {e["id"] for e in events if e["name"] == "altscope:show"} == {"known", "neutral"}


def test_rescan_picks_up_new_badges(page, server: str, host, engine: Engine) -> None:
    output = tracked(engine)
    page.goto(host.put("/late.html", host_page(server, '<section id="late"></section>')))
    page.wait_for_function("() => window.altscope && window.altscope.ready")
    page.evaluate("() => window.altscope.ready")
    page.evaluate(
        f"""() => {{
        const div = document.createElement('div');
        div.className = 'altmetric-embed';
        div.id = 'b';
        div.setAttribute('data-doi', '{DOI}');
        document.querySelector('#late').appendChild(div);
        return window._altmetric_embed_init('#late');
    }}"""
    )
    wait_for_badges(page, 1)
    assert f"/badge/id/{output.output_id}.svg" in page.locator("#b img").get_attribute("src")
    # a second scan leaves finished badges alone
    assert page.evaluate("() => window.altscope.init()") == 0
    assert page.locator("#b img").count() == 1
