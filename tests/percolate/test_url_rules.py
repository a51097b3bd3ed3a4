"""URL rules: every shipped rule's own examples, tricky URL spellings, the engine and its errors."""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from altscope.ids import Identifier, parse
from altscope.percolate import rules as rules_module
from altscope.percolate.rules import (
    RuleError,
    RuleMatch,
    RuleSet,
    apply_rules,
    check_examples,
    check_rule,
    default_rules,
    load_rules,
    parse_rules,
    rules_markdown,
)

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = Path(
    os.environ.get("ALTSCOPE_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance")
)
SHIPPED = default_rules()


def only(url: str, rules: RuleSet | None = None) -> RuleMatch:
    matches = apply_rules(url, rules)
    assert len(matches) == 1, f"{url}: {matches}"
    return matches[0]


# --- every rule carries its own tests --------------------------------------------------------


@pytest.mark.parametrize("rule", SHIPPED.rules, ids=lambda rule: rule.name)
def test_rule_examples(rule):
    assert rule.examples, f"rule {rule.name} has no examples"
    assert rule.no_match, f"rule {rule.name} has no no_match URL"
    assert check_rule(SHIPPED, rule) == []


def test_check_rule_catches_a_wrong_example_a_missing_test_and_a_shadowed_rule():
    rules = parse_rules(
        """
        [[rules]]
        name = "catch-all"
        hosts = ["example.org"]
        path = '/a/.*'
        lookup = "needs-landing-page"
        examples = [{ url = "https://example.org/a/1", expect = "needs-landing-page" }]
        no_match = ["https://example.org/a/2"]

        [[rules]]
        name = "shadowed"
        hosts = ["example.org"]
        path = '/a/(?P<n>\\d+)'
        scheme = "pmid"
        value = "{n}"
        examples = [{ url = "https://example.org/a/5", expect = "pmid:5" }]

        [[rules]]
        name = "wrong"
        hosts = ["example.net"]
        path = '/p/(?P<n>\\d+)'
        scheme = "pmid"
        value = "{n}"
        examples = [{ url = "https://example.net/p/5", expect = "pmid:6" }]
        no_match = ["https://example.net/q/5"]
        """
    )
    problems = "\n".join(check_examples(rules))
    assert "rule 'catch-all': matched its no_match URL https://example.org/a/2" in problems
    assert "rule 'shadowed': has no no_match URL" in problems
    assert "rule 'shadowed': example https://example.org/a/5: expected" in problems
    assert "rule 'wrong': example https://example.net/p/5" in problems


def test_issue_coverage_every_required_site_has_a_rule():
    # Issue 3, item 2: the sites the URL rules must cover.
    required = [
        "arxiv", "pubmed", "pubmed-legacy", "pmc", "pmc-new", "europepmc-med", "europepmc-pmc",
        "biorxiv-medrxiv", "nature-article", "science", "cell", "plos", "wiley", "springer",
        "bmc-springeropen", "sciencedirect", "taylor-francis", "sage", "oup-doi", "oup-article",
        "acs", "ieee", "acm", "jama", "nejm", "bmj-article", "lancet", "frontiers", "mdpi",
        "elife", "peerj", "zenodo", "figshare", "osf", "ssrn", "repec-ideas", "dspace-handle",
        "eprints", "openlibrary-isbn", "google-books-vid", "google-books-isbn", "clinicaltrials",
    ]  # fmt: skip
    missing = [name for name in required if SHIPPED.get(name) is None]
    assert missing == []


def test_docs_list_of_covered_sites_is_up_to_date():
    doc = (ROOT / "docs" / "url-rules.md").read_text("utf-8")
    found = re.search(r"<!-- rules-table:start -->\n(.*)<!-- rules-table:end -->", doc, re.S)
    assert found, "docs/url-rules.md lost its rules-table markers"
    assert found.group(1) == rules_markdown(SHIPPED), (
        "regenerate with: .venv/bin/python -m altscope.percolate.rules --markdown"
    )


# --- tricky spellings of the same URL --------------------------------------------------------

NATURE = Identifier("doi", "10.1038/s41586-020-2012-7")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.nature.com/articles/s41586-020-2012-7",
        "http://www.nature.com/articles/s41586-020-2012-7",  # http
        "https://nature.com/articles/s41586-020-2012-7",  # no www.
        "https://m.nature.com/articles/s41586-020-2012-7",  # mobile host
        "HTTPS://WWW.NATURE.COM/articles/s41586-020-2012-7",  # upper-case host and scheme
        "https://www.nature.com./articles/s41586-020-2012-7",  # trailing dot
        "https://www.nature.com:443/articles/s41586-020-2012-7",  # default port
        "https://www.nature.com/articles/s41586-020-2012-7/",  # trailing slash
        "https://www.nature.com/articles/s41586-020-2012-7#Abs1",  # fragment
        "https://www.nature.com/articles/s41586-020-2012-7?utm_source=twitter&utm_medium=social",
        "https://www.nature.com/articles/s41586-020-2012-7?WT.mc_id=TWT&fbclid=abc",
        "https://www.nature.com/articles/s41586-020-2012-7;jsessionid=ABC123",
        "  https://www.nature.com/articles/s41586-020-2012-7\n",  # whitespace around
    ],
)
def test_spellings_of_one_nature_url(url):
    match = only(url)
    assert (match.rule, match.identifier, match.lookup) == ("nature-article", NATURE, None)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # arXiv: every version and form names the same work
        ("https://arxiv.org/abs/2101.00001v2", "arXiv:2101.00001"),
        ("https://arxiv.org/pdf/2101.00001v12.pdf", "arXiv:2101.00001"),
        ("https://arxiv.org/pdf/2101.00001/", "arXiv:2101.00001"),
        ("https://ARXIV.ORG/abs/hep-th/9901001v27", "arXiv:hep-th/9901001"),
        # bioRxiv / medRxiv versions and views: the unversioned DOI
        (
            "https://www.biorxiv.org/content/10.1101/2020.03.01.972935v2",
            "10.1101/2020.03.01.972935",
        ),
        (
            "https://www.biorxiv.org/content/10.1101/2020.03.01.972935v3.full.pdf+html",
            "10.1101/2020.03.01.972935",
        ),
        (
            "https://www.medrxiv.org/content/medrxiv/early/2020/04/03/2020.03.30.20047894.full.pdf",
            "10.1101/2020.03.30.20047894",
        ),
        # URL-encoded DOIs in the path and in the query
        (
            "http://link.springer.com/article/10.1007%2Fs00423-015-1364-1",
            "10.1007/s00423-015-1364-1",
        ),
        (
            "https://link.springer.com/article/10.1007%2fs00423-015-1364-1",
            "10.1007/s00423-015-1364-1",
        ),
        (
            "https://journals.plos.org/plosone/article?id=10.1371%2Fjournal.pone.0000030",
            "10.1371/journal.pone.0000030",
        ),
        (
            "https://journals.plos.org/plosone/article?id=info%3Adoi%2F10.1371%2Fjournal.pone.0000030",
            "10.1371/journal.pone.0000030",
        ),
        (
            "https://onlinelibrary.wiley.com/doi/10.1002/%28SICI%291097-4571%28199806%2949%3A8%3C693%3A%3AAID-ASI4%3E3.0.CO%3B2-0",
            "10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0",
        ),
        # DOIs are case-insensitive: normal form is lower case
        (
            "https://www.nejm.org/doi/full/10.1056/NEJMoa2001017?query=featured_home",
            "10.1056/nejmoa2001017",
        ),
        # publisher tails after the DOI
        (
            "https://onlinelibrary.wiley.com/doi/10.1111/j.1365-2958.2006.05172.x/abstract",
            "10.1111/j.1365-2958.2006.05172.x",
        ),
        (
            "https://link.springer.com/article/10.1007/s00423-015-1364-1/fulltext.html",
            "10.1007/s00423-015-1364-1",
        ),
        (
            "https://www.tandfonline.com/doi/full/10.1080/01621459.2017.1285773/",
            "10.1080/01621459.2017.1285773",
        ),
        # hootsuite and other social tails
        (
            "http://link.springer.com/article/10.1007/s11906-017-0700-y?platform=hootsuite",
            "10.1007/s11906-017-0700-y",
        ),
    ],
)
def test_tricky_urls(url, expected):
    match = only(url)
    assert match.identifier == parse(expected)


def test_pii_rules_ask_for_a_lookup_and_other_rules_do_not():
    match = only(
        "https://www.thelancet.com/journals/lancet/article/PIIS0140-6736(20)30183-5/fulltext"
    )
    assert match.identifier == Identifier("pii", "S0140673620301835")
    assert match.lookup == "pii-to-doi"
    assert only("https://peerj.com/articles/4375/").lookup is None
    for rule in SHIPPED:
        assert (rule.lookup == "pii-to-doi") == (rule.scheme == "pii"), rule.name


def test_needs_landing_page_has_no_identifier():
    match = only("https://jamanetwork.com/journals/jama/fullarticle/2762130?utm_campaign=x")
    assert match == RuleMatch(
        "jama",
        None,
        "needs-landing-page",
        "https://jamanetwork.com/journals/jama/fullarticle/2762130",
    )


def test_match_reports_the_normalised_url():
    match = only("HTTP://WWW.PubMed.ncbi.nlm.nih.gov/31452104/?utm_source=x#top")
    assert match.url == "http://www.pubmed.ncbi.nlm.nih.gov/31452104/"
    assert match.identifier == Identifier("pmid", "31452104")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.nature.com/subjects/biology",
        "https://example.com/articles/s41586-020-2012-7",  # a rule's path on another host
        "https://notnature.com/articles/s41586-020-2012-7",  # a host that ends like a rule host
        "https://nature.com.evil.example/articles/s41586-020-2012-7",
        "https://arxiv.org.evil.example/abs/2101.00001",
        "https://sandbox.zenodo.org/records/123",
        "https://books.google.evil.example/books?vid=ISBN9780262033848",
        "ftp://arxiv.org/abs/2101.00001",
        "arxiv.org/abs/2101.00001",  # not absolute
        "https://",
        "not a url at all",
        "",
        "https://repository.example.org/handle/123456789/42",  # DSpace's unregistered default
    ],
)
def test_no_match(url):
    assert apply_rules(url) == []


def test_non_string_and_huge_input_give_nothing():
    assert apply_rules(None) == []  # type: ignore[arg-type]
    assert apply_rules(b"https://arxiv.org/abs/2101.00001") == []  # type: ignore[arg-type]
    assert apply_rules("https://arxiv.org/abs/2101.00001?" + "a=1&" * 5000) == []


def test_an_invalid_identifier_yields_nothing_and_is_logged(caplog):
    caplog.set_level(logging.INFO, logger="altscope.percolate.rules")
    # 0262033845: the ISBN-10 check digit is wrong (the valid one ends in 4)
    assert apply_rules("https://openlibrary.org/isbn/0262033845") == []
    assert any(
        "openlibrary-isbn" in record.getMessage() and "isbn" in record.getMessage()
        for record in caplog.records
    )


def test_handles_on_any_host_but_host_rules_first():
    match = only("https://repo.example.edu/xmlui/bitstream/handle/2292/54321/paper.pdf?sequence=1")
    assert (match.rule, match.identifier) == (
        "dspace-bitstream",
        Identifier("handle", "2292/54321"),
    )
    # a host with its own rules still gets the any-host rules when none of its own match
    match = only("https://www.nature.com/handle/1721.1/12345")
    assert match.rule == "dspace-handle"


# --- the host index --------------------------------------------------------------------------


def test_host_index_offers_only_the_hosts_rules():
    index = SHIPPED._index
    anywhere = {rule.name for rule in index.anywhere}
    assert anywhere == {"dspace-handle", "dspace-bitstream", "eprints"}

    def names(host):
        return [rule.name for rule in index.candidates(host)]

    assert names("www.nature.com")[:3] == ["nature-article", "nature-doifinder", "nature-legacy"]
    assert set(names("www.nature.com")) - anywhere == {
        "nature-article",
        "nature-doifinder",
        "nature-legacy",
    }
    assert set(names("agupubs.onlinelibrary.wiley.com")) - anywhere == {"wiley"}
    assert set(names("books.google.com.au")) - anywhere == {"google-books-vid", "google-books-isbn"}
    assert set(names("example.com")) == anywhere
    assert set(names("com")) == anywhere


# --- loading, validation and user rules ------------------------------------------------------

GOOD = """
[[rules]]
name = "demo"
hosts = ["repo.example.org"]
path = '/item/(?P<n>\\d+)'
scheme = "doi"
value = "10.5072/demo.{n}"
examples = [{ url = "https://repo.example.org/item/7", expect = "doi:10.5072/demo.7" }]
no_match = ["https://repo.example.org/about"]
"""


def test_parse_rules_accepts_a_good_table():
    rules = parse_rules(GOOD)
    assert len(rules) == 1
    assert only("https://repo.example.org/item/7", rules).identifier == Identifier(
        "doi", "10.5072/demo.7"
    )
    assert check_examples(rules) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("path = '/item/(?P<n>\\d+)'", "path = '/item/(?P<n>\\d+'"),
            "rule 'demo': bad regular expression in path",
        ),
        (('value = "10.5072/demo.{n}"', 'value = "10.5072/demo.{m}"'), "groups ['m']"),
        (('value = "10.5072/demo.{n}"', 'value = "10.5072/demo.{n!r}"'), "plain {group} fields"),
        (('value = "10.5072/demo.{n}"', 'value = "10.5072/demo.{n"'), "bad value template"),
        (('scheme = "doi"', 'scheme = "wos"'), "scheme 'wos' is not one of"),
        (('scheme = "doi"', 'scheme = "doi"\nlookup = "maybe"'), "lookup 'maybe'"),
        (
            ('scheme = "doi"', 'scheme = "doi"\nlookup = "needs-landing-page"'),
            "yields no scheme/value",
        ),
        (('scheme = "doi"', 'scheme = "doi"\nlookup = "pii-to-doi"'), "needs scheme 'pii'"),
        (
            ('hosts = ["repo.example.org"]', 'hosts = ["https://repo.example.org"]'),
            "is not a lower-case host",
        ),
        (('hosts = ["repo.example.org"]', 'hosts = ["www.example.org"]'), "leave out 'www.'"),
        (
            ('hosts = ["repo.example.org"]', 'hosts = ["Repo.example.org"]'),
            "is not a lower-case host",
        ),
        (('hosts = ["repo.example.org"]', 'hosts = ["*.example.*"]'), "not both"),
        (('hosts = ["repo.example.org"]', "hosts = []"), "'hosts' must be a non-empty list"),
        (('name = "demo"', 'name = "Demo Rule"'), "'name' must be lower-case-with-hyphens"),
        (('scheme = "doi"', 'scheme = "doi"\npriority = 3'), "unknown keys ['priority']"),
        (("no_match = [", "no_match = 3 #"), "'no_match' must be a list"),
        (("examples = [{ url", "examples = [{ href"), "must have exactly 'url' and 'expect'"),
        (('hosts = ["repo.example.org"]', 'hosts = ["*"]'), "needs 'contains'"),
        (('scheme = "doi"', 'scheme = "doi"\ncontains = ["/Item/"]'), "'contains' must be"),
        (("[[rules]]", "[[rule]]"), "unknown top-level keys ['rule']"),
        (("[[rules]]", "[[rules"), "not valid TOML"),
    ],
)
def test_bad_tables_are_refused_with_the_rule_named(change, message):
    old, new = change
    assert old in GOOD
    with pytest.raises(RuleError) as error:
        parse_rules(GOOD.replace(old, new, 1), "mine.toml")
    assert message in str(error.value)
    assert str(error.value).startswith("mine.toml")


def test_contains_is_a_prefilter_on_the_decoded_url():
    rules = parse_rules(
        GOOD.replace('hosts = ["repo.example.org"]', 'hosts = ["*"]\ncontains = ["/item/"]')
    )
    assert only("https://any.example/item/7", rules).rule == "demo"
    assert only("https://any.example/%49tem/7".replace("%49tem", "%69tem"), rules).rule == "demo"
    assert apply_rules("https://any.example/items/7", rules) == []


def test_internationalised_hosts_reach_their_rules():
    rules = parse_rules(GOOD.replace("repo.example.org", "xn--bcher-kva.example"))
    assert only("https://Bücher.example/item/7", rules).rule == "demo"


def test_a_name_used_twice_is_refused():
    with pytest.raises(RuleError, match="rule 'demo': the name is used twice"):
        parse_rules(GOOD + GOOD)


def test_user_rules_come_first_and_replace_shipped_rules_by_name(tmp_path):
    extra = tmp_path / "rules.toml"
    extra.write_text(
        GOOD
        + """
[[rules]]
name = "nature-article"
publisher = "Nature, my way"
hosts = ["nature.com"]
path = '/articles/(?P<id>.+)'
lookup = "needs-landing-page"
examples = [{ url = "https://www.nature.com/articles/x1", expect = "needs-landing-page" }]
no_match = ["https://www.nature.com/subjects"]
""",
        "utf-8",
    )
    rules = load_rules(extra)
    assert len(rules) == len(SHIPPED) + 1
    assert only("https://repo.example.org/item/7", rules).rule == "demo"
    replaced = only("https://www.nature.com/articles/s41586-020-2012-7", rules)
    assert (replaced.rule, replaced.identifier, replaced.lookup) == (
        "nature-article",
        None,
        "needs-landing-page",
    )
    assert rules.get("nature-article").publisher == "Nature, my way"
    # the shipped set is untouched
    assert only("https://www.nature.com/articles/s41586-020-2012-7").identifier == NATURE
    assert check_examples(rules) == []


def test_missing_user_file_is_a_clear_error(tmp_path):
    with pytest.raises(RuleError, match="cannot read URL rules"):
        load_rules(tmp_path / "nope.toml")


def test_default_rules_are_loaded_once():
    assert default_rules() is default_rules()
    assert load_rules() is default_rules()


def test_command_line_check_and_markdown(tmp_path, capsys):
    assert rules_module.main([]) == 0
    assert f"{len(SHIPPED)} rules, 0 problems" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace('expect = "doi:10.5072/demo.7"', 'expect = "doi:10.5072/x"'))
    assert rules_module.main([str(bad)]) == 1
    assert "rule 'demo': example" in capsys.readouterr().err
    broken = tmp_path / "broken.toml"
    broken.write_text("[[rules]]\nname = 1\n")
    assert rules_module.main([str(broken)]) == 2
    assert rules_module.main(["--markdown"]) == 0
    assert capsys.readouterr().out == rules_markdown(SHIPPED)


# --- properties ------------------------------------------------------------------------------

_HOSTS = sorted(
    {h.removeprefix("*.").replace(".*", ".com") for rule in SHIPPED for h in rule.hosts} - {"*"}
)


@settings(max_examples=300, deadline=None)
@given(
    host=st.sampled_from(_HOSTS),
    path=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=80),
    query=st.text(max_size=40),
)
def test_any_url_on_a_rule_host_gives_a_valid_result_or_nothing(host, path, query):
    url = f"https://{host}/{path}?{query}"
    for match in apply_rules(url):
        assert match.lookup in (None, "pii-to-doi", "needs-landing-page")
        if match.identifier is None:
            assert match.lookup == "needs-landing-page"
        else:
            assert parse(match.identifier.value, match.identifier.scheme) == match.identifier


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_raises(text):
    assert isinstance(apply_rules(text), list)


# --- conformance: the URL cases of ../shared/conformance/url_to_id ---------------------------


def _conformance_cases(kinds: set[str]) -> list[dict]:
    manifest = CONFORMANCE / "url_to_id" / "manifest.json"
    if not manifest.is_file():
        return []
    return [case for case in json.loads(manifest.read_text("utf-8")) if case["kind"] in kinds]


def test_conformance_url_cases():
    cases = _conformance_cases({"url_to_doi", "url_to_doi_needs_page"})
    if not cases:
        pytest.skip(f"conformance data not found under {CONFORMANCE}")
    ruled = 0
    for case in cases:
        matches = apply_rules(case["input"])
        if not matches:
            continue  # no rule for this host: the earlier rungs (url-id) or the page decide
        ruled += 1
        match = matches[0]
        expected = case["expected"]
        if match.lookup == "needs-landing-page":
            assert case["kind"] == "url_to_doi_needs_page", case["id"]
        elif match.lookup == "pii-to-doi":
            assert match.identifier == parse(expected["pii"], "pii"), case["id"]
        else:  # an identifier from the address alone must be the expected DOI
            assert match.identifier == parse(expected["doi"], "doi"), case["id"]
    assert ruled >= 8  # Springer x2, Wiley, PLOS x2, Elsevier API, BMJ, Nature, Hindawi
