"""Identifiers of registries and catalogues: OpenAlex, Wikidata, SWHID, ASCL and EAN-13.

These are parse/validate/normalise/resolve schemes only: ``find_identifiers`` does not look for
them in free text (``Q5``-like codes would flood it with false matches).

- OpenAlex: ``W2741809807`` (W works, A authors, S sources, I institutions, C concepts, P
  publishers, F funders, T topics + digits), ``openalex:``, openalex.org URLs; resolver
  ``https://openalex.org/<id>``.
- Wikidata: ``Q303``, ``wikidata:``, www.wikidata.org ``/wiki/`` and ``/entity/`` URLs; resolver
  ``https://www.wikidata.org/entity/<id>``.
- SWHID (Software Heritage): ``swh:1:<cnt|dir|rev|rel|snp>:<40 hex>`` plus qualifiers
  ``;origin=<url>;visit=<snp SWHID>;anchor=<SWHID>;path=/…;lines=N[-M]`` in any order; kept as
  written (hex lower-cased); resolver ``https://archive.softwareheritage.org/<swhid>``.
- ASCL: ``ascl:1908.011``, ascl.net URLs; resolver ``https://ascl.net/<YYMM.NNN>``.
- EAN-13: 13 digits with the GS1 check digit (hyphens/spaces allowed); no resolver. Every
  ISBN-13 is also an EAN-13.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from altscope.ids.checksums import is_valid_ean13

_OPENALEX_RE = re.compile(
    r"\A(?:openalex:\s?|(?:https?://)?(?:www\.)?openalex\.org/(?:works/|authors/|sources/"
    r"|institutions/|concepts/|publishers/|funders/|topics/)?)?([WASICPFT][1-9]\d*)/?\Z",
    re.I,
)
_WIKIDATA_RE = re.compile(
    r"\A(?:wikidata:\s?|(?:https?://)?(?:www\.)?wikidata\.org/(?:wiki|entity)/)?(Q[1-9]\d*)/?\Z"
)
_ASCL_RE = re.compile(
    r"\A(?:ascl:\s?|(?:https?://)?(?:www\.)?ascl\.net/)(\d{4}\.\d{3,4})/?\Z", re.I
)
_EAN13_RE = re.compile(r"\A(?:ean(?:-?13)?:?\s?)?(\d(?:[-\s]?\d){12})\Z", re.I)

_SWH_CORE = r"swh:1:(?:cnt|dir|rev|rel|snp):[0-9a-fA-F]{40}"
_SWH_CORE_RE = re.compile(rf"\A{_SWH_CORE}\Z")
_SWH_SNAPSHOT_RE = re.compile(r"\Aswh:1:snp:[0-9a-fA-F]{40}\Z")
_SWH_LINES_RE = re.compile(r"\A[1-9]\d*(?:-[1-9]\d*)?\Z")
# RFC 3986 characters a URL may hold, with "%" only as the start of an escape.
_URL_CHARS_RE = re.compile(r"\A(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,=]|%[0-9A-Fa-f]{2})+\Z")
_SWH_URL_RE = re.compile(
    r"\A(?:https?://)?(?:archive\.softwareheritage\.org/(?:browse/)?)(swh:.*)\Z"
)


def normalize_openalex(text: str) -> str | None:
    """``W2741809807`` (entity letter upper case) for an OpenAlex id, else None."""
    match = _OPENALEX_RE.match(text.strip())
    return match.group(1).upper() if match else None


def openalex_url(value: str) -> str:
    return f"https://openalex.org/{value}"


def normalize_wikidata(text: str) -> str | None:
    """``Q303`` for a Wikidata item id, label or URL, else None."""
    match = _WIKIDATA_RE.match(text.strip())
    return match.group(1) if match else None


def wikidata_url(value: str) -> str:
    return f"https://www.wikidata.org/entity/{value}"


def normalize_ascl(text: str) -> str | None:
    """``ascl:1908.011`` for an ASCL id (the ``ascl:`` label or an ascl.net URL), else None."""
    match = _ASCL_RE.match(text.strip())
    return f"ascl:{match.group(1)}" if match else None


def ascl_url(value: str) -> str:
    return f"https://ascl.net/{value.removeprefix('ascl:')}"


def normalize_ean13(text: str) -> str | None:
    """The 13 digits of an EAN-13 with a valid GS1 check digit, else None."""
    match = _EAN13_RE.match(text.strip())
    if not match:
        return None
    digits = re.sub(r"[-\s]", "", match.group(1))
    return digits if is_valid_ean13(digits) else None


def _valid_swh_qualifier(key: str, value: str) -> bool:
    if key == "origin":
        parts = urlsplit(value)
        return bool(parts.scheme and parts.netloc) and _URL_CHARS_RE.match(value) is not None
    if key == "visit":
        return _SWH_SNAPSHOT_RE.match(value) is not None
    if key == "anchor":
        return _SWH_CORE_RE.match(value) is not None and not value.startswith("swh:1:cnt:")
    if key == "path":
        return value.startswith("/") and _URL_CHARS_RE.match(value) is not None
    if key == "lines":
        return _SWH_LINES_RE.match(value) is not None
    return False


def normalize_swh(text: str) -> str | None:
    """A SWHID (core + valid qualifiers, as written, hex lower case), else None."""
    text = text.strip()
    url = _SWH_URL_RE.match(text)
    if url:
        text = url.group(1)
    core, *qualifiers = text.split(";")
    if not _SWH_CORE_RE.match(core):
        return None
    seen: set[str] = set()
    for qualifier in qualifiers:
        key, sep, value = qualifier.partition("=")
        if not sep or key in seen or not _valid_swh_qualifier(key, value):
            return None
        seen.add(key)
    return ";".join([core.lower(), *qualifiers])


def swh_url(value: str) -> str:
    return f"https://archive.softwareheritage.org/{value}"


def is_bare_code(text: str) -> bool:
    """True for a letter + digits written with no label or URL (``Q5``, ``W123``)."""
    return re.fullmatch(r"[A-Za-z]\d+/?", text.strip()) is not None
