"""Persistent identifiers: parse, validate, normalise, resolve, and find them in text.

Pure Python (stdlib only); imports nothing else from altscope. See docs/identifiers.md.
"""

from altscope.ids._types import Found, Identifier, IdentifierError
from altscope.ids.find import find_identifiers, find_identifiers_many
from altscope.ids.registry import SCHEMES, detect, is_valid, normalize, parse, resolver_url

__all__ = [
    "SCHEMES",
    "Found",
    "Identifier",
    "IdentifierError",
    "detect",
    "find_identifiers",
    "find_identifiers_many",
    "is_valid",
    "normalize",
    "parse",
    "resolver_url",
]
