"""The records every scheme module shares: Identifier, Found and IdentifierError."""

from __future__ import annotations

import sys
from dataclasses import dataclass

# ``endpos`` for the finders' ``finditer``: the end of the text.
END = sys.maxsize

# Values that already carry their own label print as they are (e.g. "arXiv:1310.2590").
_SELF_LABELLED = ("arxiv", "urn", "ark", "swh", "ascl")


class IdentifierError(ValueError):
    """A string is not a valid identifier (of the given scheme)."""


@dataclass(frozen=True, slots=True, order=True)
class Identifier:
    """One identifier in normal form: ``scheme`` from SCHEMES, ``value`` normalised."""

    scheme: str
    value: str

    @property
    def url(self) -> str | None:
        """The resolver URL (https), or None when the scheme has no resolver."""
        from altscope.ids.registry import resolver_url

        return resolver_url(self.scheme, self.value)

    def __str__(self) -> str:
        if self.scheme in _SELF_LABELLED:
            return self.value
        return f"{self.scheme}:{self.value}"


@dataclass(frozen=True, slots=True)
class Found:
    """An identifier found in a text: ``text[start:end]`` is how it was written there."""

    identifier: Identifier
    start: int
    end: int
    text: str
