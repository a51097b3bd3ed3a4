// altscope bookmarklet (docs/badges.md): finds the identifiers of the article on this page
// (meta tags, a DOI in the address, an arXiv address) and opens altscope's details page.
// The server minifies this file into a javascript: URL: every statement ends with a
// semicolon and comments stay on lines of their own.
(function () {
  var origin = "__ALTSCOPE_ORIGIN__";
  var params = [];
  var seen = {};
  function add(name, value) {
    value = (value || "").trim().slice(0, 1000);
    if (!value || seen[name + "=" + value]) {
      return;
    }
    seen[name + "=" + value] = true;
    params.push(encodeURIComponent(name) + "=" + encodeURIComponent(value));
  }
  function meta(names, param) {
    var tags = document.getElementsByTagName("meta");
    for (var i = 0; i < tags.length; i++) {
      var name = (tags[i].getAttribute("name") || tags[i].getAttribute("property") || "");
      if (names.indexOf(name.toLowerCase()) >= 0) {
        add(param, tags[i].getAttribute("content"));
      }
    }
  }
  meta(["citation_doi", "prism.doi", "bepress_citation_doi", "dc.identifier.doi"], "doi");
  meta(["citation_pmid"], "pmid");
  meta(["citation_arxiv_id"], "arxiv");
  meta(["citation_isbn"], "isbn");
  meta(["dc.identifier", "dc:identifier", "dcterms.identifier"], "id");
  var path = location.pathname;
  try {
    path = decodeURIComponent(path);
  } catch (error) {
    path = location.pathname;
  }
  var doi = /10\.\d{4,9}\/[^\s"'<>?#]+/.exec(path + location.search);
  if (doi) {
    add("doi", doi[0].replace(/[.,;)\]]+$/, "").replace(/\/(full|abstract|pdf|epdf)$/, ""));
  }
  if (/(^|\.)arxiv\.org$/.test(location.hostname)) {
    var arxiv = /\/(?:abs|pdf)\/(.+?)(?:\.pdf)?$/.exec(location.pathname);
    if (arxiv) {
      add("arxiv", arxiv[1]);
    }
  }
  add("url", location.href);
  location.assign(origin + "/details/lookup?" + params.join("&"));
})();
