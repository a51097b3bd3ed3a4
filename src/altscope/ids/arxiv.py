"""arXiv ids: new style ``YYMM.NNNNN(vN)`` and old style ``archive(.SC)/YYMMNNN(vN)``.

Normal form (as arXiv asks papers to be cited, and as idutils prints it): ``arXiv:1310.2590``,
``arXiv:hep-th/9901001v27``; old-style archives are lower-cased and the subject class dropped
(``math.GT/0309136`` -> ``arXiv:math/0309136``). Versions are kept; :func:`unversioned` drops them.
Running text yields arXiv ids only behind an ``arXiv:`` label or an arxiv.org URL, since a bare
``1310.2590`` is as likely a decimal number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from altscope.ids._types import END, Identifier

# Archives of old-style ids (before April 2007).
OLD_ARCHIVES = frozenset(
    [
        "acc-phys",
        "adap-org",
        "alg-geom",
        "ao-sci",
        "astro-ph",
        "atom-ph",
        "bayes-an",
        "chao-dyn",
        "chem-ph",
        "cmp-lg",
        "comp-gas",
        "cond-mat",
        "cs",
        "dg-ga",
        "funct-an",
        "gr-qc",
        "hep-ex",
        "hep-lat",
        "hep-ph",
        "hep-th",
        "math",
        "math-ph",
        "mtrl-th",
        "nlin",
        "nucl-ex",
        "nucl-th",
        "patt-sol",
        "physics",
        "plasm-ph",
        "q-alg",
        "q-bio",
        "q-fin",
        "quant-ph",
        "solv-int",
        "stat",
        "supr-con",
    ]
)
_NEW = r"(\d{4}\.\d{4,5})(v\d+)?"
_OLD = r"([a-z]+(?:-[a-z]+)?)(?:\.[a-z]{2,})?/(\d{7})(v\d+)?"
_LABEL = r"arxiv\s?:\s?"
_URL = r"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:(?:abs|pdf|html|format|ps)/)?-?"
_PARSE_RE = re.compile(
    rf"\A(?:{_URL}|{_LABEL})?(?:[a-z]+(?:-[a-z]+)?/)?{_NEW}(?:\.pdf)?/?\Z"
    rf"|\A(?:{_URL}|{_LABEL})?{_OLD}(?:\.pdf)?/?\Z",
    re.IGNORECASE,
)
FIND_RE = re.compile(rf"(?:{_URL}|\b{_LABEL})(?:{_NEW}|{_OLD})(?![\w/])(?:\.pdf)?", re.IGNORECASE)


def _value(new: str | None, old_archive: str | None, old_number: str | None, version: str | None):
    if new:
        return f"arXiv:{new}{(version or '').lower()}"
    return f"arXiv:{old_archive.lower()}/{old_number}{(version or '').lower()}"  # type: ignore[union-attr]


def normalize(text: str, *, any_archive: bool = False) -> str | None:
    """``arXiv:<id>`` for an arXiv id written any accepted way, else None. Old-style archives
    must be real arXiv archives unless ``any_archive``."""
    match = _PARSE_RE.match(text.strip())
    if not match:
        return None
    new, v1, archive, number, v2 = match.groups()
    if archive and not any_archive and archive.lower() not in OLD_ARCHIVES:
        return None
    return _value(new, archive, number, v1 or v2)


def unversioned(value: str) -> str:
    """The id without its version suffix: ``arXiv:1310.2590v2`` -> ``arXiv:1310.2590``."""
    return re.sub(r"v\d+\Z", "", value)


def resolver_url(value: str) -> str:
    return f"https://arxiv.org/abs/{value}"


def find(text: str, pos: int = 0, endpos: int = END) -> Iterator[tuple[int, int, Identifier]]:
    for match in FIND_RE.finditer(text, pos, endpos):
        new, v1, archive, number, v2 = match.groups()
        if archive and archive.lower() not in OLD_ARCHIVES:
            continue
        yield (
            match.start(),
            match.end(),
            Identifier("arxiv", _value(new, archive, number, v1 or v2)),
        )
