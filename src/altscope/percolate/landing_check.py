"""Judge a landing page for a repository manager: can altscope (and Google Scholar, Zotero,
Crossref's percolator) track it reliably, and what should be added?

`assess(meta)` turns a `LandingMeta` into a verdict and a list of advice, most serious first:

- ``good``: a DOI declared in `citation_doi`, with title, authors, date and a canonical link;
- ``trackable``: a usable DOI is declared (or, without a DOI, another identifier such as a
  PMID, arXiv id or Handle), but something recommended is missing;
- ``weak``: no usable DOI is declared (only another identifier, a DOI only in the body or in
  URLs, an example-prefix DOI, or conflicting DOIs): matching depends on luck or on rules;
- ``untrackable``: nothing identifies the work;
- ``error``: the page is an error page, not a landing page.
"""

from __future__ import annotations

from dataclasses import dataclass

from altscope.percolate.landing import BODY, META, URL, LandingMeta

__all__ = ["Advice", "Assessment", "assess"]

PROBLEM = "problem"  # tracking fails or is unreliable without it
WARNING = "warning"  # recommended by Google Scholar's inclusion guidelines or altscope
INFO = "info"  # worth knowing, may be intended
_LEVEL_ORDER = {PROBLEM: 0, WARNING: 1, INFO: 2}

_DOI_TAG = '<meta name="citation_doi" content="{doi}">'


@dataclass(frozen=True, slots=True)
class Advice:
    level: str
    message: str


@dataclass(frozen=True, slots=True)
class Assessment:
    verdict: str
    summary: str
    advice: tuple[Advice, ...]


def _highwire(meta: LandingMeta) -> set[str]:
    return {name.lower() for name in meta.tags.get("highwire", ())}


def _doi_advice(meta: LandingMeta, advice: list[Advice]) -> None:
    declared = meta.declared_doi
    if declared is None:
        body = meta.with_strength(BODY)
        in_urls = [found for found in meta.with_strength(URL) if found.identifier.scheme == "doi"]
        if in_urls:
            found = in_urls[0]
            advice.append(
                Advice(
                    PROBLEM,
                    f"DOI {found.identifier.value} only appears inside a URL "
                    f"({', '.join(found.sources)}): declare it with "
                    + _DOI_TAG.format(doi=found.identifier.value),
                )
            )
        elif body:
            shown = ", ".join(found.identifier.value for found in body[:3])
            more = f" and {len(body) - 3} more" if len(body) > 3 else ""
            advice.append(
                Advice(
                    PROBLEM,
                    f"DOI only in the body ({shown}{more}): body DOIs may name cited works and "
                    "are not trusted; declare the page's own DOI with "
                    + _DOI_TAG.format(doi="10.…"),
                )
            )
        else:
            other = any(found.strength == META for found in meta.identifiers)
            advice.append(
                Advice(
                    WARNING if other else PROBLEM,
                    "no citation_doi: if the work has a DOI, add " + _DOI_TAG.format(doi="10.…"),
                )
            )
        return
    doi = declared.identifier.value
    if declared.example_prefix:
        advice.append(
            Advice(
                PROBLEM,
                f"DOI {doi} uses an example/test prefix ({doi.split('/', 1)[0]}): "
                "it is never matched; declare the registered DOI",
            )
        )
    if meta.ambiguous_doi:
        dois = ", ".join(
            found.identifier.value
            for found in meta.identifiers
            if found.strength == META and found.identifier.scheme == "doi"
        )
        advice.append(
            Advice(PROBLEM, f"different DOIs are declared with equal weight ({dois}): ambiguous")
        )
    elif meta.conflicting_dois:
        others = ", ".join(identifier.value for identifier in meta.conflicting_dois)
        advice.append(
            Advice(
                WARNING,
                f"other DOIs are declared besides {doi} ({others}): make sure they name this work",
            )
        )
    if "citation_doi" not in _highwire(meta):
        advice.append(
            Advice(
                WARNING,
                f"DOI declared only in {', '.join(declared.sources)}: also add "
                + _DOI_TAG.format(doi=doi)
                + " (read by Google Scholar, Zotero and most trackers)",
            )
        )


def _tag_advice(meta: LandingMeta, advice: list[Advice]) -> None:
    highwire = _highwire(meta)
    required = (
        ("citation_title", 'citation_title missing: add <meta name="citation_title" content="…">'),
        (
            "citation_author",
            'citation_author missing: add one <meta name="citation_author"> per author',
        ),
    )
    for tag, message in required:
        if tag not in highwire and not (
            tag == "citation_author" and "citation_authors" in highwire
        ):
            advice.append(Advice(WARNING, message))
    if not highwire & {"citation_publication_date", "citation_date", "citation_online_date"}:
        advice.append(
            Advice(WARNING, 'citation_publication_date missing (e.g. content="2024/05/17")')
        )
    if "canonical" not in meta.tags:
        source = "og:url is used instead" if meta.canonical_source == "og:url" else "none found"
        advice.append(
            Advice(
                WARNING,
                f'no canonical link ({source}): add <link rel="canonical" href="…"> so that '
                "copies and URLs with tracking parameters are recognised as this page",
            )
        )
    elif meta.canonical_url is None:
        advice.append(
            Advice(
                WARNING,
                "canonical links are present but unusable (empty, relative without "
                "a page URL, or several that disagree)",
            )
        )
    if meta.canonical_matches_page_url is False:
        advice.append(
            Advice(
                INFO,
                f"canonical URL {meta.canonical_url} differs from the page URL {meta.page_url}",
            )
        )


def assess(meta: LandingMeta) -> Assessment:
    """The verdict and advice for one page."""
    if meta.error:
        return Assessment(
            "error",
            f"not a landing page: {meta.error}",
            (Advice(PROBLEM, f"the page is {meta.error}: nothing on it is tracked"),),
        )
    advice: list[Advice] = []
    _doi_advice(meta, advice)
    _tag_advice(meta, advice)
    advice.extend(Advice(WARNING, note) for note in meta.notes)
    advice.sort(key=lambda item: _LEVEL_ORDER[item.level])

    doi = meta.doi
    declared = [found for found in meta.identifiers if found.strength == META]
    others = [found for found in declared if found.identifier.scheme != "doi"]
    fine = not any(item.level in (PROBLEM, WARNING) for item in advice)
    if doi is not None:
        sources = meta.declared_doi.sources  # type: ignore[union-attr]
        where = ", ".join(sources[:3]) + (
            f" and {len(sources) - 3} more" if len(sources) > 3 else ""
        )
        verdict = "good" if fine else "trackable"
        summary = f"DOI {doi.value} declared in {where}"
    elif others and meta.declared_doi is None:
        verdict = "trackable"
        shown = "; ".join(
            f"{found.identifier} in {', '.join(found.sources)}" for found in others[:3]
        )
        summary = f"no DOI; declared {shown}"
    elif declared or meta.identifiers:
        verdict = "weak"
        seen = declared or meta.identifiers
        shown = ", ".join(str(found.identifier) for found in seen[:3])
        summary = f"no usable DOI declared; found {shown}"
    else:
        verdict = "untrackable"
        summary = "no identifier found on the page"
    return Assessment(verdict, summary, tuple(advice))
