"""Helpers shared by the browser tests: host pages, event and request recording."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

#: Records every altscope/altmetric show and hide event in ``window.__events``.
RECORD_EVENTS = """
<script>
window.__events = [];
["altscope:show", "altscope:hide", "altmetric:show", "altmetric:hide"].forEach(function (name) {
  document.addEventListener(name, function (event) {
    window.__events.push({name: name, id: event.target.id || null});
  });
});
</script>
"""


def host_page(server: str, body: str, head: str = "") -> str:
    """An HTML page that records badge events and loads the embed script from ``server``."""
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Repository</title>"
        f"{head}{RECORD_EVENTS}</head><body>{body}"
        f"<script src='{server}/embed.js' async></script></body></html>"
    )


class Requests:
    """Every request a page makes (``page.on("request")``)."""

    def __init__(self, page: Any) -> None:
        self.urls: list[str] = []
        page.on("request", lambda request: self.urls.append(request.url))

    def hosts(self) -> set[str]:
        return {urlsplit(url).hostname or "" for url in self.urls}

    def to(self, base_url: str, path_prefix: str) -> list[str]:
        return [url for url in self.urls if url.startswith(base_url + path_prefix)]


def wait_for_badges(page: Any, count: int) -> None:
    """Wait until ``count`` embed elements are settled (shown or hidden)."""
    page.wait_for_function(
        "n => document.querySelectorAll('[data-altscope-state=shown],"
        " [data-altscope-state=hidden]').length >= n",
        arg=count,
    )
    page.evaluate("() => window.altscope.ready")


def all_images_loaded(page: Any) -> bool:
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('.altscope-badge img'))"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
