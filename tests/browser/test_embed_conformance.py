"""Every embed form in Altmetric's badge documentation works with altscope's embed script.

Reads ``badge_embed`` of ../shared/conformance/altmetric_api/api_facts.json (skips when the data
is absent): each identifier attribute, badge type, popover side, option and CSS-class form,
on ``altmetric-embed`` containers as existing repository pages write them.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from browser_helpers import host_page, wait_for_badges
from sqlalchemy import Engine

from support.badge_data import add_output
from support.conformance import folder

FACTS = json.loads((folder("altmetric_api") / "api_facts.json").read_text("utf-8"))["badge_embed"]

#: A value to track for each identifier attribute (data-id gets the output id at run time).
VALUES = {
    "data-doi": ("10.1038/nature.2012.9872", "doi"),
    "data-arxiv-id": ("1209.4191", "arxiv"),
    "data-handle": ("2022/14471", "handle"),
    "data-isbn": ("978-0-262-03384-8", "isbn"),
    "data-uri": ("https://repository.example.edu/items/42", "url"),
    "data-pmid": ("21771119", "pmid"),
    "data-urn": ("urn:nbn:de:0008-2012052802", "urn"),
    "data-nct-id": ("NCT01234567", "nct"),
}


def div(element_id: str, attributes: dict[str, str], classes: str = "altmetric-embed") -> str:
    attrs = "".join(f' {name}="{escape(value)}"' for name, value in attributes.items())
    return f'<div id="{element_id}" class="{escape(classes)}"{attrs}></div>'


def states(page: Any) -> dict[str, str]:
    return page.evaluate(
        "() => Object.fromEntries(Array.from(document.querySelectorAll('[id^=c]'))"
        ".map(e => [e.id, e.getAttribute('data-altscope-state')]))"
    )


def image_src(page: Any, element_id: str) -> str:
    return page.locator(f"#{element_id} img").get_attribute("src")


def test_fact_lists_are_complete() -> None:
    assert set(FACTS["identifier_attributes"]) == {*VALUES, "data-id"}
    assert FACTS["container_class"] == "altmetric-embed"


def test_every_identifier_attribute(page, server: str, host, engine: Engine) -> None:
    outputs = {}
    for attribute, (value, scheme) in VALUES.items():
        outputs[attribute] = add_output(engine, [(value, scheme)], posts={"news": 1}, score=4)
    by_id = add_output(engine, ["10.5555/by.id"], posts={"blog": 2}, score=6)
    body = []
    for n, attribute in enumerate(FACTS["identifier_attributes"]):
        value = str(by_id.output_id) if attribute == "data-id" else VALUES[attribute][0]
        body.append(div(f"c{n}", {attribute: value}))
    page.goto(host.put("/ids.html", host_page(server, "".join(body))))
    wait_for_badges(page, len(body))
    assert set(states(page).values()) == {"shown"}, states(page)
    for n, attribute in enumerate(FACTS["identifier_attributes"]):
        expected = by_id if attribute == "data-id" else outputs[attribute]
        badge = f"{server}/badge/id/{expected.output_id}.svg"
        assert image_src(page, f"c{n}").startswith(badge), attribute
    names = [e["name"] for e in page.evaluate("() => window.__events")]
    for event in FACTS["events"]:
        if event.endswith(":show"):
            assert names.count(event) == len(body)


def test_every_badge_type_and_popover(page, server: str, host, engine: Engine) -> None:
    output = add_output(engine, ["10.1038/nature.2012.9872"], posts={"news": 3}, score=9)
    types, sides = FACTS["badge_types"], FACTS["popover_values"]
    body = [div(f"ct{n}", {"data-doi": "10.1038/nature.2012.9872", "data-badge-type": t})
            for n, t in enumerate(types)]  # fmt: skip
    body += [div(f"cp{n}", {"data-doi": "10.1038/nature.2012.9872", "data-badge-popover": s})
             for n, s in enumerate(sides)]  # fmt: skip
    body.append(div("cdefault", {"data-doi": "10.1038/nature.2012.9872"}))
    page.goto(host.put("/types.html", host_page(server, "".join(body))))
    wait_for_badges(page, len(body))
    badge = f"{server}/badge/id/{output.output_id}.svg"
    for n, kind in enumerate(types):
        assert image_src(page, f"ct{n}") == f"{badge}?type={kind}"
        page.wait_for_function(f"() => document.querySelector('#ct{n} img').naturalWidth > 0")
    assert image_src(page, "cdefault") == f"{badge}?type=donut"
    for n, side in enumerate(sides):
        page.locator(f"#cp{n} img").hover()
        popover = page.locator(f"#cp{n} .altscope-popover")
        assert popover.is_visible(), side
        box, anchor = popover.bounding_box(), page.locator(f"#cp{n} img").bounding_box()
        if side == "right":
            assert box["x"] >= anchor["x"] + anchor["width"]
        elif side == "left":
            assert box["x"] + box["width"] <= anchor["x"]
        elif side == "bottom":
            assert box["y"] >= anchor["y"] + anchor["height"]
        else:
            assert box["y"] + box["height"] <= anchor["y"]
        page.mouse.move(0, 0)


def test_other_options(page, server: str, host, engine: Engine) -> None:
    assert {"data-no-score", "data-hide-less-than", "data-link-target", "data-condensed"} <= set(
        FACTS["other_attributes"]
    )
    doi = "10.1038/nature.2012.9872"
    right = {"data-badge-details": "right"}
    output = add_output(engine, [doi], posts={"news": 3}, score=9)
    add_output(engine, ["10.5555/zero"], posts={}, score=0)
    body = "".join(
        [
            div("c1", {"data-doi": doi, "data-no-score": "true"}),
            div("c2", {"data-doi": "10.5555/zero", "data-no-score": "true"}),
            div("c3", {"data-doi": doi, "data-hide-less-than": "10"}),
            div("c4", {"data-doi": doi, "data-hide-less-than": "5"}),
            div("c5", {"data-doi": doi, "data-link-target": "_blank"}),
            div("c6", {"data-doi": doi, "data-badge-type": "bar", "data-condensed": "true"}),
            div("c7", {"data-doi": doi, "data-badge-type": "medium-donut", **right}),
        ]
    )
    page.goto(host.put("/options.html", host_page(server, body)))
    wait_for_badges(page, 7)
    assert states(page) == {
        "c1": "shown",
        "c2": "hidden",
        "c3": "hidden",
        "c4": "shown",
        "c5": "shown",
        "c6": "shown",
        "c7": "shown",
    }
    assert image_src(page, "c1").endswith("?type=donut&hide_score=1")
    assert page.locator("#c5 a").first.get_attribute("target") == "_blank"
    assert image_src(page, "c6").endswith("?type=bar&condensed=1")
    details = page.locator("#c7 .altscope-breakdown")
    assert details.is_visible() and "News: 3" in details.inner_text()
    assert details.bounding_box()["x"] >= page.locator("#c7 img").bounding_box()["x"] + 100
    assert output.output_id > 0
    hidden = [e["id"] for e in page.evaluate("() => window.__events") if e["name"].endswith("hide")]
    assert sorted(hidden) == ["c2", "c2", "c3", "c3"]


def test_css_class_fallback(page, server: str, host, engine: Engine) -> None:
    examples = FACTS["css_class_fallback"]["examples"]
    dois = {ex["doi"] for ex in examples.values() if "doi" in ex}
    outputs = {doi: add_output(engine, [doi], posts={"news": 1}, score=2) for doi in dois}
    doi = sorted(dois)[0]
    body = []
    for n, (name, meaning) in enumerate(examples.items()):
        for prefix in ("altmetric", "altscope"):
            cls = name.replace("altmetric-", f"{prefix}-", 1)
            extra = "" if "doi" in meaning else f" {prefix}-doi-{doi}"
            body.append(div(f"c{prefix}{n}", {}, classes=f"{prefix}-embed {cls}{extra}"))
    page.goto(host.put("/classes.html", host_page(server, "".join(body))))
    wait_for_badges(page, len(body))
    assert set(states(page).values()) == {"shown"}, states(page)
    for n, meaning in enumerate(examples.values()):
        for prefix in ("altmetric", "altscope"):
            element = f"c{prefix}{n}"
            src = image_src(page, element)
            target = outputs[meaning.get("doi", doi)]
            assert src.startswith(f"{server}/badge/id/{target.output_id}.svg"), element
            if "badge_type" in meaning:
                assert src.endswith(f"?type={meaning['badge_type']}"), element
            if "badge_popover" in meaning:
                page.locator(f"#{element} img").hover()
                assert page.locator(f"#{element} .altscope-popover").is_visible()
                page.mouse.move(0, 0)


def test_rescan_function_and_alias(page, server: str, host, engine: Engine) -> None:
    assert FACTS["rescan_function"].startswith("_altmetric_embed_init")
    output = add_output(engine, ["10.1038/nature.2012.9872"], posts={"news": 1}, score=1)
    page.goto(host.put("/rescan.html", host_page(server, '<div id="box"></div>')))
    page.wait_for_function("() => window.altscope && window.altscope.ready")
    page.evaluate("() => window.altscope.ready")
    assert page.evaluate("() => window._altmetric_embed_init === window.altscope.init")
    page.evaluate(
        """() => {
        const box = document.querySelector('#box');
        box.innerHTML = '<div id="c1" class="altmetric-embed" '
            + 'data-doi="10.1038/nature.2012.9872"></div>';
        return window._altmetric_embed_init(box);
    }"""
    )
    wait_for_badges(page, 1)
    assert image_src(page, "c1").startswith(f"{server}/badge/id/{output.output_id}.svg")
