/*
 * altscope embed script (docs/badges.md).
 *
 * Turns every element with class "altscope-embed" or "altmetric-embed" into a badge:
 *   <div class="altscope-embed" data-doi="10.1234/abc" data-badge-type="donut"
 *        data-badge-popover="right" data-hide-no-mentions="true"></div>
 * Identifier attributes: data-doi, data-arxiv-id, data-handle, data-isbn, data-uri, data-pmid,
 * data-urn, data-nct-id, data-id; without one, the page's citation_doi or dc.identifier meta
 * tag. Options may also be CSS classes: altscope-doi-10.1234/abc, altmetric-badge-type-donut.
 *
 * Privacy: no cookies, no storage, no third parties. The only requests go to the origin this
 * script was loaded from: one JSON request per batch of badges and one image per badge.
 */
(function () {
  "use strict";

  if (window.altscope && window.altscope.init) {
    return;
  }

  var SELECTOR = ".altscope-embed, .altmetric-embed";
  var BATCH = 25;
  var MAX_CONCURRENT = 4;
  var ID_ATTRIBUTES = [
    ["doi", "doi"], ["arxiv-id", "arxiv"], ["handle", "handle"], ["isbn", "isbn"],
    ["uri", "uri"], ["pmid", "pmid"], ["urn", "urn"], ["nct-id", "nct"], ["id", "id"]
  ];
  var OPTIONS = [
    "badge-type", "badge-popover", "badge-details", "hide-no-mentions", "hide-less-than",
    "no-score", "link-target", "condensed", "template"
  ];
  var BADGE_TYPES = {
    "donut": 1, "medium-donut": 1, "large-donut": 1, "1": 1, "4": 1,
    "bar": 1, "medium-bar": 1, "large-bar": 1, "number": 1, "default": 1
  };
  var SIDES = { left: 1, right: 1, top: 1, bottom: 1 };
  var NAMES = ID_ATTRIBUTES.map(function (pair) { return pair[0]; }).concat(OPTIONS);
  // Class options, longest first so that "nct-id" wins over "id".
  var CLASS_NAMES = NAMES.slice().sort(function (a, b) { return b.length - a.length; });
  var COLOR = /^#[0-9a-fA-F]{6}$/;

  function scriptOrigin() {
    var script = document.currentScript;
    if (!script) {
      var all = document.getElementsByTagName("script");
      for (var i = all.length - 1; i >= 0; i--) {
        if (/\/embed\.js(\?|#|$)/.test(all[i].src || "")) {
          script = all[i];
          break;
        }
      }
    }
    try {
      return new URL(script.src, document.baseURI).origin;
    } catch (error) {
      return window.location.origin;
    }
  }

  var ORIGIN = scriptOrigin();

  function isTrue(value) {
    return value !== undefined && value !== null && value !== "false" && value !== "0";
  }

  /** The options of one element: CSS classes first, then data- attributes (which win). */
  function readOptions(element) {
    var options = {};
    var classes = (element.getAttribute("class") || "").split(/\s+/);
    classes.forEach(function (name) {
      var match = /^(?:altscope|altmetric)-(.+)$/.exec(name);
      if (!match) {
        return;
      }
      var rest = match[1];
      for (var i = 0; i < CLASS_NAMES.length; i++) {
        var option = CLASS_NAMES[i];
        if (rest === option) {
          options[option] = "true";
          return;
        }
        if (rest.indexOf(option + "-") === 0) {
          options[option] = rest.slice(option.length + 1);
          return;
        }
      }
    });
    NAMES.forEach(function (name) {
      var value = element.getAttribute("data-" + name);
      if (value !== null) {
        options[name] = value;
      }
    });
    return options;
  }

  function metaContent(names) {
    var tags = document.getElementsByTagName("meta");
    for (var n = 0; n < names.length; n++) {
      for (var i = 0; i < tags.length; i++) {
        var name = (tags[i].getAttribute("name") || "").toLowerCase();
        var content = (tags[i].getAttribute("content") || "").trim();
        if (name === names[n] && content) {
          return content;
        }
      }
    }
    return null;
  }

  /** {scheme, value} of an element: its identifier attribute, else the page's meta tags. */
  function identifierOf(options) {
    for (var i = 0; i < ID_ATTRIBUTES.length; i++) {
      var value = (options[ID_ATTRIBUTES[i][0]] || "").trim();
      if (value && value !== "true") {
        return { scheme: ID_ATTRIBUTES[i][1], value: value };
      }
    }
    var doi = metaContent(["citation_doi"]);
    if (doi) {
      return { scheme: "doi", value: doi };
    }
    var other = metaContent(["dc.identifier", "dc:identifier", "dcterms.identifier"]);
    return other ? { scheme: "any", value: other } : null;
  }

  function fire(element, what, detail) {
    ["altscope:", "altmetric:"].forEach(function (prefix) {
      var event;
      try {
        event = new CustomEvent(prefix + what, { bubbles: true, detail: detail });
      } catch (error) {
        event = document.createEvent("CustomEvent");
        event.initCustomEvent(prefix + what, true, false, detail);
      }
      element.dispatchEvent(event);
    });
  }

  function make(tag, styles, text) {
    var node = document.createElement(tag);
    for (var key in styles) {
      if (Object.prototype.hasOwnProperty.call(styles, key)) {
        node.style[key] = styles[key];
      }
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function detailsUrl(item, identifier) {
    if (item) {
      return ORIGIN + "/details/" + encodeURIComponent(String(parseInt(item.output_id, 10)));
    }
    var scheme = identifier.scheme === "any" ? "id" : identifier.scheme;
    return ORIGIN + "/details/lookup?" + encodeURIComponent(scheme) + "=" +
      encodeURIComponent(identifier.value);
  }

  function badgeUrl(item, identifier, options) {
    var path;
    if (item) {
      path = "/badge/id/" + encodeURIComponent(String(parseInt(item.output_id, 10))) + ".svg";
    } else {
      var scheme = identifier.scheme === "any" ? "any" : identifier.scheme;
      path = "/badge/" + encodeURIComponent(scheme) + "/" +
        encodeURIComponent(identifier.value).replace(/%2F/g, "/") + ".svg";
    }
    var type = (options["badge-type"] || "donut").toLowerCase();
    var query = ["type=" + encodeURIComponent(BADGE_TYPES[type] ? type : "donut")];
    if (isTrue(options["no-score"])) {
      query.push("hide_score=1");
    }
    if (isTrue(options["condensed"])) {
      query.push("condensed=1");
    }
    return ORIGIN + path + "?" + query.join("&");
  }

  /** The breakdown shown in a popover or next to the badge (text only, via textContent). */
  function breakdown(item, url, target) {
    var box = make("div", {
      background: "#ffffff", color: "#222222", border: "1px solid #cccccc",
      borderRadius: "4px", padding: "8px 10px", font: "13px/1.4 sans-serif",
      textAlign: "left", width: "240px", boxSizing: "border-box",
      boxShadow: "0 2px 8px rgba(0,0,0,0.2)"
    });
    box.className = "altscope-breakdown";
    if (item && item.title) {
      box.appendChild(make("div", { fontWeight: "bold", marginBottom: "4px" }, item.title));
    }
    var score = item ? "Attention score: " + item.score : "No attention tracked yet";
    box.appendChild(make("div", { marginBottom: "4px" }, score));
    var list = make("ul", { listStyle: "none", margin: "0 0 6px 0", padding: "0" });
    list.className = "altscope-sources";
    ((item && item.sources) || []).forEach(function (source) {
      var row = make("li", { margin: "2px 0" });
      row.setAttribute("data-source", String(source.key));
      var swatch = make("span", {
        display: "inline-block", width: "10px", height: "10px", marginRight: "6px",
        borderRadius: "2px", verticalAlign: "middle"
      });
      swatch.style.background = COLOR.test(source.color) ? source.color : "#9e9e9e";
      row.appendChild(swatch);
      row.appendChild(make("span", {}, source.name + ": " + source.posts));
      list.appendChild(row);
    });
    box.appendChild(list);
    var link = make("a", { color: "#0645ad" }, "See details");
    link.className = "altscope-details-link";
    link.href = url;
    if (target) {
      link.target = target;
      link.rel = "noopener";
    }
    box.appendChild(link);
    return box;
  }

  var POSITIONS = {
    right: { left: "100%", top: "0", marginLeft: "8px" },
    left: { right: "100%", top: "0", marginRight: "8px" },
    top: { bottom: "100%", left: "0", marginBottom: "8px" },
    bottom: { top: "100%", left: "0", marginTop: "8px" }
  };

  function addPopover(wrapper, anchor, item, url, side, target) {
    var popover = breakdown(item, url, target);
    popover.classList.add("altscope-popover");
    popover.setAttribute("role", "group");
    popover.setAttribute("aria-label", "altscope attention");
    popover.style.position = "absolute";
    popover.style.zIndex = "2147483000";
    popover.style.display = "none";
    var where = POSITIONS[side];
    for (var key in where) {
      if (Object.prototype.hasOwnProperty.call(where, key)) {
        popover.style[key] = where[key];
      }
    }
    wrapper.appendChild(popover);
    anchor.setAttribute("aria-expanded", "false");
    function show() {
      popover.style.display = "block";
      anchor.setAttribute("aria-expanded", "true");
    }
    function hide() {
      popover.style.display = "none";
      anchor.setAttribute("aria-expanded", "false");
    }
    wrapper.addEventListener("mouseenter", show);
    wrapper.addEventListener("mouseleave", function () {
      if (!wrapper.contains(document.activeElement)) {
        hide();
      }
    });
    wrapper.addEventListener("focusin", show);
    wrapper.addEventListener("focusout", function (event) {
      if (!event.relatedTarget || !wrapper.contains(event.relatedTarget)) {
        hide();
      }
    });
    wrapper.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        hide();
      }
    });
  }

  function hideBadge(element, reason, item) {
    element.setAttribute("data-altscope-state", "hidden");
    fire(element, "hide", { reason: reason, item: item || null });
  }

  function render(element, options, identifier, item) {
    var score = item ? item.score : 0;
    var posts = item ? item.posts : 0;
    if (isTrue(options["hide-no-mentions"]) && posts === 0) {
      return hideBadge(element, "no-mentions", item);
    }
    var threshold = parseFloat(options["hide-less-than"]);
    if (!isNaN(threshold) && score < threshold) {
      return hideBadge(element, "less-than", item);
    }
    if (isTrue(options["no-score"]) && score === 0) {
      return hideBadge(element, "no-score", item);
    }
    var url = detailsUrl(item, identifier);
    var target = options["link-target"];
    var wrapper = make("span", { position: "relative", display: "inline-block" });
    wrapper.className = "altscope-badge";
    var anchor = make("a", { display: "inline-block", lineHeight: "0" });
    anchor.href = url;
    if (target) {
      anchor.target = target;
      anchor.rel = "noopener";
    }
    var image = make("img", { border: "0" });
    image.decoding = "async";
    image.referrerPolicy = "no-referrer";
    image.src = badgeUrl(item, identifier, options);
    image.alt = item ? "altscope attention score " + score : "altscope: no attention tracked yet";
    anchor.setAttribute("aria-label", image.alt);
    anchor.appendChild(image);
    wrapper.appendChild(anchor);
    var side = (options["badge-popover"] || "").toLowerCase();
    var details = (options["badge-details"] || "").toLowerCase();
    if (SIDES[details]) {
      var box = breakdown(item, url, target);
      box.style.display = "inline-block";
      box.style.verticalAlign = "top";
      box.style.margin = details === "left" ? "0 8px 0 0" : "0 0 0 8px";
      element.textContent = "";
      if (details === "left") {
        element.appendChild(box);
        element.appendChild(wrapper);
      } else {
        element.appendChild(wrapper);
        element.appendChild(box);
      }
    } else {
      if (SIDES[side]) {
        addPopover(wrapper, anchor, item, url, side, target);
      }
      element.textContent = "";
      element.appendChild(wrapper);
    }
    element.setAttribute("data-altscope-state", "shown");
    fire(element, "show", { item: item || null });
  }

  /** Fetch JSON for many identifiers, BATCH per request, MAX_CONCURRENT requests at once. */
  function fetchAll(keys) {
    var chunks = [];
    for (var i = 0; i < keys.length; i += BATCH) {
      chunks.push(keys.slice(i, i + BATCH));
    }
    var results = {};
    var next = 0;
    function worker() {
      if (next >= chunks.length) {
        return Promise.resolve();
      }
      var chunk = chunks[next++];
      var query = chunk.map(function (key) { return "id=" + encodeURIComponent(key); });
      return fetch(ORIGIN + "/badge/data?" + query.join("&"), {
        credentials: "omit", mode: "cors", referrerPolicy: "no-referrer"
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("altscope: " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          chunk.forEach(function (key) {
            results[key] = { item: (data.items || {})[key] || null,
                             error: (data.errors || {})[key] || null };
          });
        }, function () {
          chunk.forEach(function (key) {
            results[key] = { item: null, error: "request failed" };
          });
        })
        .then(worker);
    }
    var workers = [];
    for (var w = 0; w < Math.min(MAX_CONCURRENT, chunks.length); w++) {
      workers.push(worker());
    }
    return Promise.all(workers).then(function () { return results; });
  }

  function elementsIn(container) {
    var root = container;
    if (typeof container === "string") {
      root = document.querySelector(container);
    } else if (container && container.jquery) {
      root = container[0];
    }
    root = root || document;
    var found = Array.prototype.slice.call(root.querySelectorAll(SELECTOR));
    if (root.matches && root.matches(SELECTOR)) {
      found.unshift(root);
    }
    return found;
  }

  /** Scan ``container`` (element, selector or nothing = the document) for new badges. */
  function init(container) {
    var pending = [];
    elementsIn(container).forEach(function (element) {
      if (element.getAttribute("data-altscope-state")) {
        return;
      }
      var options = readOptions(element);
      var identifier = identifierOf(options);
      if (!identifier) {
        hideBadge(element, "no-identifier", null);
        return;
      }
      element.setAttribute("data-altscope-state", "loading");
      pending.push({ element: element, options: options, identifier: identifier,
                     key: identifier.scheme + ":" + identifier.value });
    });
    var keys = [];
    var seen = {};
    pending.forEach(function (badge) {
      if (!seen[badge.key]) {
        seen[badge.key] = true;
        keys.push(badge.key);
      }
    });
    if (!keys.length) {
      return Promise.resolve(0);
    }
    return fetchAll(keys).then(function (results) {
      pending.forEach(function (badge) {
        var result = results[badge.key] || { item: null, error: "missing" };
        if (result.error) {
          badge.element.setAttribute("data-altscope-error", result.error);
          hideBadge(badge.element, "invalid-identifier", null);
          return;
        }
        render(badge.element, badge.options, badge.identifier, result.item);
      });
      return pending.length;
    });
  }

  var api = { init: init, origin: ORIGIN, version: "1" };
  window.altscope = api;
  if (typeof window._altmetric_embed_init !== "function") {
    window._altmetric_embed_init = init;
  }
  api.ready = new Promise(function (resolve) {
    function start() {
      init().then(resolve, resolve);
    }
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", start);
    } else {
      start();
    }
  });
})();
