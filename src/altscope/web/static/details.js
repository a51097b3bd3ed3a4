// Progressive enhancement for the details page: switch mention tabs and pages without a reload.
// Without JavaScript the tabs are plain links to the same content.
(function () {
  "use strict";
  function panel() { return document.getElementById("mentions-panel"); }

  function load(href, push) {
    var url = new URL(href, window.location.href);
    var current = panel();
    if (!current) { window.location.href = href; return; }
    var id = current.getAttribute("data-output");
    var query = new URLSearchParams(url.search);
    query.set("partial", "1");
    current.classList.add("panel-loading");
    fetch("/details/" + encodeURIComponent(id) + "/mentions?" + query.toString(), {
      headers: { "Accept": "text/html" }, credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.text();
    }).then(function (html) {
      var holder = document.createElement("div");
      holder.innerHTML = html;  // server-rendered and escaped by the same templates
      var fresh = holder.querySelector("#mentions-panel");
      if (!fresh) { throw new Error("no panel in the answer"); }
      current.replaceWith(fresh);
      if (push) { window.history.pushState({ tabs: true }, "", url.pathname + url.search + "#mentions"); }
    }).catch(function () {
      window.location.href = href;  // fall back to the plain link
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("#mentions-panel nav a");
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) { return; }
    event.preventDefault();
    load(link.getAttribute("href"), true);
  });

  window.addEventListener("popstate", function () {
    if (panel()) { load(window.location.href, false); }
  });
})();
